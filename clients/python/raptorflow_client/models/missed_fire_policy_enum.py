from enum import StrEnum

class MissedFirePolicyEnum(StrEnum):
    RUN_ONCE = "run_once"
    SKIP = "skip"

    def __str__(self) -> str:
        return str(self.value)
