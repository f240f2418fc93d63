"""Runs: one package owns a run from its creation to its final state.

- ``lifecycle``: the only writer of a run's status, attempts, heartbeats, events, charges and approvals.
- ``services``: what callers ask for (create, cancel, approve, reject) and sending a run to a worker.
- ``runtime``: executing a claimed run step by step (the worker's side).
- ``sweeper``: recovery of lost messages, dead workers, expired or missing approvals.
- ``events``: reading a run's event stream (API, SSE stream and admin share it).
- ``retention``: purging old run details, and runs' part of a workspace export or deletion.
- ``errors``: the errors callers see, and the runtime's stop signals.

Models and Celery task names stay where they were (``agents.models``, ``agents.tasks``): moving them would
mean migrations and stranded queued messages for no gain.
"""
