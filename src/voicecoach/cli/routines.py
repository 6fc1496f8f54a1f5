"""Commands about routines: list, validate, plan, schema, exercises."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from voicecoach.cli.base import (
    CONTEXT,
    LIBRARY_OPTION,
    cli,
    dump_json,
    err_line,
    load_user_settings,
    pick_library,
    say_line,
    user_paths,
)
from voicecoach.exitcodes import ExitStatus
from voicecoach.routines.problems import RoutineError

if TYPE_CHECKING:
    from voicecoach.plan.plates import Rack
    from voicecoach.routines.model import Routine
    from voicecoach.session.starting import Ask, Start


@cli.command("list", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_cmd(as_json: bool) -> None:
    """List the built-in routines, with descriptions, equipment and estimated durations.

    \b
    Examples:
      voicecoach list
      voicecoach list --json
    """
    from voicecoach.plan.listing import listing

    rows = listing()
    if as_json:
        dump_json(rows)
        return
    width = max(len(str(r["name"])) for r in rows)
    for r in rows:
        kit = ", ".join(str(e) for e in r["equipment"])  # type: ignore[attr-defined]
        say_line(f"{r['name']:<{width}}  ~{r['minutes']:>2} min  {r['description']}  [{kit}]")


@cli.command(context_settings=CONTEXT)
@click.argument("routines", nargs=-1, required=True)
@LIBRARY_OPTION
def validate(routines: tuple[str, ...], library_file: Path | None) -> None:
    """Check routine files (or built-in names); report every problem with its line and column.

    Your own exercise library (--library, or exercises.yaml in the config dir)
    is checked first, the same way. Exit status 0 when all are valid, 2 otherwise.

    \b
    Examples:
      voicecoach validate my-routine.yaml
      voicecoach validate routines/*.yaml
      voicecoach validate push-day.yaml --library my-exercises.yaml
    """
    from voicecoach.routines.catalog import load

    library = pick_library(library_file)
    failed = False
    for name in routines:
        try:
            routine = load(name, library)
        except RoutineError as exc:
            failed = True
            for p in exc.problems:
                err_line(str(p))
            continue
        count = len(routine.exercises())
        say_line(f"{name}: ok ({routine.name}, {count} exercise{'' if count == 1 else 's'})")
    if failed:
        raise SystemExit(ExitStatus.USAGE)


@cli.command(context_settings=CONTEXT)
@click.argument("routine")
@click.option("--json", "as_json", is_flag=True, help="Print the outline as JSON.")
@click.option(
    "--week",
    type=click.IntRange(1, 520),
    help="For a program: show this week instead of the one the journal says is next.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what the next 'run --dry-run' coaches: earlier dry runs count too.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Journal that says which week is next and where the loads start (default: the data dir).",
)
@LIBRARY_OPTION
def plan(
    routine: str,
    as_json: bool,
    week: int | None,
    dry_run: bool,
    db: Path | None,
    library_file: Path | None,
) -> None:
    """Show what the next run of a routine coaches: its sets, their loads, the duration.

    The week of a program and each exercise's starting load come from the
    journal, worked out as 'run' works them out; the journal is only read.

    \b
    Examples:
      voicecoach plan pull-day
      voicecoach plan ./my-routine.yaml --json
      voicecoach plan strength-wave --week 4
    """
    from voicecoach.plan.outline import outline
    from voicecoach.plan.planner import estimate_seconds
    from voicecoach.plan.program import stall_lines
    from voicecoach.routines.catalog import load
    from voicecoach.routines.durations import format_duration
    from voicecoach.session.starting import Ask, planned

    written = load(routine, pick_library(library_file))
    if week is not None and written.program is None:
        raise click.UsageError(
            f"--week is for a program; {written.name!r} has no weeks: or program:"
        )
    journal = db or user_paths().journal
    start = _start(written, journal, Ask(dry_run=dry_run, week=week))
    wk, r = start.week, start.routine
    starts, set_loads = planned(start, _rack())
    data = outline(r, starts, start.carried, set_loads)
    seconds = estimate_seconds(r)
    if as_json:
        dump_json(
            {
                "name": r.name,
                "description": r.description,
                "units": r.units,
                "estimated_seconds": round(seconds),
                "week": asdict(wk) if wk is not None else None,  # every key, every routine
                "dry_run": dry_run,
                # Said at the start: the week, a deload week, a stall's deloads.
                "notes": [*r.session_notes, *stall_lines(r, starts)],
                "items": data,
            }
        )
        return
    say_line(f"{r.name} — {r.description}" if r.description else r.name)
    if wk is not None:
        say_line(
            f"Week {wk.of_cycle} of {wk.weeks}"
            + (f" (program week {wk.number})" if wk.number != wk.of_cycle else "")
            + (", a deload week" if wk.deload else "")
            + (", as the next dry run coaches it" if dry_run else "")
            + ("" if week is not None else "; --week N shows another")
        )
        if not dry_run and week is None:
            # Dry runs count for later dry runs only: say so when they have moved ahead.
            rehearsed = _start(written, journal, Ask(dry_run=True)).week
            if rehearsed is not None and rehearsed.number != wk.number:
                say_line(
                    f"After your dry runs, the next 'run --dry-run' coaches week "
                    f"{rehearsed.of_cycle} of {rehearsed.weeks}; plan --dry-run shows it"
                )
    for note in stall_lines(r, starts):  # what run says first about a stall's deload
        say_line(note)
    for item in data:
        if "circuit" in item:
            say_line(
                f"{item['kind'].capitalize()} {item['circuit']}: {item['rounds']} rounds, "
                f"rest {item['rest']} between rounds, {item['transition']} between "
                "exercises"
            )
            for e in item["exercises"]:
                say_line(_plan_line(e, "  - "))
        else:
            say_line(_plan_line(item))
    click.echo(f"Estimated duration: {format_duration(seconds)}")


def _start(routine: Routine, path: Path, ask: Ask) -> Start:
    """Where the next session starts, from the journal at ``path`` opened read-only
    (``plan`` changes nothing); with no journal, or one that cannot be read, the
    routine as written (what ``run`` would coach without it)."""
    from voicecoach.journal.store import Journal, JournalError
    from voicecoach.session.starting import next_start

    journal = None
    if path.is_file():
        try:
            journal = Journal.read_only(path)
        except JournalError as exc:
            err_line(f"{exc}; showing the routine as written")
    try:
        return next_start(routine, journal, ask)
    except JournalError as exc:
        err_line(f"{exc}; showing the routine as written")
        return next_start(routine, None, ask)
    finally:
        if journal is not None:
            journal.close()


def _rack() -> Rack | None:
    """The lifter's bar and plates, which round a load as they do in a run (none if the
    config cannot be read: 'run' says why, the plan shows the loads unrounded)."""
    from voicecoach.session.starting import rack_of
    from voicecoach.settings import SettingsError

    try:
        return rack_of(load_user_settings())
    except SettingsError:
        return None


def _plan_line(e: dict[str, Any], indent: str = "") -> str:
    """One exercise of ``plan``: warm-ups, the work with its loads, drops."""
    before = f"warm-ups {', '.join(e['warmup'])}; " if e.get("warmup") else ""
    after = f"; then drop {', '.join(e['drop'])}" if e.get("drop") else ""
    return f"{indent}{e['name']}: {before}{_plan_work(e, indent)}{after}"


def _runs(texts: list[str]) -> str:
    """Consecutive items alike said once with their count: ``3 × back-off 8 @ 85%``."""
    runs: list[list[Any]] = []
    for text in texts:
        if runs and runs[-1][0] == text:
            runs[-1][1] += 1
        else:
            runs.append([text, 1])
    return ", ".join(f"{n} × {t}" if n > 1 else t for t, n in runs)


def _plan_work(e: dict[str, Any], indent: str) -> str:
    from voicecoach.routines.durations import format_duration

    hold = not e["reps"]
    work = f"{format_duration(float(e['hold']))} hold" if hold else f"{e['reps']} reps"
    sets = f"{e['sets']} × " if not indent else ""
    sides = f", sides {'/'.join(e['sides'])}" if e["sides"] else ""
    rest = f", rest {e['rest']}" if not indent else ""
    # A hold has no tempo and no RIR question.
    effort = "" if hold else f", tempo {e['tempo']}, RIR {e['rir']}"
    # A load the journal carried says so, beside what the routine writes.
    moved = e["load_from"] == "journal" and e["load"] != e["routine_load"]
    since = f"from the journal; load: says {e['routine_load']}" if moved else ""
    if e.get("scheme"):
        base = "training max" if e["training_max"] else "the working load"
        lifted = f", lifted at {_runs(e['set_loads'])}" if e["set_loads"] else ""
        carried = f", {since}" if since else ""
        return f"{_runs(e['scheme'])} ({base} {e['load']}{carried}){lifted}{effort}{rest}{sides}"
    carried = f" ({since})" if since else ""
    return f"{sets}{work} @ {e['load']}{carried}{effort}{rest}{sides}"


@cli.command(context_settings=CONTEXT)
@click.argument("kind", type=click.Choice(["routine", "library"]), default="routine")
@LIBRARY_OPTION
def schema(kind: str, library_file: Path | None) -> None:
    """Print the JSON Schema of the routine format (or of a library file), for editors and CI.

    The routine schema's 'use:' lists the built-in exercises and your own.

    \b
    Examples:
      voicecoach schema > routine.schema.json
      voicecoach schema library > library.schema.json
      # then, first line of a routine file:
      # yaml-language-server: $schema=./routine.schema.json
    """
    from voicecoach.routines.schema import library_schema, routine_schema

    if kind == "library":
        dump_json(library_schema())
    else:
        dump_json(routine_schema(pick_library(library_file)))


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
@LIBRARY_OPTION
def exercises(as_json: bool, library_file: Path | None) -> None:
    """List the exercise library: the ids routines refer to with 'use:'.

    Built-in exercises and your own (from --library, or exercises.yaml in the
    config dir), each with where it comes from: "built-in", or the file that
    adds it or changes it.

    \b
    Examples:
      voicecoach exercises
      voicecoach exercises --json
      voicecoach exercises --library my-exercises.yaml
    """
    lib = pick_library(library_file)
    if as_json:
        dump_json(
            [
                {
                    "id": e.key,
                    "name": e.name,
                    "source": e.source,
                    "aliases": list(e.aliases),
                    "equipment": list(e.equipment),
                    "unilateral": e.unilateral,
                    "timed": e.timed,
                    "levels": list(e.levels),
                    "setup": list(e.setup),
                    "rep_cues": dict(e.rep_cues),
                    "tempo": e.tempo.notation(),
                    "step": f"{e.step.amount:g} {e.step.unit}" if e.step else None,
                }
                for e in lib.values()
            ]
        )
        return
    width = max(len(k) for k in lib)
    for e in lib.values():
        where = "" if e.source == "built-in" else f"  [{e.source}]"
        say_line(f"{e.key:<{width}}  {e.name} ({', '.join(e.equipment)}){where}")
