from django.db import models


class SkillCategory(models.TextChoices):
    CONTENT = "content", "Content"
    RESEARCH = "research", "Research"
    STRATEGY = "strategy", "Strategy"
    ANALYTICS = "analytics", "Analytics"
    TECHNICAL = "technical", "Technical"
    COMMUNICATION = "communication", "Communication"
    CREATIVE = "creative", "Creative"
    OPERATIONS = "operations", "Operations"


class SkillKind(models.TextChoices):
    COMPUTE = "compute", "Compute (rule-based, no model)"
    LLM = "llm", "LLM (a model writes text)"
    TOOL = "tool", "Tool (reads data or the web)"
