"""Commands about routines: list, validate, plan, schema, exercises."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from voicecoach.cli.base import (
    CONTEXT,
    LIBRARY_OPTION,
    cli,
    dump_json,
    err_line,
    pick_library,
    say_line,
    user_paths,
)
from voicecoach.exitcodes import ExitStatus
from voicecoach.routines.problems import RoutineError


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
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Journal that says which week is next (default: the data dir).",
)
@LIBRARY_OPTION
def plan(
    routine: str, as_json: bool, week: int | None, db: Path | None, library_file: Path | None
) -> None:
    """Show the outline of a routine and its estimated duration.

    For a program, the outline is the week the journal says is next.

    \b
    Examples:
      voicecoach plan pull-day
      voicecoach plan ./my-routine.yaml --json
      voicecoach plan strength-wave --week 4
    """
    from voicecoach.plan.planner import estimate_seconds, outline
    from voicecoach.plan.program import for_week, week_of
    from voicecoach.routines.catalog import load
    from voicecoach.routines.durations import format_duration

    r = load(routine, pick_library(library_file))
    wk = None
    if week is not None and r.program is None:
        raise click.UsageError(f"--week is for a program; {r.name!r} has no weeks: or program:")
    if r.program is not None:
        done = 0 if week is not None else sessions_done_in(db or user_paths().journal, r.name)
        wk = week_of(r.program, done, forced=week)
        r = for_week(r, wk)
    data = outline(r)
    seconds = estimate_seconds(r)
    if as_json:
        dump_json(
            {
                "name": r.name,
                "description": r.description,
                "units": r.units,
                "estimated_seconds": round(seconds),
                "week": asdict(wk) if wk is not None else None,  # every key, every routine
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
            + ("" if week is not None else "; --week N shows another")
        )

    def line(e: dict[str, Any], indent: str = "") -> str:
        before = f"warm-ups {', '.join(e['warmup'])}; " if e.get("warmup") else ""
        after = f"; then drop {', '.join(e['drop'])}" if e.get("drop") else ""
        return f"{indent}{e['name']}: {before}{_work(e, indent)}{after}"

    def _work(e: dict[str, Any], indent: str) -> str:
        hold = not e["reps"]
        work = f"{format_duration(float(e['hold']))} hold" if hold else f"{e['reps']} reps"
        sets = f"{e['sets']} × " if not indent else ""
        sides = f", sides {'/'.join(e['sides'])}" if e["sides"] else ""
        rest = f", rest {e['rest']}" if not indent else ""
        # A hold has no tempo and no RIR question.
        effort = "" if hold else f", tempo {e['tempo']}, RIR {e['rir']}"
        if e.get("scheme"):
            runs: list[list[Any]] = []  # consecutive sets alike, said once with their count
            for text in e["scheme"]:
                if runs and runs[-1][0] == text:
                    runs[-1][1] += 1
                else:
                    runs.append([text, 1])
            work = ", ".join(f"{n} × {t}" if n > 1 else t for t, n in runs)
            return f"{work} (the working load {e['load']}){effort}{rest}{sides}"
        return f"{sets}{work} @ {e['load']}{effort}{rest}{sides}"

    for item in data:
        if "circuit" in item:
            say_line(
                f"{item['kind'].capitalize()} {item['circuit']}: {item['rounds']} rounds, "
                f"rest {item['rest']} between rounds, {item['transition']} between "
                "exercises"
            )
            for e in item["exercises"]:
                say_line(line(e, "  - "))
        else:
            say_line(line(item))
    click.echo(f"Estimated duration: {format_duration(seconds)}")


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


def sessions_done_in(path: Path, routine_name: str) -> int:
    """Completed sessions of a routine in a journal, read only: ``plan`` changes nothing."""
    import sqlite3

    from voicecoach.journal.progress import sessions_done

    if not path.is_file():
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
        try:
            return sessions_done(con, routine_name)
        finally:
            con.close()
    except sqlite3.Error as exc:
        err_line(f"cannot read {path} to find the week ({exc}); showing week one")
        return 0
