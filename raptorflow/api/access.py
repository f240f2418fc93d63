"""Who may do what: a membership role for people, a scope for API keys.

Every endpoint action names one Access; a person needs at least its role in
the workspace, an API key needs its scope (the `admin` scope implies all).
"""

from __future__ import annotations

from dataclasses import dataclass

from raptorflow.accounts.choices import Role, Scope

ROLE_RANK: dict[str, int] = {Role.VIEWER: 0, Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}


@dataclass(frozen=True)
class Access:
    role: str
    scope: str

    def allows_role(self, role: str | None) -> bool:
        return role is not None and ROLE_RANK[role] >= ROLE_RANK[self.role]


READ_WORKSPACE = Access(Role.VIEWER, Scope.WORKSPACE_READ)
READ_RUNS = Access(Role.VIEWER, Scope.RUNS_READ)
WRITE_RUNS = Access(Role.MEMBER, Scope.RUNS_WRITE)
READ_AGENTS = Access(Role.VIEWER, Scope.AGENTS_READ)
# A schedule starts runs on its own, every time it fires: its own scope, so that a key that may start one run is not
# by that alone allowed to set up a standing order (agents/schedules, decision 0030).
READ_SCHEDULES = Access(Role.VIEWER, Scope.SCHEDULES_READ)
WRITE_SCHEDULES = Access(Role.MEMBER, Scope.SCHEDULES_WRITE)
READ_AUDIT = Access(Role.ADMIN, Scope.AUDIT_READ)
MANAGE = Access(Role.ADMIN, Scope.ADMIN)
# Webhook endpoints say where the workspace's events go and hold signing secrets: admins and owners only.
READ_WEBHOOKS = Access(Role.ADMIN, Scope.WEBHOOKS_READ)
WRITE_WEBHOOKS = Access(Role.ADMIN, Scope.WEBHOOKS_WRITE)
# A decision on a gated run is a separate duty from starting one (issue: separation of duties): an admin or
# owner, or a key given runs:approve; and never the person or key that started the run (agents/runs/services).
APPROVE_RUNS = Access(Role.ADMIN, Scope.RUNS_APPROVE)
