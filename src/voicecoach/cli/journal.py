"""Commands about the journal: history, export, import, and journal check/salvage/recover."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, cast

import click

from voicecoach import paths
from voicecoach.cli.base import (
    CONTEXT,
    DB_OPTION,
    LIBRARY_OPTION,
    cli,
    dump_json,
    err_line,
    open_journal,
    pick_library,
    say_line,
)
from voicecoach.exitcodes import ExitStatus
from voicecoach.journal.store import JournalError
from voicecoach.paths import user_paths
from voicecoach.safetext import clean, clean_lines, json_safe

KIND_WORDS = {
    "working": "working",
    "warmup": "warm-up",
    "drop": "drop",
    "failure": "failure",
    "amrap": "AMRAP",
}


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
    from voicecoach.journal import history as h
    from voicecoach.routines.loads import describe, from_record

    journal = open_journal(db)
    try:
        if exercise_name is None:
            rows = h.sessions(journal, limit)
            if as_json:
                dump_json(rows)
                return
            if not rows:
                click.echo("No sessions yet. Start one with: voicecoach run pull-day")
            for r in rows:
                minutes = f"{r['duration_seconds'] // 60} min" if r["duration_seconds"] else "-"
                say_line(
                    f"{r['started_at'][:16].replace('T', ' ')}  {clean(r['routine_name']):<24} "
                    f"{r['sets']:>3} sets  {minutes:>7}  {r['status']}"
                )
            return
        rows = h.exercise(journal, exercise_name, limit)
        alias = None if rows else h.imported_as(journal, exercise_name)
        if alias is not None:  # the name Strong or Hevy gave it: shown under the library's
            exercise_name = alias
            rows = h.exercise(journal, exercise_name, limit)
        if as_json:
            dump_json(rows)
            return
        if not rows:
            from voicecoach.routines.problems import did_you_mean

            hint = did_you_mean(exercise_name, h.exercise_ids(journal))
            say_line(f"No sets of {exercise_name!r} yet{hint or '.'}")
            return
        for r in rows:
            load = describe(from_record(r["load"]))
            rir = "?" if r["rir"] is None else f"{r['rir']:g}"
            side = f" ({r['side']})" if r["side"] else ""
            # Warm-ups, drops and failures are counted apart from the working sets (an
            # AMRAP set is one of those): "warm-up 1", then "set 1", as the apps show them.
            word = "set" if r["kind"] in ("working", "amrap") else KIND_WORDS[r["kind"]]
            amrap = " [AMRAP]" if r["kind"] == "amrap" else ""
            say_line(
                f"{r['date']}  {word} {r['set']}{side}{amrap}: {load} × {r['reps']} @ RIR {rir}"
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
    default=None,
    help="Weight unit for the CSV formats (default: the unit most of the journal is in).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
@DB_OPTION
def export(fmt: str, unit: str | None, output: Path | None, db: Path | None) -> None:
    """Export the journal as Strong CSV, Hevy CSV or voicecoach's JSON document.

    The JSON document keeps everything, and `voicecoach import` reads it back.

    \b
    Examples:
      voicecoach export --format strong -o strong.csv
      voicecoach export --format hevy --unit kg -o hevy.csv
      voicecoach export --format json > journal.json
    """
    from voicecoach.journal.exchange import export as do_export

    journal = open_journal(db)
    try:
        if output:
            with output.open("w", encoding="utf-8", newline="") as f:
                do_export(journal, fmt, unit, f)
        else:
            # On stdout (a terminal, or a pipe that may end in one) names are shown, not
            # obeyed: JSON escapes stay lossless; CSV cells show control characters as \x1b.
            # A file (-o) keeps the data exactly.
            do_export(
                journal,
                fmt,
                unit,
                cast(IO[str], _Shown(sys.stdout, json_safe if fmt == "json" else clean_lines)),
            )
    finally:
        journal.close()


class _Shown:
    """A text stream that passes each write through a sanitiser on its way out."""

    def __init__(self, inner: IO[str], show: Callable[[str], str]):
        self.inner, self.show = inner, show

    def write(self, text: str) -> int:
        self.inner.write(self.show(text))
        return len(text)


@cli.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--unit",
    type=click.Choice(["lb", "kg"]),
    default=None,
    help="Weight unit of a file that names none (Strong's comma export); default: the journal's.",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="NAME=ID",
    help="Take the app's exercise NAME as library exercise ID (repeatable; remembered).",
)
@click.option(
    "--map-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of NAME=ID lines, as --map.",
)
@click.option("--strict", is_flag=True, help="Import nothing if any row is bad (exit 2).")
@DB_OPTION
@LIBRARY_OPTION
def import_cmd(
    file: Path,
    unit: str | None,
    mapping: tuple[str, ...],
    map_file: Path | None,
    strict: bool,
    db: Path | None,
    library_file: Path | None,
) -> None:
    """Import a Strong or Hevy CSV export, or voicecoach's JSON export.

    Bad rows are listed as FILE:LINE and skipped; a workout already in the
    journal (same start to the minute, same sets) is not added again, whichever
    app exported it. Working sets seed your next session's loads.

    \b
    Examples:
      voicecoach import strong.csv
      voicecoach import hevy_workouts.csv --db ./journal.sqlite3
      voicecoach import strong.csv --unit lb --map "Bent Over Row (Barbell)=barbell-row"
    """
    from voicecoach.journal.importer import ImportError_, ImportOptions, import_file

    library = pick_library(library_file)
    maps = _read_maps(mapping, map_file, library)
    try:
        stream = paths.open_text(file, paths.IMPORT_LIMIT)
    except OSError as exc:
        why = paths.why_unreadable(exc)
        err_line(f"voicecoach: {file}: cannot read it: {why}; nothing was imported")
        raise SystemExit(ExitStatus.USAGE) from None
    journal = open_journal(db)
    try:
        with stream as lines:
            options = ImportOptions(unit, maps or {}, strict, err_line, library)
            report = import_file(journal, lines, str(file), options)
    except ImportError_ as exc:
        err_line(f"voicecoach: {exc}; nothing was imported")
        raise SystemExit(ExitStatus.USAGE) from None
    except UnicodeDecodeError:
        err_line(f"voicecoach: {file}: not UTF-8 text; nothing was imported")
        raise SystemExit(ExitStatus.USAGE) from None
    finally:
        journal.close()
    for line in summary(report):
        say_line(line)


def _read_maps(
    mapping: tuple[str, ...], map_file: Path | None, library: Mapping[str, object]
) -> dict[str, str]:
    """NAME=ID pairs from --map and --map-file, each ID checked against the library."""
    from voicecoach.routines.problems import did_you_mean

    pairs: list[tuple[str, str]] = [("--map", m) for m in mapping]
    if map_file is not None:
        # A name list is a few hundred lines: read whole, bounded, never from a FIFO.
        try:
            lines = paths.read_text(map_file, paths.CONFIG_LIMIT, "utf-8-sig").splitlines()
        except OSError as exc:
            raise click.UsageError(f"{map_file}: {paths.why_unreadable(exc)}") from None
        except UnicodeDecodeError:
            raise click.UsageError(f"{map_file}: not UTF-8 text") from None
        for n, text in enumerate(lines, start=1):
            if text.strip() and not text.lstrip().startswith("#"):
                pairs.append((f"{map_file}:{n}", text.strip()))
    out: dict[str, str] = {}
    for where, text in pairs:
        name, sep, key = text.rpartition("=")
        name, key = name.strip(), key.strip()
        if not sep or not name or not key:
            raise click.UsageError(f"{where}: {text[:60]!r} is not NAME=ID")
        if key not in library:
            raise click.UsageError(
                f"{where}: {key!r} is not an exercise in the library" + did_you_mean(key, library)
            )
        out[name] = key
    return out


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary(report: Any) -> list[str]:
    """The lines an import ends with: what came in, what did not, and what was seeded."""
    others = ("warmup", "drop", "failure")
    kinds = ", ".join(f"{report.kinds[k]} {KIND_WORDS[k]}" for k in others if report.kinds[k])
    lines = [
        f"imported {_count(report.sets, 'set')} in {_count(report.workouts, 'new workout')}"
        + (f" ({kinds})" if kinds else "")
        + f"; {report.duplicates} already in the journal;"
        f" skipped {_count(report.skipped, 'bad row')};"
        f" seeded {_count(len(report.seeded), 'exercise')};"
        f" {_count(len(report.unknown), 'unknown name')}"
    ]
    if report.assumed_unit:
        lines.append(
            f"the file names no weight unit: weights were read as {report.assumed_unit}"
            " (pass --unit if they are not)"
        )
    if report.notes:
        lines.append(f"{_count(report.notes, 'Strong note')} kept with the workouts")
    if report.timers:
        lines.append(
            f"{_count(report.timers, 'workout')} had a timer left running (over 12 h):"
            " kept, with no end time"
        )
    if report.seeded:
        lines.append(
            "starting loads: " + ", ".join(f"{k} {v}" for k, v in sorted(report.seeded.items()))
        )
    if report.not_seeded:
        lines.append(
            "no starting load: "
            + ", ".join(f"{k} ({why})" for k, why in sorted(report.not_seeded.items()))
        )
    if report.unknown:
        lines.append(
            "not in the exercise library (kept under their own names; map them with"
            ' --map "NAME=ID"): '
            + ", ".join(f"{n} ({_count(c, 'set')})" for n, c in sorted(report.unknown.items()))
        )
    return lines


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
    from voicecoach.journal import repair as journal_repair

    path = db or user_paths().journal
    report = journal_repair.check(path)
    if as_json:
        dump_json(report.__dict__)
    else:
        click.echo(f"{path}: " + ("ok" if report.ok else "DAMAGED"))
        for problem in report.problems[:10]:
            click.echo(f"  {problem}")
        if report.ok:
            click.echo(f"  {report.sessions} sessions, {report.sets} sets")
            click.echo(f"  summary of the sets: {report.summary}")
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
    from voicecoach.journal import repair as journal_repair

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
    from voicecoach.journal import repair as journal_repair

    journal = open_journal(db)
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
