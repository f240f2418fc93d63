"""Built-in tools: the workspace's own data, text statistics, and a guarded HTTP fetch."""

from __future__ import annotations

import re
from typing import Any

import textstat

from skills.fetch import fetch_url
from skills.tools import ToolError, tool

_RECENT_RUNS_MAX = 20
# textstat.sentence_count skips sentences under three words; a statistics tool counts them all.
_SENTENCE = re.compile(r"[^.!?]*[A-Za-z0-9\u00C0-\uFFFF][^.!?]*(?:[.!?]+|$)")


_LOOKUP_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "what": {"enum": ["foundation", "runs"], "description": "The company foundation, or earlier results."},
        "agent": {"type": "string", "maxLength": 100, "description": "Only results of this agent (its slug)."},
        "limit": {"type": "integer", "minimum": 1, "maximum": _RECENT_RUNS_MAX},
    },
}
_TEXT_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["text"],
    "properties": {"text": {"type": "string", "maxLength": 100_000}},
}
_FETCH_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["url"],
    "properties": {"url": {"type": "string", "format": "uri", "maxLength": 2000, "description": "http(s) URL"}},
}


@tool("workspace.lookup", input_schema=_LOOKUP_SCHEMA)
def workspace_lookup(data: dict[str, Any], ctx: Any) -> dict[str, Any]:
    """Read-only view of the run's own workspace: its foundation, or outputs of its earlier successful runs.

    Scoped by the run that calls it (the context answers for its own workspace only, see
    skills.registry.SkillContext), so an agent can never read another workspace.
    """
    workspace_runs = getattr(ctx, "workspace_runs", None)
    if workspace_runs is None:
        raise ToolError("workspace.lookup is only available inside a run.")
    if data.get("what", "foundation") == "foundation":
        return {"foundation": ctx.foundation}
    limit = max(1, min(int(data.get("limit", 5)), _RECENT_RUNS_MAX))
    return {"runs": workspace_runs(agent=str(data.get("agent") or ""), limit=limit)}


@tool("text.stats", input_schema=_TEXT_SCHEMA)
def text_stats(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Counts and standard readability formulas (textstat) for a piece of text."""
    text = str(data.get("text", ""))
    words = textstat.lexicon_count(text, removepunct=True)
    has_words = words > 0
    return {
        "characters": len(text),
        "words": words,
        "sentences": len(_SENTENCE.findall(text)) if has_words else 0,
        "paragraphs": len([p for p in text.split("\n\n") if p.strip()]),
        "flesch_reading_ease": round(float(textstat.flesch_reading_ease(text)), 2) if has_words else None,
        "flesch_kincaid_grade": round(float(textstat.flesch_kincaid_grade(text)), 2) if has_words else None,
        "read_time_minutes": round(words / 225, 2),
    }


@tool("http.fetch", input_schema=_FETCH_SCHEMA)
def http_fetch(data: dict[str, Any], ctx: Any = None) -> dict[str, Any]:
    """Fetch a public web page as text. Private, loopback and link-local addresses are refused."""
    return fetch_url(str(data.get("url", "")))
