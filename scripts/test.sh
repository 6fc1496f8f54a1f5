#!/usr/bin/env bash
# Command 2: install everything (test packages included), lint, type-check, and run the whole suite:
# unit, integration (real espeak-ng, PulseAudio null sink, pty, SQLite) and end to end.
# Extra arguments go to pytest, e.g.: bash scripts/test.sh tests/unit
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
.venv/bin/ruff check src tests bench scripts
.venv/bin/ruff format --check src tests bench scripts
.venv/bin/mypy
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "voicecoach: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
