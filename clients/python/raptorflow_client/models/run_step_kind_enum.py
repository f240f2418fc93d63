from enum import StrEnum

class RunStepKindEnum(StrEnum):
    INPUT = "input"
    LLM = "llm"
    SKILL = "skill"
    TOOL = "tool"

    def __str__(self) -> str:
        return str(self.value)
