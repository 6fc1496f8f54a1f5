"""Media buttons for one run, and the doctor's check: the glue between bus, player and keys.

``open_buttons`` returns None, and the run goes on exactly as without
buttons, when they are switched off, when there is no session bus, or when
the player cannot be registered. Only an explicit ``--buttons`` makes that
a warning; by default it is silent (SSH and headless runs are normal).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from voicecoach.events import Event
from voicecoach.inputs.bus import ENABLE, session_bus_address
from voicecoach.inputs.button_keys import ButtonKeys
from voicecoach.inputs.keys import KeySource
from voicecoach.inputs.player_state import PlayerState, set_lengths
from voicecoach.routines.model import Routine


@dataclass
class Buttons:
    """A registered player: the key source the clock waits on, and a sink for events."""

    keys: ButtonKeys
    player: object  # MprisPlayer; dbus-fast is imported only when a bus is there

    @property
    def name(self) -> str:
        return str(getattr(self.player, "name", ""))

    def event(self, event: Event) -> None:
        self.player.event(event)  # type: ignore[attr-defined]

    def close(self) -> None:
        self.player.close()  # type: ignore[attr-defined]
        self.keys.close()


def open_buttons(
    wanted: bool | None,
    keyboard: KeySource | None,
    routine: Routine,
    warn: Callable[[str], None],
    environ: Mapping[str, str] | None = None,
) -> Buttons | None:
    """The run's media buttons (``wanted`` None: if a session bus is there)."""
    if wanted is False:
        return None

    def off(reason: str) -> None:
        if wanted:
            warn(f"media buttons are off: {reason}. To enable them: {ENABLE}")

    address, why = session_bus_address(environ)
    if address is None:
        off(why)
        return None
    try:
        from voicecoach.inputs.mpris import MprisPlayer, PlayerUnavailable
    except ImportError:
        off("dbus-fast is not installed (pip install dbus-fast)")
        return None
    keys = ButtonKeys(keyboard)
    player = MprisPlayer(PlayerState(routine.name, set_lengths(routine)), keys.inject)
    try:
        player.start(address)
    except PlayerUnavailable as exc:
        keys.close()
        off(str(exc))
        return None
    return Buttons(keys, player)


def check(environ: Mapping[str, str] | None = None) -> tuple[bool, str, str]:
    """For ``doctor``: ``(ok, detail, fix)`` — registers a throwaway player and leaves."""
    address, why = session_bus_address(environ)
    if address is None:
        return False, f"off: {why}", ENABLE
    try:
        from voicecoach.inputs.mpris import NAME, MprisPlayer, PlayerUnavailable
    except ImportError:
        return False, "off: dbus-fast is not installed", "pip install dbus-fast"
    player = MprisPlayer(PlayerState("doctor"), lambda key: None)
    try:
        player.start(address)
    except PlayerUnavailable as exc:
        return False, f"off: {exc}", ENABLE
    finally:
        player.close()
    return (
        True,
        f"on: a run is the media player {NAME} on the session bus ({why}); "
        "earbud buttons reach it through the desktop or BlueZ's mpris-proxy",
        "",
    )
