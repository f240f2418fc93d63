"""Small database helpers the ORM does not offer, and cache invalidation tied to transactions."""

from __future__ import annotations

from typing import Any, cast

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.sql import UpdateQuery


def update_returning(queryset: QuerySet, returning: tuple[str, ...], **values: Any) -> list[tuple[Any, ...]]:
    """``queryset.update(**values)`` that also returns ``returning`` columns of the updated rows, in one statement.

    An UPDATE ... RETURNING (PostgreSQL, and SQLite from 3.35): a counter bumped and
    read, or a row touched and its state read, without a second round trip. The
    UPDATE is compiled by Django, so F() expressions and lookups work as in update().
    """
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))  # chain(klass) returns a klass
    query.add_update_values(values)
    connection = connections[queryset.db]
    sql, params = query.get_compiler(queryset.db).as_sql()
    if not sql:
        return []
    meta = queryset.model._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in returning)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {columns}", params)
        return cursor.fetchall()


def cache_forget(keys: list[str]) -> None:
    """Delete cached copies of rows being changed: now, and again once the surrounding transaction commits.

    Twice, because a request that read the old row before the commit could cache it again in between.
    """
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
