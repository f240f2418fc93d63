from enum import StrEnum

class SkillsListCategory(StrEnum):
    ANALYTICS = "analytics"
    COMMUNICATION = "communication"
    CONTENT = "content"
    CREATIVE = "creative"
    OPERATIONS = "operations"
    RESEARCH = "research"
    STRATEGY = "strategy"
    TECHNICAL = "technical"

    def __str__(self) -> str:
        return str(self.value)
