"""Schedules: a workspace's standing orders to run an agent (later a pipeline) with a fixed input on a cron.

Rooms, as in every app: ``models`` (Schedule, importable from agents.models), ``choices``, ``cron`` (pure time
arithmetic, no database), ``services`` (writes, audited; the beat tick and ``schedule_fire``), ``selectors``,
``admin`` and ``api``. Decision 0030 says why this is our own table plus a beat tick, not django-celery-beat.
"""
