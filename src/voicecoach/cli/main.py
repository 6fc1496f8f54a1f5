"""The command line: the top group and every command, registered by importing their modules.

One module per command group (routines, run, speech, journal); ``base`` holds
the group, the error handling and the shared options.
"""

from voicecoach.cli import (  # noqa: F401 - registers the commands
    journal,
    mic_train,
    routines,
    run,
    speech,
)
from voicecoach.cli.base import cli, run_cli

__all__ = ["cli", "run_cli"]
