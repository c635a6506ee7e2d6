#!/usr/bin/env bash
# Set up everything the app and its tests need; fast when it is all there already.
#   - Debian packages: Qt's runtime libraries, poppler-utils, xvfb, PostgreSQL (tests)
#   - .venv with the project installed in editable mode, with its test extras
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

APT_PACKAGES=(
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xkb1 libglib2.0-0
  libx11-6 libx11-xcb1 libxcb1 libxcb-glx0 libxcb-render0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0
  poppler-utils xvfb
  postgresql postgresql-contrib
)
# Only for the tests (./test.sh sets MEDIATOR_SETUP_TESTS=1): LibreOffice opens the DOCX files
# the app writes and prints them, as Word would on a mediator's PC. gcc builds the fsync shim of
# the power-cut test (tests/test_power_loss.py). dpkg (dpkg-deb, dpkg -x) builds and unpacks the
# .deb of tests/test_frozen.py, which also checks with ldd (libc-bin) what the bundle needs.
if [ "${MEDIATOR_SETUP_TESTS:-0}" = 1 ]; then
  APT_PACKAGES+=(libreoffice-writer-nogui gcc libc6-dev dpkg libc-bin)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing system packages (install them as root): ${missing[*]}" >&2
  fi
fi

PY=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PY=$candidate; break
  fi
done
if [ -z "$PY" ]; then
  echo "Python 3.11 or newer is needed (python3 --version)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi

stamp=.venv/.installed-pyproject.sha256
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -m pip install -q -e '.[test]' 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c 'import mediator_desktop, PySide6, sqlalchemy, psycopg' # fail loudly if the install did
  echo "$want" > "$stamp"
fi

# The Designer forms are compiled here, not committed (as MusicBrainz Picard does): generated
# code in the tree hid real repetition from the duplicate check and went stale after edits.
.venv/bin/python -m mediator_desktop.ui.build_forms >/dev/null
