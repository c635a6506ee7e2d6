#!/usr/bin/env bash
# Set up everything and start the app: ./run.sh [mediator-desktop arguments]
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec .venv/bin/mediator-desktop "$@"
