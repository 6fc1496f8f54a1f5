"""Entry point for ``python -m voicecoach`` and the ``voicecoach`` script.

Kept to one call, as in httpie's ``__main__``: everything else lives in ``cli``.
"""

from __future__ import annotations

import sys


def main() -> int:
    """Run the CLI and return its exit status."""
    from voicecoach.cli.main import run_cli

    return run_cli(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
