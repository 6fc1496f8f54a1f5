"""Entry point for ``python -m voicecoach`` and the ``voicecoach`` script.

Kept to one call, as in httpie's ``__main__``: everything else lives in ``cli``.
"""

from __future__ import annotations

import sys

# click's own wording for ``--version``, so that both answers are the same line.
VERSION_LINE = "voicecoach, version {}"


def main() -> int:
    """Run the CLI and return its exit status."""
    if sys.argv[1:] == ["--version"]:
        # Answered before click and the commands are imported: scripts and package
        # managers ask it often, and it is the floor start-up is measured against.
        from voicecoach import __version__

        print(VERSION_LINE.format(__version__))
        return 0
    from voicecoach.cli.main import run_cli

    return run_cli(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
