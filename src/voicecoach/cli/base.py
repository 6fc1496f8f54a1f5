"""The CLI's frame: the top group, error handling, shared options and output helpers.

Thin by design, so that behaviour is testable without click: each command
parses its flags and calls one function elsewhere; errors become one line on
stderr and an exit code.
Exit codes: 0 ok, 1 runtime error, 2 usage error or invalid routine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from voicecoach import __version__
from voicecoach.exitcodes import ExitStatus
from voicecoach.journal.errors import JournalError
from voicecoach.paths import user_paths
from voicecoach.routines.problems import RoutineError
from voicecoach.safetext import clean, json_safe
from voicecoach.session.stdout import ensure_stdout, is_stdout_error, silence_stdout
from voicecoach.settings import Settings, SettingsError, load_settings
from voicecoach.speech.errors import SpeechUnavailable

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# Each command's module, imported only when that command is run (or its help is listed):
# ``voicecoach run`` does not pay for the journal's commands, nor ``--version`` for any.
COMMAND_MODULES = {
    "cache": "voicecoach.cli.speech",
    "doctor": "voicecoach.cli.speech",
    "exercises": "voicecoach.cli.routines",
    "export": "voicecoach.cli.journal",
    "history": "voicecoach.cli.journal",
    "import": "voicecoach.cli.journal",
    "journal": "voicecoach.cli.journal",
    "list": "voicecoach.cli.routines",
    "mic-test": "voicecoach.cli.speech",
    "mic-train": "voicecoach.cli.mic_train",
    "plan": "voicecoach.cli.routines",
    "run": "voicecoach.cli.run",
    "say": "voicecoach.cli.run",
    "schema": "voicecoach.cli.routines",
    "validate": "voicecoach.cli.routines",
    "voices": "voicecoach.cli.speech",
}


def dump_json(data: object) -> None:
    click.echo(json_safe(json.dumps(data, indent=2, ensure_ascii=False)))


def say_line(text: str = "") -> None:
    """One line of output holding text from a routine, the journal or an import."""
    click.echo(clean(text))


def err_line(text: str) -> None:
    click.echo(clean(text), err=True)


class _Group(click.Group):
    """Turns every known failure into one line on stderr and an exit code, never a traceback.

    Its commands are registered by their modules (``@cli.command``) as those are
    imported, which :meth:`get_command` does on first use, from ``COMMAND_MODULES``.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            import importlib

            importlib.import_module(module)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RoutineError as exc:
            for p in exc.problems:
                err_line(str(p))
            ctx.exit(ExitStatus.USAGE)
        except SettingsError as exc:
            err_line(f"voicecoach: {exc}")
            ctx.exit(ExitStatus.USAGE)
        except (JournalError, SpeechUnavailable) as exc:
            err_line(f"voicecoach: {exc}")
            ctx.exit(ExitStatus.ERROR)
        except BrokenPipeError:
            silence_stdout()  # the reader is gone (| head): stop quietly, as coreutils do
            ctx.exit(ExitStatus.SIGPIPE)
        except OSError as exc:
            if not is_stdout_error(exc):
                raise
            err_line(f"voicecoach: cannot write to standard output: {exc.strerror}")
            ctx.exit(ExitStatus.ERROR)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(ExitStatus.SIGINT)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # the last net: a bug must not show the lifter a traceback
            report = _crash_report(exc)
            err_line(
                f"voicecoach: internal error ({type(exc).__name__}: {exc}); the details "
                f"are in {report}. Please report it."
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


def load_user_settings(**flags: Any) -> Settings:
    return load_settings(user_paths().config_file, **flags)


VOICE_OPTIONS = [
    click.option(
        "--voice",
        help="ENGINE:VOICE, e.g. piper:joe or espeak:gmw/en-us (see 'voicecoach voices').",
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


def voice_options(f):
    for option in reversed(VOICE_OPTIONS):
        f = option(f)
    return f


def open_journal(db: Path | None):
    from voicecoach.journal.store import Journal

    return Journal(db or user_paths().journal)


DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Journal database (default: the data dir, or $VOICECOACH_HOME).",
)


def run_cli(argv: list[str]) -> int:
    """Run the CLI and return its exit status (click's standalone mode does the exiting)."""
    ensure_stdout()
    try:
        try:
            cli.main(args=argv, prog_name="voicecoach", standalone_mode=True)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:
            code = ExitStatus.OK
        sys.stdout.flush()  # here, not at shutdown, so a broken pipe is still ours to handle
    except BrokenPipeError:
        silence_stdout()
        return ExitStatus.SIGPIPE
    return code


LIBRARY_OPTION = click.option(
    "--library",
    "library_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your own exercises (default: exercises.yaml in the config dir, if there is one).",
)


def pick_library(path: Path | None, *, one_routine: bool = False):
    """The built-in exercises plus the lifter's own; a missing ``--library`` is a usage error.

    ``one_routine``: the library only loads a routine, so with no personal file the
    built-in exercises are read as the routine names them (the first word waits on it).
    """
    from voicecoach.routines.library import read_library, routine_library

    # Only a missing file is "no such file": a FIFO or a device is not a file either, yet
    # the reader says what it is, in one located line, without opening it.
    if path is not None and not path.exists():
        raise click.UsageError(f"--library: no such file: {path}")
    return routine_library(path) if one_routine else read_library(path)
