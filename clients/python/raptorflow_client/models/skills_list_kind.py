from enum import StrEnum

class SkillsListKind(StrEnum):
    COMPUTE = "compute"
    LLM = "llm"
    TOOL = "tool"

    def __str__(self) -> str:
        return str(self.value)
