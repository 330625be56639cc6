#!/usr/bin/env bash
# The smoke suite on embedded SQLite, whatever else the machine has.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=nexus.settings.test
unset DATABASE_URL
echo "== Smoke suite on SQLite (embedded default)"
.venv/bin/pytest -m smoke "$@"
