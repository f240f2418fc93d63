from enum import StrEnum

class TargetKindEnum(StrEnum):
    AGENT = "agent"
    PIPELINE = "pipeline"

    def __str__(self) -> str:
        return str(self.value)
