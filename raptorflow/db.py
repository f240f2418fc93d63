"""Small database helpers the ORM does not offer, and cache invalidation tied to transactions."""

from __future__ import annotations

from typing import Any, cast

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.sql import UpdateQuery


def update_returning(
    queryset: QuerySet, returning: tuple[str, ...], *, notify: tuple[str, tuple[str, ...]] | None = None, **values: Any
) -> list[tuple[Any, ...]]:
    """``queryset.update(**values)`` that also returns ``returning`` columns of the updated rows, in one statement.

    An UPDATE ... RETURNING (PostgreSQL, and SQLite from 3.35): a counter bumped and
    read, or a row touched and its state read, without a second round trip. The
    UPDATE is compiled by Django, so F() expressions and lookups work as in update().

    ``notify=(channel, fields)``: on PostgreSQL, also ``pg_notify(channel, …)`` for every updated row, with those
    fields' values (NULLs left out) joined by spaces as the payload, in the same statement. PostgreSQL delivers a
    notification when, and only if, the transaction commits. Elsewhere nothing is sent.
    """
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))  # chain(klass) returns a klass
    query.add_update_values(values)
    connection = connections[queryset.db]
    sql, params = query.get_compiler(queryset.db).as_sql()
    if not sql:
        return []
    meta = queryset.model._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in returning)
    notifying = False
    if notify is not None and connection.vendor == "postgresql":
        channel, fields = notify
        notifying = True
        payload = ", ".join(f"{connection.ops.quote_name(meta.get_field(name).column)}::text" for name in fields)
        columns, params = f"{columns}, pg_notify(%s, concat_ws(' ', {payload}))", (*params, channel)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {columns}", params)
        rows = cursor.fetchall()
    return [row[:-1] for row in rows] if notifying else rows  # pg_notify's empty column is not the caller's


def cache_forget(keys: list[str]) -> None:
    """Delete cached copies of rows being changed: now, and again once the surrounding transaction commits.

    Twice, because a request that read the old row before the commit could cache it again in between.
    """
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
