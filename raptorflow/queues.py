"""The Celery queues: their names (one enum, used by settings, the Celery app and every sender), and how many
messages wait in each, read straight from the broker.

Used by the /metrics scrape (raptorflow.metrics) and the admin status page, so
both show the same numbers. Read at call time, never cached: a queue that
grows is exactly what an operator is looking for.

- Redis: ``LLEN`` of the queue's list, plus the lists kombu keeps for message
  priorities (``<queue>\\x06\\x16<n>``), so a prioritised message is not missed.
- The embedded filesystem broker: the message files of the queue in its
  ``data_folder_in`` (kombu names them ``<time>_<uuid>.<queue>.msg``).
- Anything else kombu speaks (AMQP, ...): a passive queue declare, which
  reports the message count without creating the queue.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from enum import StrEnum

from django.conf import settings
from kombu import Connection
from kombu.transport.redis import PRIORITY_STEPS, Channel


class QueueName(StrEnum):
    """Every queue a task is sent to. Workers are started per queue (``--queues=runs,…``)."""

    RUNS = "runs"
    MAINTENANCE = "maintenance"
    ANALYTICS = "analytics"
    WEBHOOKS = "webhooks"  # outbound HTTP to customers' receivers: slow answers must not hold up runs


QUEUES: tuple[str, ...] = tuple(QueueName)

# Seconds: a status page or a scrape must not hang on an unreachable broker.
BROKER_TIMEOUT_SECONDS = 2.0


def queue_depths(queues: Iterable[str] = QUEUES) -> dict[str, int]:
    """Messages waiting per queue (not counting those a worker has taken). Raises if the broker is unreachable."""
    names = list(queues)
    url = settings.CELERY_BROKER_URL
    scheme = url.split("://", 1)[0]
    if scheme in {"redis", "rediss"}:
        return _redis_depths(url, names)
    if scheme == "filesystem":
        return _filesystem_depths(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"], names)
    return _kombu_depths(url, names)


def _redis_depths(url: str, names: list[str]) -> dict[str, int]:
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=BROKER_TIMEOUT_SECONDS, socket_timeout=BROKER_TIMEOUT_SECONDS
    )
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                for key in _redis_keys(name):
                    pipe.llen(key)
            sizes = pipe.execute()
    finally:
        client.close()
    per_queue = len(PRIORITY_STEPS)
    return {name: sum(sizes[i * per_queue : (i + 1) * per_queue]) for i, name in enumerate(names)}


def _redis_keys(queue: str) -> list[str]:
    # Mirrors kombu's Channel._q_for_pri: priority 0 is the bare queue name.
    return [f"{queue}{Channel.sep}{step}" if step else queue for step in PRIORITY_STEPS]


def _filesystem_depths(folder: str, names: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(names, 0)
    for filename in os.listdir(folder):
        # Same test as kombu's filesystem Channel._size: everything after the first dot is "<queue>.msg".
        queue, _, suffix = filename.partition(".")[2].rpartition(".")
        if suffix == "msg" and queue in counts:
            counts[queue] += 1
    return counts


def _kombu_depths(url: str, names: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with Connection(
        url, connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS
    ) as conn:
        channel = conn.default_channel
        for name in names:
            try:
                counts[name] = channel.queue_declare(queue=name, passive=True).message_count
            except conn.channel_errors:  # the queue was never declared: nothing was ever sent to it
                counts[name] = 0
                channel = conn.channel()  # AMQP closes a channel on a failed passive declare
    return counts
