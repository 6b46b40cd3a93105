#!/bin/sh
# Entrypoint of the application image (web, worker, beat, migrate): optional start-up steps,
# then exec the command, so that it runs as PID 1 and receives the stop signal itself.
#
# docker-compose.yml migrates once, in its one-shot `migrate` service, before web, worker and
# beat start; it sets neither variable below. They are for running the image on its own:
#   DJANGO_MIGRATE=1        apply migrations first (under a PostgreSQL advisory lock, so that
#                           several containers starting together migrate one after another)
#   DJANGO_COLLECTSTATIC=1  collect static files first (the image already holds them, collected
#                           at build time; only needed when the code is mounted over /app)
set -eu

if [ "${DJANGO_MIGRATE:-0}" = "1" ]; then
    python "$(dirname "$0")/migrate.py"
fi

if [ "${DJANGO_COLLECTSTATIC:-0}" = "1" ]; then
    python manage.py collectstatic --noinput
fi

exec "$@"
