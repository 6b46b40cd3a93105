#!/bin/sh
# Container entrypoint. For the web service (DJANGO_MIGRATE=1) apply migrations and collect
# static files before starting; worker and beat start directly. Then exec the given command.
set -eu

if [ "${DJANGO_MIGRATE:-0}" = "1" ]; then
    python manage.py migrate --noinput
    python manage.py collectstatic --noinput
fi

exec "$@"
