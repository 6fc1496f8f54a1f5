"""Commands that speak: run a workout, say a phrase."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from voicecoach.cli.base import (
    CONTEXT,
    LIBRARY_OPTION,
    cli,
    load_user_settings,
    pick_library,
    voice_options,
)
from voicecoach.inputs.keymap import help_block
from voicecoach.paths import user_paths

RUN_HELP = (
    "Coach a workout: a built-in name (pull-day) or a routine file.\n\n"
    + help_block()
    + """

\b
Or say (with --listen): "zero".."five" after "How many in reserve?", then "no"
or "undo" within 3 s to take it back ("yes" when asked to confirm);
"done", "skip", "repeat", "pause" during a set; "go on" when paused.

\b
Media buttons (earbuds, media keys, playerctl), when a session bus exists:
  play/pause  set done during a set; pause / resume otherwise
  next        skip          previous  repeat
  RIR: press play when the coach says your number (or step with next /
  previous, then play); any button within 3 s of "Two in reserve." undoes it

\b
Examples:
  voicecoach run pull-day
  voicecoach run pull-day --listen
  voicecoach run pull-day --dry-run --answers 2,2,1,8:0
  voicecoach run pull-day --dry-run --record session.wav
  voicecoach run pull-day --music ~/Music/gym --shuffle
  voicecoach run pull-day --music mix.m3u --dry-run --record session.ogg
  voicecoach run my-routine.yaml --audio none --transcript run.jsonl
  voicecoach run pull-day --resume
  voicecoach run pull-day --no-buttons
  voicecoach run pull-day --talk reps --count end
  voicecoach run push-day.yaml --library ~/my-exercises.yaml
  voicecoach run strength-wave --week 4
"""
)


@cli.command(context_settings=CONTEXT, help=RUN_HELP)
@click.argument("routine")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Run the whole session on a virtual clock, print the timestamped transcript.",
)
@click.option(
    "--answers",
    metavar="LIST",
    help="Scripted answers, one per RIR question: RIR, REPS:RIR or - (e.g. 2,1,8:0,-).",
)
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write what is played, music included, to this file: WAV, or compressed by "
    "its extension (.ogg, .opus, .mp3).",
)
@click.option(
    "--transcript",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one JSON object per event to this file (JSONL).",
)
@click.option(
    "--audio",
    type=click.Choice(["auto", "stream", "simpleaudio", "none"]),
    help="Audio output (default: auto).",
)
@click.option("--rir-timeout", type=float, help="Seconds to wait for an RIR answer (default 20).")
@click.option("--fresh", is_flag=True, help="Ignore the journal's loads; start as written.")
@click.option(
    "--resume/--no-resume",
    default=None,
    help="Continue the newest unfinished session of this routine.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Journal database (default: the data dir, or $VOICECOACH_HOME).",
)
@click.option("--no-journal", is_flag=True, help="Do not record this session.")
@click.option(
    "--music",
    type=click.Path(path_type=Path),
    help="Play music under the coach: an MP3/FLAC/Ogg/WAV file, a folder or an .m3u playlist.",
)
@click.option("--shuffle", is_flag=True, help="Play a --music folder or playlist shuffled.")
@click.option(
    "--duck-db",
    type=float,
    help="How far the music drops under each spoken cue, in dB (default 12).",
)
@click.option(
    "--no-duck-others",
    is_flag=True,
    help="Leave other apps' sound (a music app, a browser) alone while the coach speaks.",
)
@click.option(
    "--listen/--no-listen",
    default=None,
    help="Answer by voice (off unless asked: a neighbour's word could change your load).",
)
@click.option("--mic", metavar="NAME", help="Microphone to listen on (see 'voicecoach mic-test').")
@click.option(
    "--buttons/--no-buttons",
    default=None,
    help="Earbud and media buttons through MPRIS2 (default: on when a D-Bus session bus exists).",
)
@click.option(
    "--talk",
    type=click.Choice(["full", "reps", "quiet"]),
    help="How much the coach says: full (every phase), reps (rep numbers, ticks for the "
    "tempo) or quiet (only what needs words; beeps). Key t changes it live.",
)
@click.option(
    "--count",
    type=click.Choice(["start", "end"]),
    help="Say each rep's number as it starts (default) or as it ends (reps done).",
)
@click.option(
    "--week",
    type=click.IntRange(1, 520),
    help="For a program: coach this week instead of the one the journal says is next.",
)
@LIBRARY_OPTION
@voice_options
def run(routine: str, **flags: Any) -> None:
    """Coach a workout (the help text is RUN_HELP, written from the key table)."""
    from voicecoach.audio.early import EarlyOutput
    from voicecoach.routines.catalog import load
    from voicecoach.session.options import OptionError, RunOptions

    try:
        opts = RunOptions.from_cli(flags)
    except OptionError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.option) from None
    # The audio device opens while the runner is imported and the routine and journal
    # load: off the first word's path.
    needs_audio = not opts.dry_run and opts.settings.engine != "estimate"
    early = EarlyOutput(opts.settings.audio) if needs_audio else None
    try:
        from voicecoach.session.runner import run_session

        r = load(routine, pick_library(flags.get("library_file"), one_routine=True))
        if opts.week is not None and r.program is None:
            raise click.UsageError(
                f"--week is for a program; {r.name!r} has no weeks: or program:", ctx=None
            )
    except BaseException:
        if early is not None:
            early.discard()
        raise
    raise SystemExit(run_session(r, opts, audio=early))


@cli.command(context_settings=CONTEXT)
@click.argument("text", nargs=-1, required=True)
@click.option(
    "--audio",
    type=click.Choice(["auto", "stream", "simpleaudio", "none"]),
    help="Audio output (default: auto).",
)
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the clip to this WAV file.",
)
@voice_options
def say(
    text: tuple[str, ...],
    audio: str | None,
    record: Path | None,
    voice: str | None,
    rate: int | None,
    volume: float | None,
    engine: str | None,
) -> None:
    """Speak TEXT with the current voice settings.

    \b
    Examples:
      voicecoach say "Rest ninety seconds"
      voicecoach say --rate 150 --voice espeak:gmw/en-us "Three, two, one, go"
      voicecoach say --record hello.wav hello
    """
    from voicecoach.session.speak import speak

    settings = load_user_settings(audio=audio, voice=voice, rate=rate, volume=volume, engine=engine)
    raise SystemExit(speak(" ".join(text), settings, user_paths().clip_cache, record))
