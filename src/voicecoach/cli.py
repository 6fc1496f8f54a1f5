"""The command line. Thin by design (STYLE.md §5): each command parses its flags and
calls one function elsewhere; errors become one line on stderr and an exit code.

Exit codes: 0 ok, 1 runtime error, 2 usage error or invalid routine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from voicecoach import __version__
from voicecoach.exitcodes import ExitStatus
from voicecoach.journal import JournalError
from voicecoach.paths import user_paths
from voicecoach.problems import RoutineError
from voicecoach.settings import SettingsError, load_settings
from voicecoach.voice import SpeechUnavailable

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _dump(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


class _Group(click.Group):
    """Turns every known failure into one line on stderr and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RoutineError as exc:
            for p in exc.problems:
                click.echo(str(p), err=True)
            ctx.exit(ExitStatus.USAGE)
        except SettingsError as exc:
            click.echo(f"voicecoach: {exc}", err=True)
            ctx.exit(ExitStatus.USAGE)
        except (JournalError, SpeechUnavailable) as exc:
            click.echo(f"voicecoach: {exc}", err=True)
            ctx.exit(ExitStatus.ERROR)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(ExitStatus.OK)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(ExitStatus.SIGINT)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # the last net: a bug must not show the lifter a traceback
            report = _crash_report(exc)
            click.echo(
                f"voicecoach: internal error ({type(exc).__name__}: {exc}); the details "
                f"are in {report}. Please report it.",
                err=True,
            )
            ctx.exit(ExitStatus.ERROR)
        return None


def _crash_report(exc: BaseException) -> str:
    """Write the traceback to the cache dir; return where (or that it could not be written)."""
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        folder = user_paths().cache_dir
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="crash-", suffix=".txt", dir=folder)
        with open(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return name
    except OSError:
        return "(no writable cache dir)"


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="voicecoach")
def cli() -> None:
    """voicecoach: a voice-guided workout runner.

    Put in earbuds and run a routine: the coach speaks form cues, counts each
    rep's tempo, counts rests down, asks for reps in reserve after each set
    and adjusts the next load.

    \b
    Examples:
      voicecoach list
      voicecoach run pull-day
      voicecoach run my-routine.yaml --dry-run --answers 2,1,8:0
      voicecoach plan pull-day --json
    """


@cli.command("list", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_cmd(as_json: bool) -> None:
    """List the built-in routines, with descriptions and estimated durations.

    \b
    Examples:
      voicecoach list
      voicecoach list --json
    """
    from voicecoach.catalog import listing

    rows = listing()
    if as_json:
        _dump(rows)
        return
    width = max(len(str(r["name"])) for r in rows)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  ~{r['minutes']:>2} min  {r['description']}")


@cli.command(context_settings=CONTEXT)
@click.argument("routines", nargs=-1, required=True)
def validate(routines: tuple[str, ...]) -> None:
    """Check routine files (or built-in names); report every problem with its line and column.

    Exit status 0 when all are valid, 2 otherwise.

    \b
    Examples:
      voicecoach validate my-routine.yaml
      voicecoach validate routines/*.yaml
    """
    from voicecoach.catalog import load

    failed = False
    for name in routines:
        try:
            routine = load(name)
        except RoutineError as exc:
            failed = True
            for p in exc.problems:
                click.echo(str(p), err=True)
            continue
        click.echo(f"{name}: ok ({routine.name}, {len(routine.exercises())} exercises)")
    if failed:
        raise SystemExit(ExitStatus.USAGE)


@cli.command(context_settings=CONTEXT)
@click.argument("routine")
@click.option("--json", "as_json", is_flag=True, help="Print the outline as JSON.")
def plan(routine: str, as_json: bool) -> None:
    """Show the outline of a routine and its estimated duration.

    \b
    Examples:
      voicecoach plan pull-day
      voicecoach plan ./my-routine.yaml --json
    """
    from voicecoach.catalog import load
    from voicecoach.durations import format_duration
    from voicecoach.planner import estimate_seconds, outline

    r = load(routine)
    data = outline(r)
    seconds = estimate_seconds(r)
    if as_json:
        _dump(
            {
                "name": r.name,
                "description": r.description,
                "units": r.units,
                "estimated_seconds": round(seconds),
                "items": data,
            }
        )
        return
    click.echo(f"{r.name} — {r.description}" if r.description else r.name)

    def line(e: dict[str, object], indent: str = "") -> str:
        work = f"{e['reps']} reps" if e["reps"] else f"{format_duration(float(e['hold']))} hold"  # type: ignore[arg-type]
        sets = f"{e['sets']} × " if not indent else ""
        sides = f", sides {'/'.join(e['sides'])}" if e["sides"] else ""  # type: ignore[arg-type]
        rest = f", rest {e['rest']}" if not indent else ""
        return (
            f"{indent}{e['name']}: {sets}{work} @ {e['load']}, tempo {e['tempo']}, "
            f"RIR {e['rir']}{rest}{sides}"
        )

    for item in data:
        if "circuit" in item:
            click.echo(
                f"{item['kind'].capitalize()} {item['circuit']}: {item['rounds']} rounds, "  # type: ignore[union-attr]
                f"rest {item['rest']} between rounds, {item['transition']} between "
                "exercises"
            )
            for e in item["exercises"]:  # type: ignore[union-attr]
                click.echo(line(e, "  - "))
        else:
            click.echo(line(item))
    click.echo(f"Estimated duration: {format_duration(seconds)}")


@cli.command(context_settings=CONTEXT)
def schema() -> None:
    """Print the JSON Schema of the routine format, for editors and CI.

    \b
    Examples:
      voicecoach schema > routine.schema.json
      # then, first line of a routine file:
      # yaml-language-server: $schema=./routine.schema.json
    """
    from voicecoach.schema import routine_schema

    _dump(routine_schema())


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
def exercises(as_json: bool) -> None:
    """List the exercise library: the ids routines refer to with 'use:'.

    \b
    Examples:
      voicecoach exercises
      voicecoach exercises --json
    """
    from voicecoach.library import load_library

    lib = load_library()
    if as_json:
        _dump(
            [
                {
                    "id": e.key,
                    "name": e.name,
                    "equipment": list(e.equipment),
                    "unilateral": e.unilateral,
                    "levels": list(e.levels),
                    "setup": list(e.setup),
                    "rep_cues": dict(e.rep_cues),
                    "tempo": e.tempo.notation(),
                }
                for e in lib.values()
            ]
        )
        return
    width = max(len(k) for k in lib)
    for e in lib.values():
        click.echo(f"{e.key:<{width}}  {e.name} ({', '.join(e.equipment)})")


def _settings(**flags: object):  # type: ignore[no-untyped-def]
    return load_settings(user_paths().config_file, **flags)


VOICE_OPTIONS = [
    click.option(
        "--voice",
        help="ENGINE:VOICE, e.g. piper:joe or espeak:en-us (see 'voicecoach voices').",
    ),
    click.option("--rate", type=int, help="Speech rate in words per minute (80-400)."),
    click.option("--volume", type=float, help="Speech volume, 0.0 to 1.0."),
    click.option(
        "--engine",
        type=click.Choice(["auto", "piper", "espeak", "pyttsx3", "estimate"]),
        help="Speech engine (default auto: the best installed one); 'pyttsx3' is espeak; "
        "'estimate' is silent and only times the speech.",
    ),
]


def voice_options(f):  # type: ignore[no-untyped-def]
    for option in reversed(VOICE_OPTIONS):
        f = option(f)
    return f


@cli.command(context_settings=CONTEXT)
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
@voice_options
def run(
    routine: str,
    dry_run: bool,
    answers: str | None,
    record: Path | None,
    transcript: Path | None,
    audio: str | None,
    rir_timeout: float | None,
    fresh: bool,
    resume: bool | None,
    db: Path | None,
    no_journal: bool,
    music: Path | None,
    shuffle: bool,
    duck_db: float | None,
    no_duck_others: bool,
    voice: str | None,
    rate: int | None,
    volume: float | None,
    engine: str | None,
) -> None:
    """Coach a workout: a built-in name (pull-day) or a routine file.

    \b
    Keys during a run (one key, no Enter):
      0-5     reps in reserve (5 = five or more)
      Enter   set done (ends the set early; reps reached are recorded)
      space   pause / resume
      s       skip the rest, or the current exercise
      r       repeat the last cue
      ] / [   rest 15 s longer / shorter (+ / - too, when no music plays)
      + / -   music 3 dB louder / quieter (with --music)
      m       mute / unmute the music
      q       quit (asks to confirm; the journal is kept)

    \b
    Examples:
      voicecoach run pull-day
      voicecoach run pull-day --dry-run --answers 2,2,1,8:0
      voicecoach run pull-day --dry-run --record session.wav
      voicecoach run pull-day --music ~/Music/gym --shuffle
      voicecoach run pull-day --music mix.m3u --dry-run --record session.ogg
      voicecoach run my-routine.yaml --audio none --transcript run.jsonl
      voicecoach run pull-day --resume
    """
    from voicecoach.answers import parse_answers
    from voicecoach.catalog import load
    from voicecoach.runner import RunOptions, run_session

    try:
        scripted = parse_answers(answers) if answers else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--answers") from None
    r = load(routine)
    settings = _settings(
        audio=audio,
        rir_timeout=rir_timeout,
        voice=voice,
        rate=rate,
        volume=volume,
        engine=engine,
        music=str(music) if music else None,
        duck_db=duck_db,
        duck_others=False if no_duck_others else None,
    )
    paths = user_paths()
    code = run_session(
        r,
        settings,
        RunOptions(
            dry_run=dry_run,
            answers=scripted,
            record=record,
            transcript=transcript,
            fresh=fresh,
            resume=resume,
            db=db,
            no_journal=no_journal,
            shuffle=shuffle,
            duck_state=paths.duck_state,
        ),
        cache_dir=paths.clip_cache,
        journal_path=paths.journal,
    )
    raise SystemExit(code)


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
      voicecoach say --rate 150 --voice en-us "Three, two, one, go"
      voicecoach say --record hello.wav hello
    """
    from voicecoach.speak import speak

    settings = _settings(audio=audio, voice=voice, rate=rate, volume=volume, engine=engine)
    raise SystemExit(speak(" ".join(text), settings, user_paths().clip_cache, record))


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
      voicecoach run pull-day --voice espeak:en-us
    """
    from voicecoach.voice.listing import all_voices

    rows = all_voices()
    if as_json:
        _dump(rows)
        return
    for row in rows:
        mark = "*" if row["default"] else ("-" if not row["installed"] else " ")
        click.echo(
            f"{mark} {row['id']:<26} {row['name'][:28]:<28} {','.join(row['languages']):<8} "
            f"{row['sample_rate']} Hz  {row['licence']}"
        )
    click.echo("* default   - not installed (pip install 'voicecoach[neural]')")


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
    from voicecoach.voice.base import ClipCache

    settings = _settings()
    c = ClipCache(user_paths().clip_cache, settings.cache_mb * 1024 * 1024)
    entries = c.entries()
    data = {
        "path": str(c.folder),
        "clips": len(entries),
        "bytes": sum(size for _, size, _ in entries),
        "max_bytes": c.max_bytes,
    }
    if as_json:
        _dump(data)
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
    from voicecoach.voice.base import ClipCache

    c = ClipCache(user_paths().clip_cache)
    clips, size = c.clear()
    click.echo(f"removed {clips} clips ({size / 1e6:.1f} MB) from {c.folder}")


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def doctor(as_json: bool) -> None:
    """Check speech, audio, terminal and paths, and print a fix for each failure.

    Exit status 1 if an essential part is missing.

    \b
    Examples:
      voicecoach doctor
      voicecoach doctor --json
    """
    from voicecoach.doctor import run_checks

    checks = run_checks(_settings(), user_paths())
    if as_json:
        _dump([c.__dict__ for c in checks])
    else:
        for c in checks:
            mark = "ok  " if c.ok else ("FAIL" if c.essential else "warn")
            click.echo(f"[{mark}] {c.name}: {c.detail}")
            if not c.ok and c.fix:
                click.echo(f"       fix: {c.fix}")
    if any(c.essential and not c.ok for c in checks):
        raise SystemExit(ExitStatus.ERROR)


def _journal(db: Path | None):  # type: ignore[no-untyped-def]
    from voicecoach.journal import Journal

    return Journal(db or user_paths().journal)


DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Journal database (default: the data dir, or $VOICECOACH_HOME).",
)


@cli.command(context_settings=CONTEXT)
@click.option(
    "--exercise",
    "exercise_name",
    help="Show one exercise set by set (its last --limit sessions), with plots of all of them.",
)
@click.option("--limit", default=20, show_default=True, help="How many recent sessions.")
@click.option("--json", "as_json", is_flag=True, help="Print the data as JSON.")
@DB_OPTION
def history(exercise_name: str | None, limit: int, as_json: bool, db: Path | None) -> None:
    """Show recent sessions, or one exercise's progression with a plot of load and e1RM.

    \b
    Examples:
      voicecoach history
      voicecoach history --exercise kroc-row
      voicecoach history --exercise "Kroc row" --json
    """
    from voicecoach import history as h

    journal = _journal(db)
    try:
        if exercise_name is None:
            rows = h.sessions(journal, limit)
            if as_json:
                _dump(rows)
                return
            if not rows:
                click.echo("No sessions yet. Start one with: voicecoach run pull-day")
            for r in rows:
                minutes = f"{r['duration_seconds'] // 60} min" if r["duration_seconds"] else "-"
                click.echo(
                    f"{r['started_at'][:16].replace('T', ' ')}  {r['routine_name']:<24} "
                    f"{r['sets']:>3} sets  {minutes:>7}  {r['status']}"
                )
            return
        rows = h.exercise(journal, exercise_name, limit)
        if as_json:
            _dump(rows)
            return
        if not rows:
            click.echo(f"No sets of {exercise_name!r} yet.")
            return
        for r in rows:
            load = (
                f"{r['weight']:g} {r['unit']}"
                if r["weight"] is not None
                else (r["level"] or "bodyweight")
            )
            rir = "?" if r["rir"] is None else r["rir"]
            side = f" ({r['side']})" if r["side"] else ""
            click.echo(
                f"{r['date']}  set {r['set']}{side}: {load} × {r['reps']} @ RIR {rir}"
                + (f"  e1RM {r['e1rm']:g}" if r["e1rm"] else "")
            )
        weights, e1rms = h.per_session(journal, exercise_name)
        if weights:
            click.echo()
            click.echo(h.plot(weights, "Working load per session"))
            click.echo()
            click.echo(h.plot(e1rms, "Estimated 1RM per session"))
    finally:
        journal.close()


@cli.command(context_settings=CONTEXT)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["strong", "hevy", "json"]),
    default="json",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--unit",
    type=click.Choice(["lb", "kg"]),
    default="lb",
    show_default=True,
    help="Weight unit for the CSV formats.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
@DB_OPTION
def export(fmt: str, unit: str, output: Path | None, db: Path | None) -> None:
    """Export the journal as Strong CSV, Hevy CSV or JSON.

    \b
    Examples:
      voicecoach export --format strong -o strong.csv
      voicecoach export --format hevy --unit kg -o hevy.csv
      voicecoach export --format json > journal.json
    """
    from voicecoach.exchange import export as do_export

    journal = _journal(db)
    try:
        if output:
            with output.open("w", encoding="utf-8", newline="") as f:
                do_export(journal, fmt, unit, f)
        else:
            do_export(journal, fmt, unit, sys.stdout)
    finally:
        journal.close()


@cli.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DB_OPTION
def import_cmd(file: Path, db: Path | None) -> None:
    """Import a Strong or Hevy CSV export; loads are seeded for your next session.

    Importing the same file twice adds nothing.

    \b
    Examples:
      voicecoach import strong.csv
      voicecoach import hevy_workouts.csv --db ./journal.sqlite3
    """
    from voicecoach.exchange import ImportError_, import_file

    journal = _journal(db)
    try:
        with file.open(encoding="utf-8-sig", newline="") as lines:
            report = import_file(journal, lines, str(file))
    except ImportError_ as exc:
        click.echo(f"voicecoach: {exc}; nothing was imported", err=True)
        raise SystemExit(ExitStatus.USAGE) from None
    except UnicodeDecodeError:
        click.echo(f"voicecoach: {file}: not UTF-8 text; nothing was imported", err=True)
        raise SystemExit(ExitStatus.USAGE) from None
    finally:
        journal.close()
    click.echo(
        f"imported {report.workouts} workouts, {report.sets} sets"
        + (f"; {report.skipped} already there" if report.skipped else "")
    )
    if report.unmatched:
        click.echo(
            "not in the exercise library (kept under their own names): "
            + ", ".join(report.unmatched)
        )


@cli.group(context_settings=CONTEXT)
def journal() -> None:
    """Check, salvage and recover the journal (where every set is kept).

    \b
    Examples:
      voicecoach journal check
      voicecoach journal salvage
      voicecoach journal recover
    """


@journal.command("check", context_settings=CONTEXT)
@click.option("--salvage", "then_salvage", is_flag=True, help="If damaged, salvage it too.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@DB_OPTION
def journal_check(then_salvage: bool, as_json: bool, db: Path | None) -> None:
    """Run SQLite's integrity check on the journal and say what to do; exit 1 if damaged.

    \b
    Examples:
      voicecoach journal check
      voicecoach journal check --salvage
      voicecoach journal check --db ./journal.sqlite3 --json
    """
    from voicecoach import journal_repair

    path = db or user_paths().journal
    report = journal_repair.check(path)
    if as_json:
        _dump(report.__dict__)
    else:
        click.echo(f"{path}: " + ("ok" if report.ok else "DAMAGED"))
        for problem in report.problems[:10]:
            click.echo(f"  {problem}")
        if report.ok:
            click.echo(f"  {report.sessions} sessions, {report.sets} sets")
        click.echo(f"  backups: {len(report.backups)} in {journal_repair.backup_dir(path)}")
        for f in report.recovery_files:
            click.echo(f"  unsaved sets waiting in {f}")
        click.echo(report.advice)
    if not report.ok and path.exists():
        if then_salvage:
            _salvage(path, None)
        raise SystemExit(ExitStatus.ERROR)


@journal.command("salvage", context_settings=CONTEXT)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The new file (default: JOURNAL.salvaged-DATE.sqlite3 beside it).",
)
@DB_OPTION
def journal_salvage(output: Path | None, db: Path | None) -> None:
    """Copy every readable session and set of a damaged journal into a new file.

    The damaged journal is left as it was. Afterwards, move it aside and put the
    new file in its place (or pass the new file with --db).

    \b
    Examples:
      voicecoach journal salvage
      voicecoach journal salvage --db ./journal.sqlite3 -o ./saved.sqlite3
    """
    path = db or user_paths().journal
    if not path.exists():
        raise JournalError(f"{path} does not exist; nothing to salvage")
    _salvage(path, output)


def _salvage(path: Path, output: Path | None) -> None:
    from voicecoach import journal_repair

    report = journal_repair.salvage(path, output)
    lost = sum(report.unreadable.values())
    click.echo(
        f"salvaged {report.rows.get('sessions', 0)} sessions and {report.rows.get('sets', 0)} "
        f"sets into {report.target}" + (f"; {lost} rows could not be read" if lost else "")
    )
    click.echo(f"to use it: mv {path} {path}.damaged && mv {report.target} {path}")


@journal.command("recover", context_settings=CONTEXT)
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DB_OPTION
def journal_recover(files: tuple[Path, ...], db: Path | None) -> None:
    """Take sets that could not be saved (a full disk, say) into the journal.

    With no FILE, every recovery file left for this journal is taken in (the
    next run does this by itself too). Each file is taken in once.

    \b
    Examples:
      voicecoach journal recover
      voicecoach journal recover journal.sqlite3.recovery-20260101-101500-4242.jsonl
    """
    from voicecoach import journal_repair

    journal = _journal(db)
    try:
        todo = list(files) or journal_repair.recovery_files(journal.path)
        if not todo:
            click.echo("no unsaved sets are waiting")
            return
        report = journal_repair.recover(journal, todo)
    finally:
        journal.close()
    for f in report.files:
        click.echo(f"recovered from {f}")
    click.echo(f"{report.sets} sets recovered into {journal.path}")
    for problem in report.problems:
        click.echo(f"voicecoach: {problem}", err=True)
    if report.problems:
        raise SystemExit(ExitStatus.ERROR)


def run_cli(argv: list[str]) -> int:
    """Run the CLI and return its exit status (click's standalone mode does the exiting)."""
    try:
        cli.main(args=argv, prog_name="voicecoach", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return ExitStatus.OK
