"""A signal mid-sentence ends a real run at once, with its journal whole.

The coach speaks into a PulseAudio null sink through the live stream, which
once played out its queued words before exiting. How fast the exit is, is
measured by the bench (bench/run.py ttfw); here only that it is clean.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))

from helpers import PYTHON, PulseServer, mini_routine, voicecoach_env


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_mid_sentence_exits_with_the_journal_closed_and_whole(
    sig: int, code: int, pulse: PulseServer, tmp_path: Path, voicecoach_home: Path
) -> None:
    routine = tmp_path / "mini.yaml"
    routine.write_text(mini_routine(sets=2))
    proc = subprocess.Popen(
        [PYTHON, "-m", "voicecoach", "run", str(routine), "--audio", "stream", "--answers", "2"],
        env=voicecoach_env(voicecoach_home, **pulse.env()),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the second set starts: the first is saved
            if "set 2/2" in line:
                break
        else:
            pytest.fail(
                f"the second set never started: {proc.stderr.read() if proc.stderr else ''}"
            )
        proc.send_signal(sig)
        assert proc.wait(30) == code
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")
    journal = voicecoach_home / "data" / "journal.sqlite3"
    # Closed: the last connection to a WAL journal folds the log back in and removes it.
    assert not journal.with_name(journal.name + "-wal").exists()
    db = sqlite3.connect(journal)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT status FROM sessions").fetchall() == [("aborted",)]
    assert db.execute("SELECT set_no, rir FROM sets").fetchall() == [(1, 2)]
