"""Which capture sources are headset microphones, which are Bluetooth, and which to open.

A Bluetooth headset plays music over A2DP, which has no microphone. Opening
its microphone makes PulseAudio or PipeWire switch the earbuds to the
headset profile (HSP/HFP): the coach's voice and the music drop to telephone
quality (8 or 16 kHz mono) for as long as the microphone is open, which for
voicecoach is the whole session. So a Bluetooth source is opened only when
the lifter names it (``--mic``), and each Bluetooth headset is shown with its
profile, so ``doctor`` and ``mic-test`` say what listening would cost.

A wired or USB headset's microphone is at the mouth and hears the lifter
over the gym; a laptop's or webcam's hears the room. With no name given, a
headset's own microphone is preferred.

The facts come from the sound server's source and card properties, through
pulsectl (PulseAudio, or PipeWire's PulseAudio server). Without one (ALSA
alone, another system), nothing is known and the default source is used as
before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CALL_QUALITY = "it would switch your earbuds to call quality"
# Card profiles (PulseAudio's names, then PipeWire's) in which the headset's microphone
# is live, and the sound is telephone quality.
_CALL_PROFILES = ("headset_head_unit", "handsfree_head_unit", "headset-head-unit", "hsp", "hfp")
_HEADSET_FORMS = frozenset({"headset", "hands-free", "handset"})


@dataclass(frozen=True)
class Source:
    """One capture source as the sound server describes it."""

    name: str  # the server's name: what miniaudio's device id holds
    description: str  # what the lifter sees, and what miniaudio calls the device
    monitor: bool  # a sink's monitor: what is played, not a microphone
    bluetooth: bool
    headset: bool  # the microphone of a headset (wired, USB or Bluetooth)
    profile: str | None  # a Bluetooth card's active profile (a2dp_sink, headset_head_unit, ...)
    default: bool = False

    @property
    def room(self) -> bool:
        """A microphone that hears the room rather than the lifter's mouth."""
        return not (self.monitor or self.headset or self.bluetooth)


def quality(profile: str | None) -> str:
    """What a Bluetooth profile means for the sound, in the lifter's words."""
    if profile is None:
        return "profile unknown"
    low = profile.lower()
    if any(p in low for p in _CALL_PROFILES):
        return f"profile {profile}: call quality, its microphone is live"
    if "a2dp" in low:
        return f"profile {profile}: music quality, no microphone"
    return f"profile {profile}"


def is_bluetooth(name: str, props: Mapping[str, str]) -> bool:
    """Bluetooth by the properties BlueZ's modules set, or by the ``bluez_`` name they give."""
    return (
        props.get("device.bus") == "bluetooth"
        or props.get("device.api") == "bluez5"
        or any(key.startswith(("api.bluez5.", "bluez.")) for key in props)
        or "bluez" in name.lower()
    )


def classify(
    name: str,
    description: str,
    props: Mapping[str, str],
    *,
    monitor: bool = False,
    port: str = "",
    card_profile: str | None = None,
    default: bool = False,
) -> Source:
    """A source from its server properties (pure: the unit tests feed it dicts)."""
    monitor = monitor or props.get("device.class") == "monitor" or name.endswith(".monitor")
    bluetooth = is_bluetooth(name, props) and not monitor
    form = props.get("device.form_factor", "").lower()
    headset = not monitor and (
        form in _HEADSET_FORMS or "headset" in port.lower() or "headset" in name.lower()
    )
    profile = None
    if bluetooth:
        profile = (
            card_profile
            or props.get("bluetooth.protocol")
            or props.get("api.bluez5.profile")
            or None
        )
    return Source(name, description, monitor, bluetooth, headset, profile, default)


@dataclass(frozen=True)
class Headset:
    """A Bluetooth card: a headset whose microphone may not even exist in its profile."""

    description: str
    profile: str | None


def server_view() -> tuple[list[Source], list[Headset]] | None:
    """The server's sources and Bluetooth cards; None when no PulseAudio server answers."""
    try:
        import pulsectl

        pulse = pulsectl.Pulse("voicecoach-sources", connect=False)
        pulse.connect(timeout=1.0)
    except Exception:  # not installed, no server, refused: nothing is known
        return None
    try:
        default = pulse.server_info().default_source_name
        cards = {c.index: c for c in pulse.card_list()}
        found = []
        for s in pulse.source_list():
            card = cards.get(s.card)
            profile = card.profile_active.name if card and card.profile_active else None
            port = s.port_active.name if s.port_active else ""
            found.append(
                classify(
                    s.name,
                    s.description,
                    dict(s.proplist),
                    monitor=s.monitor_of_sink != 0xFFFFFFFF,
                    port=port,
                    card_profile=profile,
                    default=s.name == default,
                )
            )
        headsets = [
            Headset(
                c.proplist.get("device.description", c.name),
                c.profile_active.name if c.profile_active else None,
            )
            for c in cards.values()
            if is_bluetooth(c.name, dict(c.proplist))
        ]
    except Exception:  # the server went away mid-question
        return None
    finally:
        pulse.close()
    return found, headsets


@dataclass(frozen=True)
class Choice:
    """The source to open (None: the default device; with ``nothing``, none at all)."""

    source: Source | None
    skipped: tuple[Source, ...]  # Bluetooth microphones left closed
    nothing: bool = False  # every microphone is a Bluetooth headset's: do not listen


def choose(sources: Iterable[Source]) -> Choice:
    """Which source to listen on when none is named.

    A Bluetooth microphone never (see the module); then a headset's own
    microphone (the default first); then the default source if it is not
    Bluetooth (a monitor included, as a test's virtual microphone is); then
    any room microphone.
    """
    every = list(sources)
    skipped = tuple(s for s in every if s.bluetooth)
    usable = [s for s in every if not s.bluetooth and not s.monitor]
    headsets = sorted((s for s in usable if s.headset), key=lambda s: not s.default)
    if headsets:
        return Choice(headsets[0], skipped)
    default = next((s for s in every if s.default), None)
    if default is not None and not default.bluetooth:
        return Choice(default, skipped)
    if usable:
        return Choice(usable[0], skipped)
    if skipped:
        return Choice(None, skipped, nothing=True)
    return Choice(None, skipped)


def skipped_line(choice: Choice) -> str | None:
    """The one line saying why a Bluetooth microphone stays closed, or None."""
    if not choice.skipped:
        return None
    first = choice.skipped[0]
    named = f"--mic {first.description!r}"
    what = f"Bluetooth, {quality(first.profile)}"
    if choice.nothing:
        return (
            f"not listening on {first.description!r} ({what}): {CALL_QUALITY}; "
            f"{named} listens on it anyway. Keys work as always."
        )
    return (
        f"not using the microphone of {first.description!r} ({what}): {CALL_QUALITY}; "
        f"{named} uses it anyway"
    )
