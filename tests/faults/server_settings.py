"""Settings of the web servers and Celery workers that the fault tests start as subprocesses.

The test settings (fast password hashing, so that users made by the factories can log in),
except that tasks go through Redis whenever REDIS_URL is set, as in production: the test
settings run every task eagerly in-process.
"""

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = env.bool(  # noqa: F405
    "CELERY_TASK_ALWAYS_EAGER",
    default=not REDIS_URL,  # noqa: F405
)
