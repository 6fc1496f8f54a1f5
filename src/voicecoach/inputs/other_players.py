"""The other MPRIS players on the session bus, and the line that tells a lifter about them.

A desktop sends media keys and earbud buttons to one player, often the one
playing music, so a player that is there when voicecoach joins the bus may
take the button meant for the coach.
"""

from __future__ import annotations

from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus


async def other_players(bus: MessageBus, own: str) -> list[str]:
    """The other MPRIS players on the bus (``spotify``, ``firefox.instance123``): every
    name but ``own``, ours, and its second instances (``own.instance123``)."""
    reply = await bus.call(
        Message(
            destination="org.freedesktop.DBus",
            path="/org/freedesktop/DBus",
            interface="org.freedesktop.DBus",
            member="ListNames",
        )
    )
    if reply is None or reply.message_type != MessageType.METHOD_RETURN:
        return []
    prefix = "org.mpris.MediaPlayer2."
    return sorted(
        n[len(prefix) :]
        for n in reply.body[0]
        if n.startswith(prefix) and not (n == own or n.startswith(own + "."))
    )


def others_line(others: list[str]) -> str:
    """The one line about other players, said at the start and shown by doctor."""
    return (
        f"other media players on the session bus ({', '.join(others)}): your music app may "
        "take the earbud button; play your music with --music, or pause it"
    )
