from enum import StrEnum

class ScopesEnum(StrEnum):
    ADMIN = "admin"
    AGENTSREAD = "agents:read"
    AUDITREAD = "audit:read"
    RUNSAPPROVE = "runs:approve"
    RUNSREAD = "runs:read"
    RUNSWRITE = "runs:write"
    SCHEDULESREAD = "schedules:read"
    SCHEDULESWRITE = "schedules:write"
    WEBHOOKSREAD = "webhooks:read"
    WEBHOOKSWRITE = "webhooks:write"
    WORKSPACEREAD = "workspace:read"

    def __str__(self) -> str:
        return str(self.value)
