"""``voicecoach mic-train``: enrol the lifter's voice, so a run takes only their words."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, NoReturn

import click

from voicecoach.cli.base import CONTEXT, cli, dump_json, err_line, load_user_settings, voice_options
from voicecoach.exitcodes import ExitStatus
from voicecoach.paths import user_paths

NO_MIC_FIX = (
    "plug in a headset or microphone, check it with 'voicecoach mic-test', "
    "or name one with --mic (a part of its name is enough)"
)


class _Prompter:
    """Speaks each prompt and says when its sound ended, on the microphone's clock."""

    def __init__(self, settings: Any, quiet: bool):
        self.voice: Any = None
        self.out: Any = None
        if quiet or settings.audio == "none":
            return
        from voicecoach.audio import AudioUnavailable, open_output
        from voicecoach.speech import make_voice

        try:
            self.out, _ = open_output(settings.audio, time.monotonic())
        except AudioUnavailable as exc:
            err_line(f"voicecoach: prompts on screen only: {exc}")
            return
        self.voice = make_voice(settings, user_paths().clip_cache, err_line)

    def __call__(self, text: str) -> float:
        if self.voice is None or self.out is None or self.out.name == "none":
            return time.monotonic()
        clip = self.voice.clip(text)
        at = time.monotonic() + self.out.lookahead
        self.out.play(clip, at)
        end = at + clip.seconds + self.out.lead  # the device's buffer plays after ``at``
        while time.monotonic() < end:
            time.sleep(min(0.05, max(0.0, end - time.monotonic())))
        return end

    def close(self) -> None:
        if self.voice is not None:
            self.voice.close()
        if self.out is not None:
            self.out.close()


@cli.command("mic-train", context_settings=CONTEXT)
@click.option("--mic", metavar="NAME", help="Microphone to enrol on (default: the configured one).")
@click.option(
    "--audio",
    type=click.Choice(["auto", "stream", "simpleaudio", "none"]),
    help="Where the prompts are spoken (default: auto; none: on screen only).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the enrolment's summary as JSON.")
@voice_options
def mic_train(
    mic: str | None,
    audio: str | None,
    as_json: bool,
    voice: str | None,
    rate: int | None,
    volume: float | None,
    engine: str | None,
) -> None:
    """Enrol your voice: say each answer word three times, once.

    The coach asks for every word a run can take (zero to five, done, skip,
    repeat, pause, go on, yes, no, undo), then six near words a run never
    takes (fine, fight, floor, door, gone, hero), aloud and on screen; a take
    that is silent, clipped, too quiet or too long is asked for again. The
    takes are kept as sound features (not recordings) in the data dir. From
    then on a run with --listen takes a word only if it sounds like you saying
    it: a neighbour's "five" is not yours, and your "fine" is not "five". Run
    it again to enrol anew (another microphone, a cold voice); delete the file
    to stop the check.

    \b
    Examples:
      voicecoach mic-train
      voicecoach mic-train --mic USB
      voicecoach mic-train --audio none --json
    """
    from voicecoach.inputs.microphone import MicrophoneUnavailable
    from voicecoach.inputs.mictrain import TrainingFailed, train
    from voicecoach.inputs.recogniser import RecogniserUnavailable
    from voicecoach.inputs.segments import Segmenter
    from voicecoach.inputs.session import open_microphone

    settings = load_user_settings(audio=audio, voice=voice, rate=rate, volume=volume, engine=engine)
    target = user_paths().enrolment
    show = err_line if as_json else click.echo  # with --json, stdout is the data alone
    try:
        segmenter = Segmenter()
        found = open_microphone(mic or settings.mic, show)
    except (RecogniserUnavailable, MicrophoneUnavailable) as exc:
        _fail(f"{exc}; {NO_MIC_FIX}")
    if found is None:
        _fail(f"no microphone to enrol on; {NO_MIC_FIX}")
    show(f"enrolling on {found.name}: say each word when asked, as you would in a set")
    prompter = _Prompter(settings, quiet=False)
    try:
        enrolment, done = train(found, prompter, show, time.monotonic, segmenter)
    except MicrophoneUnavailable as exc:
        _fail(f"{exc}; {NO_MIC_FIX}")
    except TrainingFailed as exc:
        _fail(str(exc))
    finally:
        prompter.close()
    try:
        enrolment.save(target)
    except OSError as exc:
        _fail(f"cannot write {target}: {exc.strerror or exc}")
    if as_json:
        dump_json(_summary(target, enrolment, done.redone))
    else:
        near = len(enrolment.near_words)
        words = len(enrolment.templates) - near
        click.echo(f"enrolled {words} words and {near} near words in {target}")


def _summary(target: Path, enrolment: Any, redone: dict[str, list[str]]) -> dict[str, Any]:
    from voicecoach.inputs.enrolment import NOISY_SNR, VERSION

    return {
        "file": str(target),
        "version": VERSION,
        "microphone": enrolment.microphone,
        "near_words": enrolment.near_words,
        "words": {
            w: {
                "takes": len(enrolment.templates[w]),
                "threshold": {
                    "quiet": round(enrolment.thresholds[w].quiet, 4),
                    f"{NOISY_SNR:g} dB": round(enrolment.thresholds[w].noisy, 4),
                },
                "redone": redone.get(w, []),
            }
            for w in enrolment.templates
        },
    }


def _fail(message: str) -> NoReturn:
    err_line(f"voicecoach: {message}")
    raise SystemExit(ExitStatus.ERROR)
