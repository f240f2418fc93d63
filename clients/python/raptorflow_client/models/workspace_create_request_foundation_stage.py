from enum import StrEnum

class WorkspaceCreateRequestFoundationStage(StrEnum):
    ENTERPRISE = "enterprise"
    GROWTH = "growth"
    IDEA = "idea"
    PRE_SEED = "pre_seed"
    SEED = "seed"
    SERIES_A = "series_a"

    def __str__(self) -> str:
        return str(self.value)
