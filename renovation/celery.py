"""The Celery application.

With REDIS_URL unset, settings make every task run eagerly in-process (the embedded default),
so `make run` needs no broker. The beat schedule grows with the rollup issue; each entry says
when it runs and why.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation.settings")

app = Celery("renovation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {}
