"""A bare Django + DRF + Celery app: the baseline the benchmark compares Raptorflow against.

Run from the ``bench/`` directory (so that ``baseline`` is importable), with the same gunicorn settings:

    cd bench && DJANGO_SETTINGS_MODULE=baseline.settings \
        ../.venv/bin/gunicorn -c ../deploy/gunicorn.conf.py baseline.wsgi:application
    cd bench && ../.venv/bin/celery -A baseline.celery_app worker --queues=baseline --concurrency=2

Environment: BASELINE_DATABASE_URL (PostgreSQL), BASELINE_BROKER_URL (Redis).
"""

from .celery_app import app as celery_app

__all__ = ["celery_app"]
