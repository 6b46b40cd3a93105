# syntax=docker/dockerfile:1
# One image for every application service: web (gunicorn), worker and beat (Celery), and the
# one-shot migrate service. See docs/operations.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_MEDIA_ROOT=/app/media

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when the lock changes. Every package is
# checked against its hash in requirements.lock.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# A fixed, unprivileged user: the code belongs to root and stays read-only for the application;
# only the media and beat-schedule directories (volumes in docker-compose.yml) are writable.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

COPY . .

# Static files are collected at build time into /app/staticfiles, with whitenoise's manifest
# (hashed names, compressed copies). The key below exists only for this command: settings refuse
# to load without one when DEBUG is off. The real DJANGO_SECRET_KEY comes from the environment
# at run time and is never part of the image.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
        python manage.py collectstatic --noinput \
    && test -f /app/staticfiles/staticfiles.json \
    && chmod +x docker/entrypoint.sh \
    && mkdir -p /app/media /app/var/beat \
    && chown app:app /app/media /app/var/beat

USER app

EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "--config", "docker/gunicorn.conf.py", "renovation.wsgi:application"]
