"""The command line: the top group and every command, registered by importing their modules.

One module per command group (routines, run, speech, journal); ``base`` holds
the group, the error handling and the shared options.
"""

from voicecoach.cli import journal, routines, run, speech  # noqa: F401 - registers the commands
from voicecoach.cli.base import cli, run_cli

__all__ = ["cli", "run_cli"]
