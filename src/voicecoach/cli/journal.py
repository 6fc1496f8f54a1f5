"""Commands about the journal: history, export, import, and journal check/salvage/recover."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, cast

import click

from voicecoach import paths
from voicecoach.cli.base import (
    CONTEXT,
    DB_OPTION,
    cli,
    dump_json,
    err_line,
    open_journal,
    say_line,
)
from voicecoach.exitcodes import ExitStatus
from voicecoach.journal.store import JournalError
from voicecoach.paths import user_paths
from voicecoach.safetext import clean, clean_lines, json_safe


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
        if as_json:
            dump_json(rows)
            return
        if not rows:
            say_line(f"No sets of {exercise_name!r} yet.")
            return
        for r in rows:
            load = (
                f"{r['weight']:g} {r['unit']}"
                if r["weight"] is not None
                else (r["level"] or "bodyweight")
            )
            rir = "?" if r["rir"] is None else r["rir"]
            side = f" ({r['side']})" if r["side"] else ""
            say_line(
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
@DB_OPTION
def import_cmd(file: Path, db: Path | None) -> None:
    """Import a Strong or Hevy CSV export; loads are seeded for your next session.

    Importing the same file twice adds nothing.

    \b
    Examples:
      voicecoach import strong.csv
      voicecoach import hevy_workouts.csv --db ./journal.sqlite3
    """
    from voicecoach.journal.exchange import ImportError_, import_file

    try:
        raw = paths.read_bytes(file, paths.IMPORT_LIMIT)
    except OSError as exc:
        why = paths.why_unreadable(exc)
        err_line(f"voicecoach: {file}: cannot read it: {why}; nothing was imported")
        raise SystemExit(ExitStatus.USAGE) from None
    journal = open_journal(db)
    try:
        with io.StringIO(raw.decode("utf-8-sig"), newline="") as lines:
            report = import_file(journal, lines, str(file))
    except ImportError_ as exc:
        err_line(f"voicecoach: {exc}; nothing was imported")
        raise SystemExit(ExitStatus.USAGE) from None
    except UnicodeDecodeError:
        err_line(f"voicecoach: {file}: not UTF-8 text; nothing was imported")
        raise SystemExit(ExitStatus.USAGE) from None
    finally:
        journal.close()
    click.echo(
        f"imported {report.workouts} workouts, {report.sets} sets"
        + (f"; {report.skipped} already there" if report.skipped else "")
    )
    if report.unmatched:
        say_line(
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
