"""Where the session stands, as an MPRIS2 player shows it, followed from the engine's events.

Pure: :meth:`PlayerState.feed` takes the :class:`~voicecoach.events.Event`
objects every sink gets and returns the properties that changed, in plain
Python values. ``mpris.py`` turns those into D-Bus variants. Subscribing a
sink is the whole coupling to the engine, so the engine knows nothing of D-Bus.

The same state decides which key a button press stands for, because a
button means different things in a set, a rest and the RIR question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicecoach.events import Event
from voicecoach.inputs.button_answers import NEXT, PLAY, PREV
from voicecoach.inputs.keys import ENTER
from voicecoach.plan.wording import QUESTION
from voicecoach.plan.workplan import work_items
from voicecoach.routines.model import Routine

# engine.py emits a "set" event as f"{item.label} · {describe(load)}"; item.label is
# "Upright row set 2/3" (or "round 2/3" in a circuit). test_player_state checks the
# format against real engine events, so a change there fails a test here.
_SET = re.compile(r"^(?P<name>.+) (?P<kind>set|round) (?P<no>\d+)/(?P<total>\d+) · (?P<load>.+)$")
_SECONDS = re.compile(r"(\d+(?:\.\d+)?)s$")

TRACK_PREFIX = "/org/voicecoach/track/"  # trackids must not be under /org/mpris


@dataclass(frozen=True)
class Track:
    """What a media widget shows: one set or one rest."""

    number: int
    title: str
    artist: str
    seconds: float

    @property
    def trackid(self) -> str:
        return f"{TRACK_PREFIX}{self.number}"


class PlayerState:
    """The session as a player: its track, status and phase."""

    def __init__(self, album: str, lengths: dict[str, float] | None = None):
        self.album = album
        self.lengths = lengths or {}  # set label -> expected seconds, for mpris:length
        self.phase = "intro"  # intro | set | ask | after | rest | done
        self.paused = False
        self.track = Track(0, album, "Starting", 0.0)
        self._last_set = ""

    # --- what a client reads ----------------------------------------------------------------
    @property
    def status(self) -> str:
        """``PlaybackStatus``."""
        if self.phase == "done":
            return "Stopped"
        return "Paused" if self.paused else "Playing"

    def metadata(self) -> dict[str, tuple[str, object]]:
        """``Metadata``: key -> (D-Bus signature, value)."""
        t = self.track
        return {
            "mpris:trackid": ("o", t.trackid),
            "mpris:length": ("x", int(t.seconds * 1_000_000)),
            "xesam:title": ("s", t.title),
            "xesam:artist": ("as", [t.artist]),
            "xesam:album": ("s", self.album),
        }

    def properties(self) -> dict[str, object]:
        return {"PlaybackStatus": self.status, "Metadata": self.metadata()}

    # --- following the session --------------------------------------------------------------
    def feed(self, event: Event) -> dict[str, object]:
        """Take one engine event; return the player properties it changed."""
        before = self.properties()
        kind, text = event.kind, event.text
        if kind == "set":
            self._on_set(text)
        elif kind == "ask" and text == "RIR":
            self.phase = "ask"
            self._retrack(self.track.title, QUESTION, self.track.seconds, new=False)
        elif kind == "answer":
            self.phase = "after"
            self._retrack(self.track.title, self._last_set, self.track.seconds, new=False)
        elif kind == "rest":
            self._on_rest(text)
        elif kind == "pause":
            self.paused = True
        elif kind == "resume":
            self.paused = False
        elif kind == "quit" or (kind == "sound" and text == "workout-done"):
            self.phase, self.paused = "done", False
            self._retrack("Workout done", self.album, 0.0)
        after = self.properties()
        return {k: v for k, v in after.items() if before[k] != v}

    def _on_set(self, text: str) -> None:
        self.phase = "set"
        m = _SET.match(text)
        if m is None:  # an unexpected label: still show it rather than nothing
            self._last_set = text
            self._retrack(text, "", 0.0)
            return
        label = f"{m['name']} {m['kind']} {m['no']}/{m['total']}"
        self._last_set = f"{m['kind'].capitalize()} {m['no']} of {m['total']} · {m['load']}"
        self._retrack(m["name"], self._last_set, self.lengths.get(label, 0.0))

    def _on_rest(self, text: str) -> None:
        m = _SECONDS.search(text)
        seconds = float(m.group(1)) if m else 0.0
        if text.startswith("adjusted to"):  # + / -: same rest, new length
            self._retrack(self.track.title, f"{seconds:g} s", seconds, new=False)
            return
        self.phase = "rest"
        title = "Next station" if text.startswith("transition") else "Rest"
        self._retrack(title, f"{seconds:g} s", seconds)

    def _retrack(self, title: str, artist: str, seconds: float, new: bool = True) -> None:
        """Show a new track (a set, a rest, the end) or, with ``new`` False, update this one."""
        number = self.track.number + (1 if new else 0)
        self.track = Track(number, title, artist, seconds)

    # --- buttons --------------------------------------------------------------------------
    def key_for(self, button: str) -> str | None:
        """The key a button press stands for now (``button``: play, next or previous).

        play: set done in a set, pause or resume elsewhere; next: skip;
        previous: repeat. In the RIR question the menu's own keys go in.
        """
        if self.phase == "done":
            return None
        if self.paused:
            return " " if button == "play" else None  # the pause waits for space only
        if self.phase == "ask":
            return {"play": PLAY, "next": NEXT, "previous": PREV}[button]
        if button == "play":
            return ENTER if self.phase == "set" else " "
        return "s" if button == "next" else "r"


def set_lengths(routine: Routine) -> dict[str, float]:
    """Each set's working time by label: the reps at the top of the range at the routine's
    tempo, or the hold, on every side. A media widget shows it as the track length."""
    out: dict[str, float] = {}
    for item in work_items(routine):
        spec = item.spec
        if spec.hold is not None:
            seconds = spec.hold
        else:
            seconds = (spec.reps.high if spec.reps else 10) * spec.tempo.rep_seconds
        out[item.label] = seconds * max(1, len(spec.sides))
    return out
