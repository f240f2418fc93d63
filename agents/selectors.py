"""Reads for agents, versions and runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone

from raptorflow.accounts.models import Workspace
from raptorflow.db import cache_forget

from .choices import FINAL_STATES, InputRequestStatus, RunStatus, VersionStatus
from .models import Agent, AgentVersion, Approval, InputRequest, Run, WorkspaceSpend

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ActiveVersionId(TypedDict):
    active_version_id: int | None


def agentversion_active_id(agent_ref: Any) -> Any:
    """A subquery expression: the id of an agent's latest published version (``agent_ref`` names the agent)."""
    published = AgentVersion.objects.filter(agent=agent_ref, status=VersionStatus.PUBLISHED)
    return Subquery(published.order_by("-number").values("pk")[:1])


def agent_list_with_active_version() -> QuerySet[WithAnnotations[Agent, ActiveVersionId]]:
    """Agents annotated with ``active_version_id``, so resolving one to its version costs no second query."""
    return Agent.objects.annotate(active_version_id=agentversion_active_id(OuterRef("pk")))


# Starting a run looks its agent up by slug: cached in the shared cache with its active version's id, and
# forgotten whenever the agent or one of its versions is saved, deleted or published (agents/signals.py).
AGENT_CACHE_SECONDS = 300


def _agent_cache_key(slug: str) -> str:
    return f"agent:v1:{slug}"


def agent_cache_key(slug: str) -> str:
    """Where agent_get_for_run caches the agent (for a round trip that reads it with other things)."""
    return _agent_cache_key(slug)


def agent_get_for_run(slug: str, *, cached: tuple[bool, Agent | None] = (False, None)) -> Agent | None:
    """The agent named ``slug`` with ``active_version_id``, from the shared cache after the first read.

    ``cached``: (asked, agent) when the caller already asked the cache for ``agent_cache_key(slug)``."""
    key = _agent_cache_key(slug)
    asked, agent = cached
    if not asked:
        agent = cache.get(key)
    if agent is None:
        agent = agent_list_with_active_version().filter(slug=slug).first()
        if agent is None:
            return None
        cache.set(key, agent, AGENT_CACHE_SECONDS)
    return agent


def agent_cache_forget(slug: str) -> None:
    """Drop the cached agent (see raptorflow.db.cache_forget)."""
    cache_forget([_agent_cache_key(slug)])


def agentversion_active(agent: Agent) -> AgentVersion | None:
    """The version new runs of ``agent`` use: its latest published one."""
    if hasattr(agent, "active_version_id"):
        version_id = agent.active_version_id
    else:  # not loaded through agent_list_with_active_version
        version_id = agent_list_with_active_version().only("pk").get(pk=agent.pk).active_version_id
    return agentversion_published(version_id) if version_id is not None else None


# Published versions never change (AgentVersion.save and delete refuse), so each process keeps the ones it
# has used, with their compiled input validators: starting a run reads no version row and compiles no schema.
_PUBLISHED_CACHE_SIZE = 512
_published: dict[int, AgentVersion] = {}


def agentversion_published(version_id: int) -> AgentVersion | None:
    """A published version by id, from this process's memo after the first read."""
    version = _published.get(version_id)
    if version is None:
        version = (
            AgentVersion.objects.select_related("agent").filter(pk=version_id, status=VersionStatus.PUBLISHED).first()
        )
        if version is None:
            return None
        if len(_published) >= _PUBLISHED_CACHE_SIZE:
            _published.clear()
        _published[version_id] = version
    return version


def run_attach_versions(runs: list[Run]) -> list[Run]:
    """Give each run its (published, memoised) version and agent without a query; others load as usual."""
    for run in runs:
        if not Run.agent_version.is_cached(run) and (version := agentversion_published(run.agent_version_id)):
            Run.agent_version.field.set_cached_value(run, version)
    return runs


def run_attach_approvals(run: Run) -> Run:
    """Load a run's approvals (with who decided), or none without any work when there cannot be any.

    Only a version that ``requires_approval`` (a gate on the output) or offers ``model_tools`` (a gate on a
    sensitive call the model makes) can gate its runs, and published versions cannot change, so for every other
    run the list is known to be empty. It is put where Django keeps prefetched rows (``run.approvals.all()``
    reads it): prefetching an empty queryset would still build its SQL, a sixth of a run request's time.
    """
    if run.agent_version.requires_approval or run.agent_version.model_tools:
        prefetch_related_objects([run], Prefetch("approvals", queryset=Approval.objects.select_related("decided_by")))
    else:
        run._prefetched_objects_cache = {  # type: ignore[attr-defined]  # Django's, private: not in the stubs
            **getattr(run, "_prefetched_objects_cache", {}),
            "approvals": Approval.objects.none(),
        }
    return run


def run_attach_input_request(run: Run) -> Run:
    """Set ``run.input_request``: the questions the run waits on. Only a run awaiting input has any, so for the
    others it costs no query."""
    waiting = run.status == RunStatus.AWAITING_INPUT
    pending = InputRequest.objects.filter(run=run, status=InputRequestStatus.PENDING) if waiting else None
    run.input_request = pending.first() if pending is not None else None  # type: ignore[attr-defined]
    return run


def agentversion_forget_published() -> None:
    """Empty this process's memo (tests that reuse ids across rolled-back transactions)."""
    _published.clear()


def month_start(at: datetime) -> date:
    """The first day of ``at``'s UTC month: the key of the spend ledger."""
    return at.astimezone(UTC).date().replace(day=1)


_SPEND_SQL = "SELECT amount + reserved FROM {table} WHERE workspace_id = %s AND month = %s"


def workspace_month_spend(workspace: Workspace | int, *, now: datetime | None = None) -> Decimal:
    """What the workspace's runs started this UTC month have cost, from the running total, plus the worst cases
    of paid calls in flight (held until they are settled).

    Read before every run and every paid call, so written as the one-row SQL it is (a quarter of the
    ORM's cost to build the same statement).
    """
    workspace_id = workspace.pk if isinstance(workspace, Workspace) else workspace
    month = month_start(now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_SPEND_SQL.format(table=WorkspaceSpend._meta.db_table), [workspace_id, month])
        row = cursor.fetchone()
    # to_python: SQLite hands back a float, which the field rounds to its precision as the ORM would.
    return WorkspaceSpend._meta.get_field("amount").to_python(row[0]) if row else Decimal("0")


THREAD_MAX = 200


def run_thread(run: Run) -> list[Run]:
    """The follow-up chain ``run`` belongs to: from its first run, every follow-up of it (and theirs), oldest
    first. Walks up the parents (at most THREAD_MAX), then down by levels, within the run's workspace."""
    root, seen = run, {run.pk}
    while root.parent_id is not None and len(seen) < THREAD_MAX:
        parent = Run.objects.filter(pk=root.parent_id, workspace_id=run.workspace_id).first()
        if parent is None or parent.pk in seen:
            break
        root = parent
        seen.add(parent.pk)
    thread, level = [root], [root.pk]
    while level and len(thread) < THREAD_MAX:
        children = list(Run.objects.filter(parent_id__in=level, workspace_id=run.workspace_id).order_by("created_at"))
        thread += children
        level = [child.pk for child in children]
    return sorted(thread[:THREAD_MAX], key=lambda r: r.created_at)


# --- Finished runs' bodies ---------------------------------------------------------------------------------------
# GET /runs/{id} of a run in a final state answers from the shared cache: the serialised body, its ETag and the
# workspace it belongs to, per run (decision 0031). Authentication, the key's scope and the workspace check still
# run on every request; a cached body of another workspace's run is never served (the workspace is compared, and a
# miss reads through the workspace's queryset, a 404). Forgotten when anything in it can change: retention purges
# the run's steps, a late event or charge reaches a final run (a worker the sweeper gave up on), the run moves out
# of a final state, or an agent is saved (its slug is in the body: one generation for all bodies, read in the
# same multi-get). Runs of versions that can gate (approvals name who decided; a rename would change the body)
# are not cached. The TTL only bounds a write that bypasses all of these (raw SQL).
RUN_BODY_CACHE_SECONDS = 3600
_RUN_BODY_GENERATION = "run-body:gen"


def _run_body_key(run_id: Any) -> str:
    return f"run-body:v1:{run_id}"


def run_body_cache_keys(run_id: Any) -> list[str]:
    """The cache keys run_body_cached reads (for a round trip that reads them with other things)."""
    return [_run_body_key(run_id), _RUN_BODY_GENERATION]


def run_body_cached(
    run_id: Any, workspace_id: int, *, found: Mapping[str, Any] | None = None
) -> tuple[str, bytes] | None:
    """(etag, body) of a finished run of this workspace, when cached and current; else None (read it).

    ``found``: what the cache answered for ``run_body_cache_keys(run_id)``, when the caller asked already."""
    key = _run_body_key(run_id)
    if found is None:
        found = cache.get_many(run_body_cache_keys(run_id))
    entry, generation = found.get(key), found.get(_RUN_BODY_GENERATION)
    if entry is None or generation is None:
        return None
    entry_workspace, entry_generation, etag, body = entry
    if entry_workspace != workspace_id or entry_generation != generation:
        return None
    return etag, body


def run_body_cacheable(run: Run) -> bool:
    """Whether the body of ``run`` (as just read) may be cached: final, and of a version that cannot gate."""
    version = run.agent_version
    return run.status in FINAL_STATES and not (version.requires_approval or version.model_tools)


def run_body_store(run: Run, etag: str, body: bytes) -> None:
    generation = cache.get(_RUN_BODY_GENERATION)
    if generation is None:
        cache.add(_RUN_BODY_GENERATION, uuid.uuid4().hex, None)
        generation = cache.get(_RUN_BODY_GENERATION)
    cache.set(_run_body_key(run.pk), (run.workspace_id, generation, etag, body), RUN_BODY_CACHE_SECONDS)


def run_body_forget(run_ids: Iterable[Any]) -> None:
    """Drop the cached bodies of these runs, now and again after the transaction commits (raptorflow.db)."""
    cache_forget([_run_body_key(run_id) for run_id in run_ids])


def run_body_forget_all() -> None:
    """A new generation: every cached body is stale (an agent's slug, which every body shows, may have changed)."""
    cache.set(_RUN_BODY_GENERATION, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(_RUN_BODY_GENERATION, uuid.uuid4().hex, None))
