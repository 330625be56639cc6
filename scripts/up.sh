#!/usr/bin/env bash
# `make up`: Nexus as a company runs it on one machine. Gunicorn workers, a Celery worker and
# Celery beat (Procfile, run by honcho) on the PostgreSQL and Redis of the environment; static
# files served by WhiteNoise. Ctrl-C stops all three. See docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(.venv/bin/python scripts/production_env.py)"
echo "== database: ${DATABASE_URL%%@*}@…  cache: ${CACHE_URL}  broker: ${CELERY_BROKER_URL}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
echo "== serving on http://${NEXUS_BIND:-127.0.0.1:8000}/ (admin at /admin/, readiness at /health/ready/)"
exec .venv/bin/honcho start -f Procfile
