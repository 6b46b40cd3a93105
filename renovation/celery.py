"""The Celery application.

Broker and result backend are Redis (REDIS_URL); with REDIS_URL unset, settings make every task
run eagerly in-process (the embedded default), so `make run` needs no broker. Serialisation is
JSON only, time limits and acks_late come from the CELERY_* settings. Run the schedule below
with `celery -A renovation beat` next to the workers (`celery -A renovation worker`).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renovation.settings")

app = Celery("renovation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Times are in CELERY_TIMEZONE (the platform's TIME_ZONE, Asia/Shanghai by default).
app.conf.beat_schedule = {
    # 02:00 every night: recompute every scope's statistics from source and write the day's
    # snapshots, the points of the trend charts. Also catches changes made outside the services
    # (admin, imports), which mark nothing dirty.
    "rollup-full-nightly": {
        "task": "reporting.tasks.rollup_full_task",
        "schedule": crontab(hour=2, minute=0),
    },
    # Every 5 minutes: refresh scopes still marked dirty. Changes queue their own refresh
    # after commit; this catches up when that could not be queued (broker down) or failed.
    "rollup-drain-dirty": {
        "task": "reporting.tasks.rollup_refresh_task",
        "schedule": crontab(minute="*/5"),
    },
    # 07:30 every day, before the offices open: reminders (overdue progress reports, problems
    # open past a day, surveys below threshold, disclosures closing) as in-app notifications and
    # one summary e-mail per person. Idempotent: a rerun the same day sends nothing new.
    "reminders-daily": {
        "task": "reporting.tasks.reminders_generate_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # 03:15 every night: delete ledger export files older than RENOVATION_EXPORT_KEEP_DAYS.
    "export-jobs-prune": {
        "task": "reporting.tasks.export_jobs_prune_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # 03:30 every Sunday: forget rollup run records older than 30 days (snapshots are kept).
    "rollup-prune-runs": {
        "task": "reporting.tasks.rollup_prune_task",
        "schedule": crontab(hour=3, minute=30, day_of_week="sun"),
    },
    # 03:45 every night: snapshots older than 90 days thinned to the last one of each month.
    "snapshot-prune": {
        "task": "reporting.tasks.snapshot_prune_task",
        "schedule": crontab(hour=3, minute=45),
    },
}
