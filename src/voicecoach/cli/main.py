"""The command line: the top group, whose commands load from their modules when used.

One module per command group (routines, run, speech, journal); ``base`` holds
the group, the table of which module registers which command, the error
handling and the shared options.
"""

from voicecoach.cli.base import cli, run_cli

__all__ = ["cli", "run_cli"]
