"""Capture sources: Bluetooth and headset microphones told apart, and which one a run opens."""

from __future__ import annotations

from voicecoach.inputs.sources import Choice, choose, classify, quality, skipped_line

BUDS = {"device.bus": "bluetooth", "device.form_factor": "headset"}


def test_a_bluez_source_is_bluetooth_by_its_properties_or_its_name() -> None:
    """device.bus, device.api or a bluez_ name each mark a Bluetooth source; a monitor is none."""
    assert classify("x", "Buds", {"device.bus": "bluetooth"}).bluetooth
    assert classify("x", "Buds", {"device.api": "bluez5"}).bluetooth
    assert classify("bluez_input.00_11.0", "Buds", {}).bluetooth
    assert classify("y", "Buds", {"api.bluez5.profile": "headset-head-unit"}).bluetooth
    assert not classify("alsa_input.usb", "USB Mic", {"device.bus": "usb"}).bluetooth
    monitor = classify("bluez_output.00_11.1.monitor", "Monitor of Buds", BUDS)
    assert monitor.monitor and not monitor.bluetooth


def test_the_profile_comes_from_the_card_then_the_source() -> None:
    """The card's active profile wins; without a card, PulseAudio's or PipeWire's property."""
    props = {**BUDS, "bluetooth.protocol": "headset_head_unit"}
    assert classify("b", "Buds", props, card_profile="a2dp_sink").profile == "a2dp_sink"
    assert classify("b", "Buds", props).profile == "headset_head_unit"
    piper = {"device.api": "bluez5", "api.bluez5.profile": "headset-head-unit"}
    assert classify("b", "Buds", piper).profile == "headset-head-unit"
    assert classify("usb", "USB", {"bluetooth.protocol": "x"}).profile is None


def test_quality_names_what_the_profile_does_to_the_sound() -> None:
    assert "call quality" in quality("headset_head_unit")
    assert "call quality" in quality("handsfree_head_unit")
    assert "call quality" in quality("headset-head-unit")
    assert "music quality" in quality("a2dp_sink")
    assert quality(None) == "profile unknown"


def test_a_headset_is_known_by_form_factor_or_port() -> None:
    assert classify("a", "Jack", {}, port="analog-input-headset-mic").headset
    assert classify("u", "USB", {"device.form_factor": "headset"}).headset
    assert not classify("i", "Internal", {}, port="analog-input-internal-mic").headset


def _room(default: bool = False):  # type: ignore[no-untyped-def]
    return classify("alsa_input.internal", "Internal Mic", {}, default=default)


def _buds(default: bool = False):  # type: ignore[no-untyped-def]
    props = {**BUDS, "bluetooth.protocol": "headset_head_unit"}
    return classify("bluez_input.00_11.0", "Buds", props, default=default)


def _wired():  # type: ignore[no-untyped-def]
    return classify("alsa_input.usb-headset", "USB Headset", {"device.form_factor": "headset"})


def test_a_bluetooth_microphone_is_never_chosen_even_as_the_default() -> None:
    """The Bluetooth default is passed over for the room microphone, and said why."""
    choice = choose([_buds(default=True), _room()])
    assert choice.source is not None and choice.source.name == "alsa_input.internal"
    assert [s.name for s in choice.skipped] == ["bluez_input.00_11.0"]
    line = skipped_line(choice)
    assert line is not None and "call quality" in line and "--mic 'Buds'" in line
    assert "headset_head_unit" in line


def test_a_headset_microphone_beats_the_room_microphone() -> None:
    """A wired or USB headset's microphone is preferred, even when the room one is default."""
    choice = choose([_room(default=True), _wired()])
    assert choice.source is not None and choice.source.description == "USB Headset"
    assert skipped_line(choice) is None


def test_only_a_bluetooth_microphone_means_not_listening() -> None:
    choice = choose([_buds(default=True)])
    assert choice.nothing and choice.source is None
    line = skipped_line(choice)
    assert line is not None and line.startswith("not listening on 'Buds'")


def test_no_sources_known_opens_the_default() -> None:
    assert choose([]) == Choice(None, ())
