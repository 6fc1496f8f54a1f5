"""Media buttons for one run, and the doctor's check: the glue between bus, player and keys.

``open_buttons`` returns None, and the run goes on exactly as without
buttons, when they are switched off or there is no session bus (or no
dbus-fast). Registering the player takes a bus round trip or a timeout, so
it is :meth:`Buttons.connect`, run off the path to the first word; if it
fails there, the keyboard goes on as before. Only an explicit ``--buttons``
makes either a warning; by default it is silent (SSH and headless runs are
normal).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from voicecoach.events import Event, LateSink
from voicecoach.inputs.bus import ENABLE, session_bus_address

if TYPE_CHECKING:  # imported where used: a run with no session bus needs none of them
    from voicecoach.inputs.button_keys import ButtonKeys
    from voicecoach.inputs.keys import KeySource
    from voicecoach.inputs.player_state import PlayerState
    from voicecoach.routines.model import Routine


class Buttons:
    """The run's media buttons: the key source the clock waits on, at once; the player on
    the session bus once :meth:`connect` (slow: a bus may take seconds) has registered it.

    Events before then are kept and handed to the player when it is there, so
    a widget shows where the workout is from its first look.
    """

    def __init__(
        self,
        keys: ButtonKeys,
        state: PlayerState,
        address: str,
        wanted: bool | None,
        warn: Callable[[str], None],
    ):
        self.keys = keys
        self.state = state
        self.address = address
        self.wanted = wanted
        self.warn = warn
        self.player: object | None = None  # MprisPlayer; dbus-fast is imported when connecting
        self.sink = LateSink()

    @property
    def name(self) -> str:
        return str(getattr(self.player, "name", ""))

    def connect(self) -> Callable[[], None] | None:
        """Register the player (on the background thread); returns how to leave the bus."""
        try:
            from voicecoach.inputs.mpris import MprisPlayer, PlayerUnavailable
        except ImportError:
            self._off("dbus-fast is not installed (pip install dbus-fast)")
            return None
        player = MprisPlayer(self.state, self.keys.inject, lost=self._lost)
        try:
            player.start(self.address)
        except PlayerUnavailable as exc:
            self._off(str(exc))
            return None
        self.player = player
        self.sink.attach(player.event)
        if player.others:  # said once, whether or not buttons were asked for
            from voicecoach.inputs.other_players import others_line

            self.warn(others_line(player.others))
        return player.close

    def _lost(self, reason: str) -> None:
        """Said once, from the bus thread, when the player could not get back on the bus."""
        self.warn(f"media buttons stopped working: {reason}; the keyboard still works")

    def _off(self, reason: str) -> None:
        self.sink.attach(None)
        if self.wanted:
            self.warn(f"media buttons are off: {reason}. To enable them: {ENABLE}")

    def event(self, event: Event) -> None:
        self.sink(event)

    def close(self) -> None:
        """The key source; the player is closed by whoever ran :meth:`connect`."""
        self.keys.close()


def open_buttons(
    wanted: bool | None,
    keyboard: KeySource | None,
    routine: Routine,
    warn: Callable[[str], None],
    environ: Mapping[str, str] | None = None,
) -> Buttons | None:
    """The run's media buttons (``wanted`` None: if a session bus is there), not yet on
    the bus: only what costs nothing is checked here; :meth:`Buttons.connect` does the rest."""
    if wanted is False:
        return None
    address, why = session_bus_address(environ)
    if address is None or not _installed("dbus_fast"):
        if wanted:
            reason = (
                why if address is None else "dbus-fast is not installed (pip install dbus-fast)"
            )
            warn(f"media buttons are off: {reason}. To enable them: {ENABLE}")
        return None
    from voicecoach.inputs.button_keys import ButtonKeys
    from voicecoach.inputs.player_state import PlayerState, set_lengths

    keys = ButtonKeys(keyboard)
    return Buttons(keys, PlayerState(routine.name, set_lengths(routine)), address, wanted, warn)


def _installed(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


def check(environ: Mapping[str, str] | None = None) -> tuple[bool, str, str]:
    """For ``doctor``: ``(ok, detail, fix)`` — registers a throwaway player and leaves."""
    address, why = session_bus_address(environ)
    if address is None:
        return False, f"off: {why}", ENABLE
    try:
        from voicecoach.inputs.mpris import NAME, MprisPlayer, PlayerUnavailable
    except ImportError:
        return False, "off: dbus-fast is not installed", "pip install dbus-fast"
    from voicecoach.inputs.other_players import others_line
    from voicecoach.inputs.player_state import PlayerState

    player = MprisPlayer(PlayerState("doctor"), lambda key: None)
    try:
        player.start(address)
    except PlayerUnavailable as exc:
        return False, f"off: {exc}", ENABLE
    finally:
        player.close()
    detail = (
        f"on: a run is the media player {NAME} on the session bus ({why}); "
        "earbud buttons reach it through the desktop or BlueZ's mpris-proxy"
    )
    if player.others:
        detail += f"; {others_line(player.others)}"
    return True, detail, ""
