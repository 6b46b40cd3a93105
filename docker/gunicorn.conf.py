"""gunicorn settings for the web container (`gunicorn --config docker/gunicorn.conf.py ...`).

Every value can be changed through the environment; see docs/operations.md.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Worker processes: about 2 per CPU core available to the container is a good start.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Seconds a request may take: ledger exports below RENOVATION_EXPORT_ASYNC_COMPOUNDS compounds
# and census imports are written in the request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then, so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on the container's overlay file system (gunicorn's advice for
# containers; nothing is read back from there).
SHM = "/dev/shm"  # nosec B108
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
