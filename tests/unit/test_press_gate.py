"""The press gate: presses faster than a finger collapse to the first one."""

from __future__ import annotations

from voicecoach.inputs.press_gate import HUMAN_GAP, PressGate


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_a_flood_is_its_first_press_and_a_press_after_a_pause_counts() -> None:
    clock = Clock()
    gate = PressGate(now=clock)
    kept = []
    for _ in range(20_000):
        kept.append(gate.admit())
        clock.t += 0.00005  # 20,000 in one second
    assert kept.count(True) == 1 and kept[0]
    assert gate.dropped == 19_999
    clock.t += HUMAN_GAP
    assert gate.admit()


def test_presses_at_a_fast_human_pace_all_count() -> None:
    clock = Clock()
    gate = PressGate(now=clock)
    results = []
    for _ in range(10):
        results.append(gate.admit())
        clock.t += 0.07  # a fast tapper
    assert all(results)
    assert gate.dropped == 0
