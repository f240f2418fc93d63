"""Launch readiness: are we ready to launch, what blocks us, and how long until we are?

The eighteen checklist items, their categories and which are critical are in
skills/library/readiness.py. An item left out of the answers counts as 0 (not
started) and is listed as unanswered, so a half-filled checklist never looks
readier than it is.
"""

from __future__ import annotations

from typing import Any

from agents.registry import AgentContext, AgentSpec, register
from skills import registry as skills

_ASSESS = skills.get("readiness.assess")


def run(ctx: AgentContext, data: dict[str, Any]) -> dict[str, Any]:
    """One rule-based assessment; nothing here needs a model."""
    return ctx.skill("readiness.assess", data)


SPEC = register(
    AgentSpec(
        slug="launch_readiness",
        name="Launch readiness",
        category="operations",
        description="Scores an 18-item launch checklist (0–100 per item) across product, marketing, sales, "
        "support, legal, operations and analytics, and says whether you are ready, what blocks you and how long "
        "until you are.",
        input_schema=_ASSESS.input_schema,
        output_schema=_ASSESS.output_schema,
        skills=("readiness.assess",),
        routing_examples=(
            "are we ready to launch?",
            "launch readiness check",
            "what's blocking our go-live",
            "score our launch checklist",
            "how many weeks until we can ship publicly",
            "we've finished QA and pricing but not the help docs, can we launch next week?",
            "go/no-go assessment for the product launch",
            "which launch tasks are critical and still incomplete",
            "rate our readiness across product, legal, support and analytics",
            "is anything missing before we announce on Product Hunt?",
            "pre-launch audit: terms, billing, tracking, support",
            "how far are we from being launch ready",
            "check if our beta is ready to open to everyone",
        ),
        system_prompt="You assess launch readiness from the team's own checklist scores. You never invent scores.",
        run=run,
        example_input={
            "answers": {
                "core_features": 90,
                "qa_passed": 75,
                "onboarding": 60,
                "positioning": 80,
                "website": 85,
                "launch_content": 50,
                "pricing": 65,
                "sales_materials": 40,
                "help_docs": 20,
                "support_channel": 70,
                "terms_privacy": 100,
                "compliance": 60,
                "trademark": 80,
                "billing": 90,
                "infrastructure": 70,
                "incident_plan": 30,
                "tracking": 80,
                "dashboard": 50,
            }
        },
    )
)
