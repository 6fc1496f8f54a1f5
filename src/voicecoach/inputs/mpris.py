"""voicecoach as an MPRIS2 media player on the D-Bus session bus, with dbus-fast.

Desktop media keys, BlueZ's ``mpris-proxy`` (Bluetooth headset buttons over
AVRCP), lock-screen widgets and ``playerctl`` all drive players through
MPRIS2. Being one lets an earbud button end a set or answer the coach.

The bus runs its own asyncio loop on a daemon thread, so the engine's loop
never waits on D-Bus. Two things cross threads, both without blocking:
engine events come in through :meth:`MprisPlayer.event` (a sink) and leave
as ``PropertiesChanged`` signals scheduled on the loop; button presses come
in on the loop and leave as keys through ``press`` (``ButtonKeys.inject``).
Spec: https://specifications.freedesktop.org/mpris-spec/latest/
"""

# No ``from __future__ import annotations`` here: dbus-fast reads the D-Bus signatures
# from the annotations, and would read a postponed ``-> None`` as the string "None".
import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable
from typing import Annotated

from dbus_fast import (
    BusType,
    NameFlag,
    PropertyAccess,
    RequestNameReply,
    Variant,
)
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import (
    DBusBool,
    DBusDict,
    DBusDouble,
    DBusInt64,
    DBusObjectPath,
    DBusSignature,
    DBusStr,
)
from dbus_fast.service import ServiceInterface, dbus_property, method, signal

from voicecoach.events import Event
from voicecoach.inputs.bus_writes import steady
from voicecoach.inputs.other_players import other_players
from voicecoach.inputs.player_state import PlayerState
from voicecoach.inputs.press_gate import PressGate

NAME = "org.mpris.MediaPlayer2.voicecoach"
PATH = "/org/mpris/MediaPlayer2"
IDENTITY = "voicecoach"
CONNECT_TIMEOUT = 2.0  # a bus that does not answer this soon is treated as absent
# A lost connection is made again after 0.25, 0.5, 1, 2 and 4 s (about 8 s in all): a
# restarted session bus is back well within that, and a bus gone for good is said soon.
RETRY_FIRST = 0.25
RETRIES = 5

DBusStrList = Annotated[list[str], DBusSignature("as")]


class PlayerUnavailable(RuntimeError):
    """The session bus could not be reached, or the player not registered on it."""


def _variants(props: dict[str, object]) -> dict[str, object]:
    """Plain property values from PlayerState, with Metadata's entries as variants."""
    out = dict(props)
    if "Metadata" in out:
        meta = out["Metadata"]
        assert isinstance(meta, dict)
        out["Metadata"] = {k: Variant(sig, value) for k, (sig, value) in meta.items()}
    return out


class _Root(ServiceInterface):
    """``org.mpris.MediaPlayer2``: who we are. There is no window to raise or app to quit."""

    def __init__(self) -> None:
        super().__init__("org.mpris.MediaPlayer2")

    @method()
    def Raise(self) -> None:
        """CanRaise is false: nothing to do."""

    @method()
    def Quit(self) -> None:
        """CanQuit is false: a workout is quit with q, which asks to confirm."""

    @dbus_property(PropertyAccess.READ)
    def CanQuit(self) -> DBusBool:
        return False

    @dbus_property(PropertyAccess.READ)
    def CanRaise(self) -> DBusBool:
        return False

    @dbus_property(PropertyAccess.READ)
    def HasTrackList(self) -> DBusBool:
        return False

    @dbus_property(PropertyAccess.READ)
    def Identity(self) -> DBusStr:
        return IDENTITY

    @dbus_property(PropertyAccess.READ)
    def SupportedUriSchemes(self) -> DBusStrList:
        return []

    @dbus_property(PropertyAccess.READ)
    def SupportedMimeTypes(self) -> DBusStrList:
        return []


class _Player(ServiceInterface):
    """``org.mpris.MediaPlayer2.Player``: the buttons, and where the workout is."""

    def __init__(self, owner: "MprisPlayer") -> None:
        super().__init__("org.mpris.MediaPlayer2.Player")
        self.owner = owner

    # Play, Pause and PlayPause are one button: headsets send Play or Pause from their
    # own idea of the state, which need not match ours.
    @method()
    def PlayPause(self) -> None:
        self.owner.button("play")

    @method()
    def Play(self) -> None:
        self.owner.button("play")

    @method()
    def Pause(self) -> None:
        self.owner.button("play")

    @method()
    def Next(self) -> None:
        self.owner.button("next")

    @method()
    def Previous(self) -> None:
        self.owner.button("previous")

    @method()
    def Stop(self) -> None:
        """Ignored: a stray Stop from a widget must not end a workout."""

    @method()
    def Seek(self, offset: DBusInt64) -> None:
        """CanSeek is false."""

    @method()
    def SetPosition(self, track: DBusObjectPath, position: DBusInt64) -> None:
        """CanSeek is false."""

    @method()
    def OpenUri(self, uri: DBusStr) -> None:
        """No URIs are supported."""

    @signal()
    def Seeked(self) -> DBusInt64:
        return 0

    @dbus_property(PropertyAccess.READ)
    def PlaybackStatus(self) -> DBusStr:
        return self.owner.snapshot()["PlaybackStatus"]  # type: ignore[return-value]

    @dbus_property(PropertyAccess.READ)
    def Metadata(self) -> DBusDict:
        return _variants({"Metadata": self.owner.snapshot()["Metadata"]})["Metadata"]  # type: ignore[return-value]

    @dbus_property(PropertyAccess.READ)
    def Position(self) -> DBusInt64:
        return self.owner.position()

    @dbus_property(PropertyAccess.READ)
    def Rate(self) -> DBusDouble:
        return 1.0

    @dbus_property(PropertyAccess.READ)
    def MinimumRate(self) -> DBusDouble:
        return 1.0

    @dbus_property(PropertyAccess.READ)
    def MaximumRate(self) -> DBusDouble:
        return 1.0

    @dbus_property(PropertyAccess.READ)
    def Volume(self) -> DBusDouble:
        return 1.0

    @dbus_property(PropertyAccess.READ)
    def CanGoNext(self) -> DBusBool:
        return True

    @dbus_property(PropertyAccess.READ)
    def CanGoPrevious(self) -> DBusBool:
        return True

    @dbus_property(PropertyAccess.READ)
    def CanPlay(self) -> DBusBool:
        return True

    @dbus_property(PropertyAccess.READ)
    def CanPause(self) -> DBusBool:
        return True

    @dbus_property(PropertyAccess.READ)
    def CanSeek(self) -> DBusBool:
        return False

    @dbus_property(PropertyAccess.READ)
    def CanControl(self) -> DBusBool:
        return True


class MprisPlayer:
    """The player on its own thread; ``press`` receives the key each button stands for.

    If the connection to the bus is lost mid-run, it is made again (and the
    name taken again) with backoff; ``lost`` is told once, with why, if that
    fails. The name itself cannot be taken from us while connected: it is
    requested without allowing replacement.
    """

    def __init__(
        self,
        state: PlayerState,
        press: Callable[[str], None],
        lost: Callable[[str], None] | None = None,
        gate: PressGate | None = None,
    ):
        self.state = state
        self.press = press
        self.lost = lost
        self.gate = gate or PressGate()
        self.name: str | None = None  # the bus name we got
        self.others: list[str] = []  # other MPRIS players on the bus when we joined it
        self.problem: str | None = None  # what went wrong on the bus thread, kept quiet
        self.reconnects = 0  # connections made again after one was lost
        self._closing = False
        # Tasks on the bus loop, which close() ends and waits for before the loop stops:
        # connecting, then the watch that reconnects.
        self._opener: asyncio.Task[None] | None = None
        self._watch: asyncio.Task[None] | None = None
        self._lock = threading.Lock()  # the state is fed on the engine thread, read on ours
        self._track = state.track.trackid
        self._track_started = time.monotonic()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._bus: MessageBus | None = None
        self._root = _Root()
        self._player = _Player(self)

    # --- life -------------------------------------------------------------------------------
    def start(self, address: str, timeout: float = CONNECT_TIMEOUT) -> None:
        """Connect and register; raises PlayerUnavailable (with why) within ``timeout``."""
        loop = asyncio.new_event_loop()
        # Nothing from the bus thread may print over the coach's screen (a bus that dies
        # mid-session leaves dbus-fast's futures with EOFError): keep the last one quietly.
        loop.set_exception_handler(self._quiet)
        self._loop = loop
        self._thread = threading.Thread(
            target=loop.run_forever, name="voicecoach-mpris", daemon=True
        )
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._open(address, timeout), loop)
        try:
            future.result(timeout + 1.0)
        except Exception as exc:
            self.close()
            reason = _reason(exc, timeout)
            raise PlayerUnavailable(f"cannot use the session bus at {address}: {reason}") from None

    async def _open(self, address: str, timeout: float) -> None:
        """Connect, then start the watch here, on the loop, as a task close() can end.

        Made from the caller's thread instead, the watch was only a coroutine handed to
        the loop: a close() right after start() (doctor's) stopped the loop before the
        watch ever ran, and the coroutine was dropped, never awaited.
        """
        self._opener = asyncio.current_task()
        await asyncio.wait_for(self._connect(address), timeout)
        if not self._closing:
            self._watch = asyncio.ensure_future(self._keep_connected(address))

    async def _connect(self, address: str) -> None:
        bus = await MessageBus(bus_address=address, bus_type=BusType.SESSION).connect()
        steady(bus)  # a burst of replies waits for the socket instead of closing it
        try:
            bus.export(PATH, self._root)
            bus.export(PATH, self._player)
            reply = await bus.request_name(NAME, NameFlag.DO_NOT_QUEUE)
            if reply == RequestNameReply.PRIMARY_OWNER:
                name = NAME
            else:
                # Another voicecoach has the name: the spec's suffix for a second instance.
                name = f"{NAME}.instance{os.getpid()}"
                await bus.request_name(name, NameFlag.DO_NOT_QUEUE)
            others = await other_players(bus, NAME)
        except BaseException:  # a timeout cancels us too: leave no half-made connection
            bus.disconnect()
            raise
        self._bus, self.name, self.others = bus, name, others

    async def _keep_connected(self, address: str) -> None:
        """Wait for the connection's end; unless we closed it, connect again with backoff,
        and say once (through ``lost``) if no attempt works."""
        while True:
            bus = self._bus
            if bus is None:
                return
            why = "the bus closed the connection"
            try:
                await bus.wait_for_disconnect()
            except Exception as exc:
                why = _reason(exc, CONNECT_TIMEOUT)
            if self._closing:
                return
            self.problem = f"the session bus connection was lost: {why}"
            if not await self._reconnect(address, why):
                return

    async def _reconnect(self, address: str, why: str) -> bool:
        delay = RETRY_FIRST
        for _ in range(RETRIES):
            await asyncio.sleep(delay)
            if self._closing:
                return False
            try:
                await asyncio.wait_for(self._connect(address), CONNECT_TIMEOUT)
            except Exception as exc:
                why = _reason(exc, CONNECT_TIMEOUT)
                delay *= 2
                continue
            self.reconnects += 1
            return True
        self._bus = None
        if self.lost is not None:
            self.lost(f"the session bus connection was lost and could not be made again ({why})")
        return False

    def _quiet(self, loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
        self.problem = str(context.get("exception") or context.get("message"))

    def close(self) -> None:
        """Leave the bus and stop the thread; safe to call twice."""
        self._closing = True
        loop, self._loop = self._loop, None
        if loop is None:
            return
        if loop.is_running() and threading.current_thread() is not self._thread:
            ending = self._shutdown()
            try:
                done = asyncio.run_coroutine_threadsafe(ending, loop)
            except RuntimeError:  # the loop closed meanwhile: nothing left to end
                ending.close()
            else:
                with contextlib.suppress(Exception):
                    done.result(CONNECT_TIMEOUT + 1.0)
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None and threading.current_thread() is not self._thread:
            self._thread.join(2.0)
        if not loop.is_running():
            with contextlib.suppress(RuntimeError):
                loop.close()

    async def _shutdown(self) -> None:
        """On the loop: leave the bus and wait until its socket is closed and every task
        of ours has ended, so that stopping the loop leaves nothing half done (dbus-fast
        closes the socket only once the loop has seen the disconnect)."""
        bus, self._bus = self._bus, None
        tasks = [
            t
            for t in (self._opener, self._watch)
            if t is not None and t is not asyncio.current_task()
        ]
        for task in tasks:
            task.cancel()
        if bus is not None:
            bus.disconnect()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bus.wait_for_disconnect(), CONNECT_TIMEOUT)
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- engine thread ----------------------------------------------------------------------
    def event(self, event: Event) -> None:
        """A sink: follow the session, and signal what changed (never blocks)."""
        with self._lock:
            changed = self.state.feed(event)
            if "Metadata" in changed and self.state.track.trackid != self._track:
                self._track, self._track_started = self.state.track.trackid, time.monotonic()
        loop = self._loop
        if changed and loop is not None and self._bus is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self._signal, _variants(changed))

    def _signal(self, changed: dict[str, object]) -> None:
        """PropertiesChanged, if the bus is still there: a bus that went away mid-session
        costs the widget its updates, never the workout (nor a traceback on screen)."""
        bus = self._bus
        if bus is None or not bus.connected:
            return
        with contextlib.suppress(Exception):  # a connection broken mid-write
            self._player.emit_properties_changed(changed)

    # --- bus thread -------------------------------------------------------------------------
    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return self.state.properties()

    def position(self) -> int:
        with self._lock:
            length = self.state.track.seconds
            elapsed = time.monotonic() - self._track_started
        if length > 0:
            elapsed = min(elapsed, length)
        return int(elapsed * 1_000_000)

    def button(self, which: str) -> None:
        if not self.gate.admit():
            return  # part of a flood: only its first press counts
        with self._lock:
            key = self.state.key_for(which)
        if key is not None:
            self.press(key)


def _reason(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return f"the session bus did not answer within {timeout:g} s"
    return str(exc) or type(exc).__name__
