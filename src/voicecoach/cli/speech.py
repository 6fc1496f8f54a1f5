"""Commands about the voice and the machine: voices, the phrase cache, doctor."""

from __future__ import annotations

from typing import Any

import click

from voicecoach.cli.base import (
    CONTEXT,
    cli,
    dump_json,
    load_user_settings,
    say_line,
)
from voicecoach.exitcodes import ExitStatus
from voicecoach.paths import user_paths


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the voices as JSON.")
def voices(as_json: bool) -> None:
    """List every engine's voices: id, licence, sample rate; the default is marked.

    The default is the voice that scored best on the intelligibility bench
    (bench/intelligibility.py) among those installed.

    \b
    Examples:
      voicecoach voices
      voicecoach voices --json
      voicecoach run pull-day --voice piper:joe
      voicecoach run pull-day --voice espeak:gmw/en-us
    """
    from voicecoach.speech.listing import all_voices

    rows = all_voices()
    if as_json:
        dump_json(rows)
        return
    # The coach speaks English, so English voices come first: espeak-ng alone
    # lists over a hundred languages, and a lifter should not scroll past them.
    rows = sorted(rows, key=lambda r: not any(lang.startswith("en") for lang in r["languages"]))
    for row in rows:
        mark = "*" if row["default"] else ("-" if not row["installed"] else " ")
        say_line(
            f"{mark} {row['id']:<26} {row['name'][:28]:<28} {','.join(row['languages']):<8} "
            f"{row['sample_rate']} Hz  {row['licence']}"
        )
    say_line("* is the default voice")
    if any(not row["installed"] for row in rows):
        say_line("- is not installed yet: pip install 'voicecoach[neural]'")


@cli.group(context_settings=CONTEXT)
def cache() -> None:
    """The phrase cache: rendered speech, kept so the next run starts at once.

    \b
    Examples:
      voicecoach cache info
      voicecoach cache clear
    """


@cache.command("info", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def cache_info(as_json: bool) -> None:
    """Show where the cache is, how many clips it holds, and its size bound.

    \b
    Examples:
      voicecoach cache info --json
    """
    from voicecoach.speech.base import ClipCache

    settings = load_user_settings()
    c = ClipCache(user_paths().clip_cache, settings.cache_mb * 1024 * 1024)
    entries = c.entries()
    data: dict[str, Any] = {
        "path": str(c.folder),
        "clips": len(entries),
        "bytes": sum(size for _, size, _ in entries),
        "max_bytes": c.max_bytes,
    }
    if as_json:
        dump_json(data)
        return
    click.echo(
        f"{data['path']}: {data['clips']} clips, {data['bytes'] / 1e6:.1f} MB "
        f"of {settings.cache_mb} MB (cache_mb); least recently used clips go first"
    )


@cache.command("clear", context_settings=CONTEXT)
def cache_clear() -> None:
    """Delete every cached clip; the next run renders what it needs again.

    \b
    Examples:
      voicecoach cache clear
    """
    from voicecoach.speech.base import ClipCache

    c = ClipCache(user_paths().clip_cache)
    clips, size = c.clear()
    click.echo(f"removed {clips} clips ({size / 1e6:.1f} MB) from {c.folder}")


@cli.command("mic-test", context_settings=CONTEXT)
@click.option("--mic", metavar="NAME", help="Microphone to test (default: the configured one).")
@click.option("--seconds", type=float, default=10.0, show_default=True, help="How long.")
def mic_test_cmd(mic: str | None, seconds: float) -> None:
    """Show the microphone's live level and each command heard (Ctrl-C ends it early).

    \b
    Examples:
      voicecoach mic-test
      voicecoach mic-test --mic USB --seconds 30
    """
    import sys

    from voicecoach.inputs.mictest import mic_test
    from voicecoach.session.terminal import caps_for

    live = caps_for(sys.stdout).live  # no cursor codes on a pipe or with TERM=dumb

    def show(text: str, final: bool) -> None:
        if final:
            click.echo(("\r\x1b[K" if live else "") + text)
        elif live:
            click.echo("\r\x1b[K" + text, nl=False)

    from voicecoach.inputs.microphone import MicrophoneUnavailable
    from voicecoach.inputs.recogniser import RecogniserUnavailable

    settings = load_user_settings()
    try:
        code, _ = mic_test(mic or settings.mic, seconds, show)
    except (RecogniserUnavailable, MicrophoneUnavailable) as exc:
        click.echo(f"voicecoach: {exc}", err=True)
        code = 1
    raise SystemExit(code)


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def doctor(as_json: bool) -> None:
    """Check speech, audio, terminal, media buttons and paths; print a fix for each failure.

    Exit status 1 if an essential part is missing.

    \b
    Examples:
      voicecoach doctor
      voicecoach doctor --json
    """
    from voicecoach.session.doctor import run_checks

    checks = run_checks(load_user_settings(), user_paths())
    if as_json:
        dump_json([c.__dict__ for c in checks])
    else:
        for c in checks:
            mark = "ok  " if c.ok else ("FAIL" if c.essential else "warn")
            say_line(f"[{mark}] {c.name}: {c.detail}")
            if not c.ok and c.fix:
                say_line(f"       fix: {c.fix}")
    if any(c.essential and not c.ok for c in checks):
        raise SystemExit(ExitStatus.ERROR)
