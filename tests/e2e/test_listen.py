"""End to end: spoken answers through a PulseAudio virtual microphone.

A second null sink, ``mic``, is the default source (its monitor); real
espeak-ng speech of the command words is played into it while a real
``voicecoach run`` listens in a pseudo-terminal.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from helpers import (
    MIC_RATE,
    PYTHON,
    PulseServer,
    add_mic,
    in_terminal,
    remove_mic,
    voicecoach_env,
)
from mic_helpers import LISTEN, listening_run, play_into_mic, say_into_mic, wait_capturing

pytest.importorskip("pocketsphinx")


@pytest.fixture
def mic(pulse: PulseServer) -> PulseServer:
    """A ``mic`` null sink whose monitor is the default source: a virtual microphone."""
    loaded = add_mic(pulse)
    yield pulse
    remove_mic(pulse, loaded)


def test_spoken_three_answers_and_done_ends_the_set(
    mic: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    """ "done" ends the set early and "three" answers the RIR question: journal rir=3."""
    with listening_run(mic, voicecoach_home, tmp_path, "10", "Listen E2E", *LISTEN) as (proc, term):
        assert term.expect("rep 2 · pull".encode(), 60), term.text
        assert wait_capturing(mic), term.text  # the listener is up, in the set's window
        say_into_mic(mic, "done", tmp_path)
        assert term.expect(b"How many in reserve?", 30), term.text
        say_into_mic(mic, "three", tmp_path)
        assert term.expect(b"Three in reserve.", 30), term.text
        assert proc.wait(60) == 0
    db = voicecoach_home / "data" / "journal.sqlite3"
    rows = sqlite3.connect(db).execute("SELECT reps, rir FROM sets").fetchall()
    assert len(rows) == 1
    reps, rir = rows[0]
    assert rir == 3
    assert reps < 10  # "done" ended the set before its ten reps


def test_spoken_three_then_no_takes_it_back_and_asks_again(
    mic: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    """ "three", confirmed aloud, then "no" within 3 s: the question is asked again, and
    the key typed then is the answer the journal keeps."""
    with listening_run(mic, voicecoach_home, tmp_path, "2", "Listen undo", *LISTEN) as (proc, term):
        assert term.expect(b"[set]", 60), term.text
        term.send(b"\n")  # the set ends at once: straight to the question
        assert term.expect(b"How many in reserve?", 30), term.text
        # The listener starts beside the session: speak once it captures, in the question's
        # window (it may come up after the question is asked), not after a guessed delay.
        assert wait_capturing(mic), term.text
        say_into_mic(mic, "three", tmp_path)
        assert term.expect(b"Three in reserve.", 30), term.text
        say_into_mic(mic, "no", tmp_path)
        assert term.expect(b"How many in reserve?", 10), term.text  # asked again
        term.send(b"1")
        assert term.expect(b"One in reserve.", 30), term.text
        assert proc.wait(60) == 0
    db = voicecoach_home / "data" / "journal.sqlite3"
    assert sqlite3.connect(db).execute("SELECT rir FROM sets").fetchall() == [(1,)]


def test_the_coach_never_answers_itself(
    mic: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    """The coach's own voice played into the microphone is never taken as an answer.

    The coach speaks into the ``mic`` sink, whose monitor is the microphone, so
    the listener hears every cue, "How many in reserve? Press zero to five." included.
    Nobody answers: the set runs its three reps and the RIR stays unknown.
    """
    options = ("--audio", "stream", "--engine", "espeak", "--listen", "--rir-timeout", "12")
    with listening_run(
        mic, voicecoach_home, tmp_path, "3", "Listen Self", *options, PULSE_SINK="mic"
    ) as (proc, term):
        assert term.expect(b"sets saved", 120), term.text  # reading drains the pty
        assert proc.wait(30) == 0
    assert "not listening" not in term.text  # the listener was on, hearing the mic sink
    assert "[answer] -" in term.text  # the question timed out: nothing was heard as an answer
    db = voicecoach_home / "data" / "journal.sqlite3"
    rows = sqlite3.connect(db).execute("SELECT reps, rir FROM sets").fetchall()
    assert rows == [(3, None)], term.text


def test_mic_test_shows_the_level_and_the_word_heard(
    mic: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    """``voicecoach mic-test`` draws a level meter and names the command said into the mic."""
    env = voicecoach_env(voicecoach_home, **mic.env())
    with in_terminal(["mic-test", "--seconds", "8"], env) as (proc, term):
        assert term.expect(b"listening on", 30), term.text
        assert term.expect(b"dBFS", 10), term.text  # the live meter, on a terminal
        say_into_mic(mic, "done", tmp_path)
        assert term.expect(b"heard: done", 15), term.text
        assert term.expect(b"heard 1 command", 20), term.text
        assert proc.wait(30) == 0


def test_mic_test_without_that_microphone_says_so(mic: PulseServer, voicecoach_home: Path) -> None:
    """With no capture device named like the one asked for, mic-test exits 1 with one line."""
    done = subprocess.run(
        [PYTHON, "-m", "voicecoach", "mic-test", "--mic", "no-such-microphone-xyz"],
        env=voicecoach_env(voicecoach_home, **mic.env()),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no microphone named 'no-such-microphone-xyz'" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # errors go to stderr


def test_listening_is_off_unless_asked(
    mic: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    """With a microphone present but no --listen, a spoken "done" changes nothing.

    The screen says once how to turn voice answers on; the set runs all its six reps
    (a "done" taken at rep 2 would end it by rep 4) and the key answers the question.
    """
    options = ("--audio", "none", "--engine", "espeak")
    with listening_run(mic, voicecoach_home, tmp_path, "6", "Listen off", *options) as (proc, term):
        assert term.expect(b"voice answers are off: run with --listen", 60), term.text
        assert term.expect("rep 2 · pull".encode(), 60), term.text
        say_into_mic(mic, "done", tmp_path)
        assert term.expect(b"How many in reserve?", 60), term.text
        say_into_mic(mic, "three", tmp_path)
        term.send(b"1")
        assert term.expect(b"One in reserve.", 30), term.text
        assert proc.wait(60) == 0
    db = voicecoach_home / "data" / "journal.sqlite3"
    assert sqlite3.connect(db).execute("SELECT reps, rir FROM sets").fetchall() == [(6, 1)]


def _clip_16k(voice: object, text: str) -> bytes:
    """A phrase as ``voice`` renders it, at the microphone's 16 kHz."""
    import numpy as np
    import soxr

    clip = voice.clip(text)  # type: ignore[attr-defined]
    a = np.frombuffer(clip.pcm, dtype=np.int16).astype(np.float32) / 32768
    b = soxr.resample(a, clip.rate, MIC_RATE)
    return (np.clip(b, -1, 1) * 32767).astype(np.int16).tobytes()


def _enrol_the_lifter(folder: Path) -> Path:
    """Save an enrolment of the lifter, and render the neighbour's "fine" (16 kHz raw).

    The lifter is voicecoach's default espeak-ng voice, the one say_into_mic speaks
    with, enrolled from renders of it slower and faster than it will answer (150, 185
    and 220 words a minute against 175: a synthetic voice varies less than a person);
    the neighbour is espeak's Scottish English voice.
    """
    from voicecoach.inputs.enrolment import ENROLLED, Enrolment
    from voicecoach.paths import user_paths
    from voicecoach.settings import Settings
    from voicecoach.speech import make_voice

    quiet = bytes(2 * MIC_RATE * 3 // 10)  # the 0.3 s the detector keeps either side
    takes: dict[str, list[bytes]] = {w: [] for w in ENROLLED}  # near words too, as mic-train
    for wpm in (150, 185, 220):
        voice = make_voice(Settings(engine="espeak", rate=wpm), None)
        try:
            for w in ENROLLED:
                takes[w].append(quiet + _clip_16k(voice, w) + quiet)
        finally:
            voice.close()
    Enrolment.from_takes(takes, microphone="e2e").save(user_paths().enrolment)
    voice = make_voice(Settings(engine="espeak", voice="gmw/en-gb-scotland"), None)
    try:
        fine = folder / "neighbour-fine.raw"
        fine.write_bytes(quiet + _clip_16k(voice, "fine") + quiet)
    finally:
        voice.close()
    return fine


def test_with_an_enrolment_a_neighbours_fine_changes_nothing(
    mic: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    """The neighbour's "fine" during the RIR question, which the grammar alone takes as
    "five", is refused by the lifter's enrolment; the lifter's "three" then answers."""
    from voicecoach.inputs.commands import WINDOWS
    from voicecoach.inputs.recogniser import Recogniser

    fine = _enrol_the_lifter(tmp_path)
    # Without the enrolment this "fine" would be an answer: the grammar hears "five".
    heard = Recogniser().decode(fine.read_bytes(), WINDOWS["answer"])
    assert heard.word == "five"
    with listening_run(mic, voicecoach_home, tmp_path, "2", "Listen neighbour", *LISTEN) as (
        proc,
        term,
    ):
        assert term.expect(b"[set]", 60), term.text
        term.send(b"\n")  # the set ends at once: straight to the question
        assert term.expect(b"How many in reserve?", 30), term.text
        assert wait_capturing(mic), term.text  # the listener is up, in the question's window
        play_into_mic(mic, fine, MIC_RATE)
        say_into_mic(mic, "three", tmp_path)
        assert term.expect(b"Three in reserve.", 30), term.text
        assert proc.wait(60) == 0
    assert "Five in reserve." not in term.text  # the neighbour's "fine" was not taken
    assert "voice enrolment not used" not in term.text
    db = voicecoach_home / "data" / "journal.sqlite3"
    assert sqlite3.connect(db).execute("SELECT rir FROM sets").fetchall() == [(3,)]


def test_with_near_words_enrolled_the_lifters_own_fine_in_noise_changes_nothing(
    mic: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    """The lifter's own "fine" in pink noise at 10 dB SNR, after the question: three takes
    of "five" in the same voice cannot refuse it (the enrolment without its near words
    takes it as five), the lifter's takes of the near word "fine" do. The lifter's "two"
    then answers."""
    import numpy as np

    from voicecoach.inputs import voiceprint
    from voicecoach.inputs.commands import WINDOWS
    from voicecoach.inputs.enrolled_ear import Ear
    from voicecoach.inputs.enrolment import WORDS, Enrolment, load
    from voicecoach.paths import user_paths
    from voicecoach.settings import Settings
    from voicecoach.speech import make_voice

    _enrol_the_lifter(tmp_path)
    voice = make_voice(Settings(engine="espeak"), None)  # the voice say_into_mic speaks with
    try:
        fine = voiceprint.with_noise(_clip_16k(voice, "fine"), 10.0, np.random.default_rng(3))
    finally:
        voice.close()
    saved = load(user_paths().enrolment)
    assert saved is not None and "fine" in saved.near_words
    plain = Enrolment(
        {w: saved.templates[w] for w in WORDS}, {w: saved.thresholds[w] for w in WORDS}
    )
    heard = voiceprint.analyse(fine)
    assert Ear().word(plain.scores(heard), None, WINDOWS["answer"]) == "five"
    assert Ear().word(saved.scores(heard), None, WINDOWS["answer"]) is None
    noisy = tmp_path / "own-fine-10dB.raw"
    noisy.write_bytes(fine)
    with listening_run(mic, voicecoach_home, tmp_path, "2", "Listen own fine", *LISTEN) as (
        proc,
        term,
    ):
        assert term.expect(b"[set]", 60), term.text
        term.send(b"\n")
        assert term.expect(b"How many in reserve?", 30), term.text
        assert wait_capturing(mic), term.text
        play_into_mic(mic, noisy, MIC_RATE)
        say_into_mic(mic, "two", tmp_path)
        assert term.expect(b"Two in reserve.", 30), term.text
        assert proc.wait(60) == 0
    assert "Five in reserve." not in term.text
    db = voicecoach_home / "data" / "journal.sqlite3"
    assert sqlite3.connect(db).execute("SELECT rir FROM sets").fetchall() == [(2,)]
