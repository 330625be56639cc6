#!/usr/bin/env bash
# The whole check, as `make test` runs it. Any failure stops it with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=nexus.settings.test

eval "$($BIN/python scripts/test_database.py)"
echo "== Test database: ${NEXUS_TEST_DB_LABEL}"

if $BIN/python -c "import redis,sys; redis.Redis.from_url('${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}', socket_connect_timeout=2).ping()" 2>/dev/null; then
  echo "== Redis: reachable (end-to-end Celery tests run)"
elif [ "${CI:-}" = "true" ]; then
  echo "error: CI needs Redis on 127.0.0.1:6379 for the end-to-end Celery tests" >&2
  exit 2
else
  echo "== Redis: not reachable (end-to-end Celery tests will be skipped)"
fi

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .
echo "== import layers"
$BIN/lint-imports
echo "== migrations"
$BIN/python manage.py makemigrations --check --dry-run
echo "== mypy"
$BIN/mypy .
echo "== pytest"
$BIN/pytest "$@"
