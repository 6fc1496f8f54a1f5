#!/usr/bin/env bash
# Command 1: install everything, then start a coached workout (default: pull-day).
# Usage: bash scripts/workout.sh [ROUTINE] [voicecoach run options...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
routine="${1:-pull-day}"
shift || true
exec .venv/bin/voicecoach run "$routine" "$@"
