#!/usr/bin/env bash
# Install everything voicecoach needs on Debian/Ubuntu: system packages, then a
# virtual environment in .venv with the project. Idempotent and quick when all
# is already there. Usage: scripts/install.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# Runtime: Python with venv, espeak-ng for pyttsx3, ALSA/PulseAudio client libraries,
# and gcc + libasound2-dev because simpleaudio-patched builds from source.
packages=(python3 python3-venv python3-dev gcc libespeak-ng1 espeak-ng-data
          libasound2 libasound2-dev libasound2-plugins libpulse0)
# Tests and bench: a private PulseAudio server with a null sink, parec to record it,
# and aplay (alsa-utils), which the naive pyttsx3 baseline in bench/ plays through;
# dbus (dbus-daemon, dbus-send, dbus-monitor) for a private session bus in the
# media button tests, and playerctl, the MPRIS client those tests press buttons with.
[ "$want_test" = 1 ] && packages+=(pulseaudio pulseaudio-utils alsa-utils dbus playerctl)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "voicecoach: installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
extras="simpleaudio,listen,neural"
[ "$want_test" = 1 ] && extras="simpleaudio,listen,neural,test"
hash=$(sha256sum pyproject.toml | cut -c1-16)
stamp=".venv/.installed-${hash}-${extras}"
# The test install includes everything the workout needs, so either stamp will do.
if [ ! -f "$stamp" ] && [ ! -f ".venv/.installed-${hash}-simpleaudio,listen,neural,test" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[${extras}]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
