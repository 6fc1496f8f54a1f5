"""Whether a configured voice is one that some engine has: a name no engine knows is
a usage error, said with the voices that do exist, not a silent fall back to text.

Only the name is judged. A voice whose engine is not installed (Piper's ``joe``
before ``pip install 'voicecoach[neural]'``) exists: it falls back with its fix,
as before. With espeak-ng missing its voices cannot be listed, so an espeak name
is taken on trust and its own error says what to install.
"""

from __future__ import annotations

import difflib

from voicecoach.settings import Settings, SettingsError
from voicecoach.speech.engines import parse_voice


class UnknownVoice(SettingsError):
    """No engine has a voice of this name; the message lists those that exist."""


def check_voice(settings: Settings) -> None:
    """UnknownVoice if ``settings.voice`` names no voice of its engine; else nothing."""
    problem = voice_problem(settings)
    if problem:
        raise UnknownVoice(problem)


def voice_problem(settings: Settings) -> str | None:
    """What is wrong with the configured voice's name, or None (none set, or it exists)."""
    if not settings.voice or settings.engine == "estimate":
        return None
    engine, name = parse_voice(settings.engine, settings.voice)
    if name is None:
        return None  # "espeak:" alone: the engine's default voice
    voices = _voices()
    if voices is None:
        return None  # espeak-ng cannot list its voices: let the engine say what is missing
    wanted = f"{engine}:{name}".lower()
    if any(v.lower() == wanted for v in voices):
        return None
    english = [v for v, (_, english) in voices.items() if english]
    return (
        f"unknown voice {settings.voice!r}{_suggest(settings.voice, voices)};"
        f" English voices: {', '.join(english)};"
        f" 'voicecoach voices' lists all {len(voices)}"
    )


def _voices() -> dict[str, tuple[str, bool]] | None:
    """Every voice ``voicecoach voices`` lists, id (``piper:joe``, ``espeak:gmw/en-us``)
    -> (its name, whether English); None when espeak-ng cannot list its own."""
    from voicecoach.speech.listing import all_voices

    rows = all_voices()
    if not any(r["engine"] == "espeak" for r in rows):
        return None
    return {
        r["id"]: (r["name"], any(lang.startswith("en") for lang in r["languages"])) for r in rows
    }


def _suggest(given: str, voices: dict[str, tuple[str, bool]]) -> str:
    """ "; did you mean ..." from the voice ids without their engine, the last part of
    those (``en-us`` for gmw/en-us), or the names, whole or their first word (espeak's
    "Klingon" is art/piqd): the first of these that has a close match decides."""
    wanted = given.lower().rpartition(":")[2]
    keys = (
        lambda bare, name: bare,
        lambda bare, name: bare.rpartition("/")[2],
        lambda bare, name: name,
        lambda bare, name: name.split(" ")[0],
    )
    for key in keys:
        table: dict[str, str] = {}
        for v, (name, _) in voices.items():
            table.setdefault(key(v.partition(":")[2].lower(), name.lower()), v)
        found = difflib.get_close_matches(wanted, list(table), n=3, cutoff=0.8)
        if found:
            shown = [f"{table[k]} ({voices[table[k]][0]})" for k in found]
            return f"; did you mean {' or '.join(shown)}?"
    return ""
