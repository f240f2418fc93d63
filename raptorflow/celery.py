"""The Celery application. Configuration lives in raptorflow/settings/celery.py (CELERY_*)."""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")

app = Celery("raptorflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("runs", "maintenance", "analytics")]
app.autodiscover_tasks()
