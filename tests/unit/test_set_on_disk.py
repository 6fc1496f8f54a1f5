"""A finished set is on disk before its question: a kill while "How many in reserve?" waits
keeps it. The answer then completes the same row, and the set counts once."""

from __future__ import annotations

import sqlite3
from collections import deque
from pathlib import Path

from helpers import mini_routine
from voicecoach.events import Event
from voicecoach.journal.store import Journal
from voicecoach.routines.loader import parse_routine_text
from voicecoach.session.answers import parse_answers
from voicecoach.session.engine import Session
from voicecoach.session.environment import Environment
from voicecoach.speech.base import Voice
from voicecoach.speech.estimate import EstimateRenderer
from voicecoach.testing import FakeClock


def _rows(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)  # another connection, as a process after a kill would see it
    try:
        return con.execute("SELECT position, rir, next_load FROM sets ORDER BY id").fetchall()
    finally:
        con.close()


def test_the_set_is_journaled_when_its_question_is_asked(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite3"
    journal = Journal(db)
    at_question: list[list[tuple]] = []

    def sink(event: Event) -> None:
        if event.kind == "ask" and event.text == "RIR":
            at_question.append(_rows(db))

    env = Environment(
        clock=FakeClock(),
        voice=Voice(EstimateRenderer()),
        journal=journal,
        sinks=[sink],
        answers=deque(parse_answers("4,2")),
    )
    result = Session(parse_routine_text(mini_routine(2, "3")), env).run()
    journal.close()
    # At each question, that set is there already, unanswered, its load unchanged.
    assert [rows[-1][:2] for rows in at_question] == [(0, None), (1, None)]
    assert '"amount": 100.0' in at_question[0][-1][2]
    rows = _rows(db)
    assert [(p, rir) for p, rir, _ in rows] == [(0, 4.0), (1, 2.0)]  # completed, not doubled
    assert result.sets_done == 2
