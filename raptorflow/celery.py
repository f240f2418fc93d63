"""The Celery application. Configuration lives in raptorflow/settings/celery.py (CELERY_*)."""

from __future__ import annotations

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raptorflow.settings")

QUEUES = ("runs", "maintenance", "analytics")

app = Celery("raptorflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
# One direct exchange per queue, routing key = queue name: a message sent to a queue lands in that queue only.
app.conf.task_queues = [Queue(name, Exchange(name, type="direct"), routing_key=name) for name in QUEUES]
app.autodiscover_tasks()
