"""The pipelines Raptorflow ships, kept in code and mirrored into the tables by ``pipeline_sync`` (run by
``seed_demo``), like the agents (agent_sync): a definition that changed becomes a new published version.

The pipelines' input fields take their schemas from the agents that read them, so a field the pipeline passes on
is checked as that agent checks it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agents import registry
from raptorflow.audit.actors import Actor

from .models import Pipeline
from .services import pipeline_define, pipeline_publish, pipeline_version_live


def _field(agent: str, name: str, **changes: Any) -> dict[str, Any]:
    return {**registry.get(agent).input_schema["properties"][name], **changes}


def _from(pointer: str) -> dict[str, str]:
    return {"from": pointer}


FIRST_ICP = "/steps/icp/output/icps/0/name"
# What the market sizer needs to count the obtainable market (it asks for them when they are missing).
MARKET_CAPACITY = ("sales_reps", "deals_per_rep_per_year", "horizon_years")


def go_to_market() -> dict[str, Any]:
    """ICPs, then the market's size and the positioning (in parallel), then channels, then a campaign."""
    return {
        "slug": "go-to-market-plan",
        "name": "Go-to-market plan",
        "description": "ICPs from the company's foundation; the market sized and the positioning written for the "
        "first ICP; channels for the team and budget; a campaign for them.",
        "budget": Decimal("5.00"),
        "input_schema": {
            "type": "object",
            "additionalProperties": False,
            "required": ["industry", "monthly_budget", "team_size", "objective", "campaign_budget", "start_date"],
            "properties": {
                "industry": _field("market_sizer", "industry", description="The industry of your customers."),
                "geography": _field("market_sizer", "geography"),
                "price": _field("market_sizer", "price"),
                "naics_codes": _field("market_sizer", "naics_codes"),
                "accounts": _field("market_sizer", "accounts"),
                **{name: _field("market_sizer", name) for name in MARKET_CAPACITY},
                "competitors": _field("positioning_strategist", "competitors"),
                "differentiators": _field("positioning_strategist", "differentiators"),
                "offer": _field("channel_strategist", "offer"),
                "monthly_budget": _field("channel_strategist", "budget", description="Monthly marketing budget."),
                "team_size": _field("channel_strategist", "team_size"),
                "objective": _field("campaign_planner", "objective"),
                "campaign_budget": _field("campaign_planner", "total_budget"),
                "start_date": _field("campaign_planner", "start_date"),
                "duration_days": _field("campaign_planner", "duration_days"),
                "campaign_channels": _field("campaign_planner", "channels"),
                "campaign_weights": _field("campaign_planner", "weights"),
                "cost_per_lead": _field("campaign_planner", "cost_per_lead"),
            },
        },
        "steps": [
            {"key": "icp", "agent": "icp_architect", "input": {}},
            {
                "key": "market",
                "agent": "market_sizer",
                "input": {
                    "industry": _from("/input/industry"),
                    "customers": _from(FIRST_ICP),
                    "geography": _from("/input/geography"),
                    "price": _from("/input/price"),
                    "naics_codes": _from("/input/naics_codes"),
                    "accounts": _from("/input/accounts"),
                    **{name: _from(f"/input/{name}") for name in MARKET_CAPACITY},
                },
            },
            {
                "key": "positioning",
                "agent": "positioning_strategist",
                "input": {
                    "audience": _from(FIRST_ICP),
                    "competitors": _from("/input/competitors"),
                    "differentiators": _from("/input/differentiators"),
                },
            },
            {
                "key": "channels",
                "agent": "channel_strategist",
                "after": ["market", "positioning"],
                "input": {
                    "budget": _from("/input/monthly_budget"),
                    "team_size": _from("/input/team_size"),
                    "offer": _from("/input/offer"),
                },
            },
            {
                "key": "campaign",
                "agent": "campaign_planner",
                "after": ["channels"],  # its audience comes from the market step
                "input": {
                    "objective": _from("/input/objective"),
                    "total_budget": _from("/input/campaign_budget"),
                    "start_date": _from("/input/start_date"),
                    "duration_days": _from("/input/duration_days"),
                    "audience": _from(FIRST_ICP),
                    # The campaign can reach at most the serviceable market the sizer counted.
                    "audience_size": _from("/steps/market/output/sam/accounts"),
                    "channels": _from("/input/campaign_channels"),
                    "weights": _from("/input/campaign_weights"),
                    "cost_per_lead": _from("/input/cost_per_lead"),
                    "offer": _from("/input/offer"),
                },
            },
        ],
    }


def publish_ready_post() -> dict[str, Any]:
    """A post written, then checked; below a B, written again with the check's findings, and checked again."""
    return {
        "slug": "publish-ready-post",
        "name": "Publish-ready post",
        "description": "The content creator writes (or checks your draft); the quality checker grades it, and a "
        "grade below B sends it back once with the checker's top fixes as the instructions.",
        "budget": Decimal("2.00"),
        "input_schema": {
            "type": "object",
            "additionalProperties": False,
            "required": ["type", "topic"],
            "properties": {
                name: _field("content_creator", name)
                for name in ("type", "topic", "tone", "audience", "keywords", "platform", "length", "draft")
            },
        },
        "steps": [
            {
                "key": "draft",
                "agent": "content_creator",
                "input": {
                    name: _from(f"/input/{name}")
                    for name in ("type", "topic", "tone", "audience", "keywords", "platform", "length", "draft")
                },
            },
            {
                "key": "check",
                "agent": "quality_checker",
                "input": {
                    "content": _from("/steps/draft/output/content"),
                    "type": _from("/steps/draft/output/type"),
                    "keywords": _from("/input/keywords"),
                    "tone": _from("/input/tone"),
                },
                "revise": {"step": "draft", "field": "/grade", "below": "B", "feedback": "/top_fixes", "max": 1},
            },
        ],
    }


BUILTIN = (go_to_market, publish_ready_post)


def pipeline_sync(*, actor: Actor) -> list[str]:
    """Publish a new version of each shipped pipeline whose definition differs from its live one. Returns the
    slugs it published."""
    published = []
    for make in BUILTIN:
        spec = make()
        pipeline = Pipeline.objects.filter(workspace=None, slug=spec["slug"]).first()
        live = pipeline_version_live(pipeline) if pipeline else None
        if live is not None and (live.steps, live.input_schema, live.budget) == (
            spec["steps"], spec["input_schema"], spec["budget"]
        ):  # fmt: skip
            continue
        version = pipeline_define(
            workspace=None,
            slug=spec["slug"],
            name=spec["name"],
            description=spec["description"],
            input_schema=spec["input_schema"],
            steps=spec["steps"],
            budget=spec["budget"],
            actor=actor,
            notes="Shipped with Raptorflow (agents/pipelines/builtin.py).",
        )
        pipeline_publish(version=version, actor=actor)
        published.append(spec["slug"])
    return published
