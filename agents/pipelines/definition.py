"""A pipeline's definition: its steps, checked when it is saved, and each step's input, assembled when it runs.

A step::

    {"key": "market", "agent": "market_sizer",
     "input": {"industry": {"from": "/input/industry"},            # RFC 6901 pointers into the run's document
               "customers": {"from": "/steps/icp/output/icps/0/name"},
               "horizon_years": {"const": 3}},
     "after": ["icp"],                 # order without data (pointers into /steps/<key> imply it)
     "on_failure": "stop",             # stop | skip (the steps that need it) | continue (without its output)
     "approval": false,                # a person approves the step's output before the steps after it start
     "revise": {"step": "draft", "field": "/grade", "below": "B", "feedback": "/top_fixes", "max": 1}}

The document a pointer reads is ``{"input": <the pipeline run's input>, "foundation": <the workspace's company
foundation>, "steps": {<key>: {"output": <that step's output>}}}``. When the pipeline is saved every pointer is
resolved against the schemas (the pipeline's input schema, the foundation's, the published output schema of the
step's agent) and must land on a field whose JSON type the target field accepts; every required field of an
agent's input must be mapped; the steps must form a graph without cycles. ``revise`` re-runs an earlier step as a
follow-up (its feedback as the instructions) when this step's ``field`` grades below ``below`` (the order is the
field's enum, best first), then this step again, at most ``max`` times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from graphlib import CycleError, TopologicalSorter
from typing import Any

import jsonpointer
from jsonschema import Draft202012Validator

from raptorflow.accounts.schemas import FOUNDATION_SCHEMA

MAX_STEPS = 20

_MAPPING = {
    "oneOf": [
        {"type": "object", "required": ["from"], "additionalProperties": False,
         "properties": {"from": {"type": "string", "pattern": "^/(input|foundation|steps)(/|$)"}}},
        {"type": "object", "required": ["const"], "additionalProperties": False, "properties": {"const": {}}},
    ]
}  # fmt: skip

STEP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["key", "agent"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
        "agent": {"type": "string", "pattern": "^[-a-z0-9_]{1,100}$"},
        "input": {"type": "object", "additionalProperties": _MAPPING},
        "after": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "on_failure": {"enum": ["stop", "skip", "continue"]},
        "approval": {"type": "boolean"},
        "revise": {
            "type": "object",
            "required": ["step", "field", "below"],
            "additionalProperties": False,
            "properties": {
                "step": {"type": "string"},
                "field": {"type": "string", "pattern": "^/"},
                "below": {"type": "string"},
                "feedback": {"type": "string", "pattern": "^/"},
                "max": {"type": "integer", "minimum": 1, "maximum": 3},
            },
        },
    },
}
DEFINITION_SCHEMA: dict[str, Any] = {"type": "array", "minItems": 1, "maxItems": MAX_STEPS, "items": STEP_SCHEMA}
_DEFINITION = Draft202012Validator(DEFINITION_SCHEMA)


class _Missing:
    def __repr__(self) -> str:
        return "missing"


MISSING: Any = _Missing()


def pointer_parts(pointer: str) -> list[str]:
    """The reference tokens of an RFC 6901 pointer (``~1`` is ``/``, ``~0`` is ``~``)."""
    return list(jsonpointer.JsonPointer(pointer).parts)


def step_needs(step: Mapping[str, Any]) -> set[str]:
    """The keys of the steps this one waits for: those its pointers read, and those it names in ``after``."""
    needs = set(step.get("after") or ())
    for mapping in (step.get("input") or {}).values():
        pointer = mapping.get("from") if isinstance(mapping, Mapping) else None
        if isinstance(pointer, str) and pointer.startswith("/steps/"):
            parts = pointer_parts(pointer)
            if len(parts) >= 2:
                needs.add(parts[1])
    return needs


def step_order(steps: Sequence[Mapping[str, Any]]) -> list[str]:
    """The keys in an order where every step comes after the ones it needs (raises CycleError)."""
    graph = {step["key"]: step_needs(step) for step in steps}
    return list(TopologicalSorter(graph).static_order())


def _types(schema: Mapping[str, Any] | None) -> set[str] | None:
    """The JSON types a schema admits, or None when it does not say (any, or a combination)."""
    if not isinstance(schema, Mapping):
        return None
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return set(kind)
    if "enum" in schema:
        return {_json_type(v) for v in schema["enum"]}
    if "const" in schema:
        return {_json_type(schema["const"])}
    return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def schema_at(schema: Mapping[str, Any] | None, parts: list[str]) -> tuple[Mapping[str, Any] | None, str]:
    """The subschema a path leads to: (subschema, "") — subschema None when the schema does not describe it
    (any value may be there) — or (None, problem) when the schema says that the path cannot exist."""
    here: Mapping[str, Any] | None = schema
    for depth, part in enumerate(parts):
        if not isinstance(here, Mapping) or not here:
            return None, ""
        props = here.get("properties")
        if isinstance(props, Mapping) and part in props:
            here = props[part]
            continue
        if "items" in here and (part.isdigit() or part == "-"):
            here = here["items"]
            continue
        extra = here.get("additionalProperties")
        if isinstance(extra, Mapping):
            here = extra
            continue
        path = "/" + "/".join(parts[: depth + 1])
        types = _types(here)
        if extra is False or (types is not None and not types & {"object", "array"}):
            return None, f"the schema has no {path}"
        return None, ""
    return here, ""


def _accepts(target: set[str] | None, source: set[str] | None) -> bool:
    if target is None or source is None:
        return True
    if "number" in target:
        target = target | {"integer"}
    return bool(target & source)


def definition_errors(
    steps: Any,
    *,
    input_schema: Mapping[str, Any],
    agent_schemas: Mapping[str, tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> dict[str, list[str]]:
    """What is wrong with a definition, by where (``steps``, ``steps/<key>/input/<field>`` …); empty when nothing.

    ``agent_schemas``: the (input schema, output schema) of each agent a step may run (their published versions);
    an agent missing from it has no published version."""
    problems: dict[str, list[str]] = {}

    def say(where: str, message: str) -> None:
        problems.setdefault(where, []).append(message)

    shape = sorted(_DEFINITION.iter_errors(steps), key=lambda e: list(e.absolute_path))
    if shape:
        for error in shape[:10]:
            where = "/".join(str(p) for p in error.absolute_path)
            say(f"steps/{where}" if where else "steps", error.message)
        return problems
    _check_graph(steps, say)
    if problems:
        return problems
    by_key = {step["key"]: step for step in steps}
    ancestors: dict[str, set[str]] = {}
    for key in step_order(steps):
        needs = step_needs(by_key[key])
        ancestors[key] = set(needs).union(*(ancestors[n] for n in needs)) if needs else set()
    for step in steps:
        _check_step(step, ancestors[step["key"]], by_key, input_schema, agent_schemas, say)
    return problems


def _check_graph(steps: list[dict[str, Any]], say: Any) -> None:
    """Unique keys, needs that exist, no cycle."""
    keys = [step["key"] for step in steps]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        say("steps", f"Step keys must be unique: {', '.join(duplicates)}.")
        return
    known = set(keys)
    broken = False
    for step in steps:
        for need in sorted(step_needs(step)):
            if need not in known or need == step["key"]:
                broken = True
                say(f"steps/{step['key']}", f"It needs '{need}', which is not another step of the pipeline.")
    if broken:
        return
    try:
        step_order(steps)
    except CycleError as cycle:
        say("steps", f"The steps form a cycle: {' → '.join(cycle.args[1])}.")


def _check_step(step, ancestors, by_key, input_schema, agent_schemas, say) -> None:
    where = f"steps/{step['key']}"
    if step["agent"] not in agent_schemas:
        say(where, f"Agent '{step['agent']}' does not exist or has no published version.")
        return
    target_schema, output_schema = agent_schemas[step["agent"]]
    mappings = step.get("input") or {}
    for field, mapping in mappings.items():
        problem = _mapping_problem(step["agent"], target_schema, field, mapping, by_key, input_schema, agent_schemas)
        if problem:
            say(f"{where}/input/{field}", problem)
    for field in target_schema.get("required") or []:
        if field not in mappings:
            say(f"{where}/input", f"{step['agent']} requires '{field}': map it.")
    if step.get("revise"):
        for problem in _revise_problems(step["revise"], ancestors, step["agent"], output_schema):
            say(f"{where}/revise", problem)


def _mapping_problem(agent, target_schema, field, mapping, by_key, input_schema, agent_schemas) -> str:
    targets = target_schema.get("properties") or {}
    if field not in targets and target_schema.get("additionalProperties") is False:
        return f"{agent}'s input has no field '{field}'."
    if "const" in mapping:
        errors = list(Draft202012Validator(targets.get(field) or {}).iter_errors(mapping["const"]))
        return f"The constant does not fit {agent}'s '{field}': {errors[0].message}." if errors else ""
    source, problem = _pointer_schema(mapping["from"], by_key, input_schema, agent_schemas)
    target_types = _types(targets.get(field))
    if problem or _accepts(target_types, _types(source)):
        return problem
    found, wanted = sorted(_types(source) or []), sorted(target_types or [])
    return f"{mapping['from']} is {found} but {agent}'s '{field}' takes {wanted}."


def _revise_problems(revise, ancestors, agent, output_schema) -> list[str]:
    problems = []
    if revise["step"] not in ancestors:
        problems.append(f"'{revise['step']}' must be a step this one comes after.")
    graded, problem = schema_at(output_schema, pointer_parts(revise["field"]))
    enum = graded.get("enum") if isinstance(graded, Mapping) else None
    if problem or not enum or revise["below"] not in enum:
        problems.append(f"{revise['field']} of {agent}'s output must be an enum holding '{revise['below']}'.")
    if "feedback" in revise:
        _, problem = schema_at(output_schema, pointer_parts(revise["feedback"]))
        if problem:
            problems.append(problem)
    return problems


def _pointer_schema(pointer, by_key, input_schema, agent_schemas) -> tuple[Mapping[str, Any] | None, str]:
    try:
        parts = pointer_parts(pointer)
    except jsonpointer.JsonPointerException as exc:
        return None, f"{pointer} is not a JSON Pointer: {exc}."
    root, rest = parts[0], parts[1:]
    if root == "input":
        return schema_at(input_schema, rest)
    if root == "foundation":
        return schema_at(FOUNDATION_SCHEMA, rest)
    if len(rest) < 2 or rest[1] != "output":
        return None, f"{pointer} must read /steps/<key>/output…"
    source = by_key[rest[0]]  # step_needs made it a dependency: it exists and comes first
    if source["agent"] not in agent_schemas:
        return None, ""  # said at that step
    return schema_at(agent_schemas[source["agent"]][1], rest[2:])


def assemble_input(step: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """The step's input from the run's document. A pointer to nothing (an optional field left out, a step that
    failed and was continued past) leaves its field out: the agent's own schema then says whether that is fine."""
    assembled: dict[str, Any] = {}
    for field, mapping in (step.get("input") or {}).items():
        if "const" in mapping:
            assembled[field] = mapping["const"]
            continue
        value = jsonpointer.resolve_pointer(document, mapping["from"], MISSING)
        if value is not MISSING:
            assembled[field] = value
    return assembled


def grade_below(output: Any, field: str, below: str, enum: list[Any]) -> bool:
    """Whether ``output``'s ``field`` ranks below ``below`` in ``enum`` (best first)."""
    value = jsonpointer.resolve_pointer(output, field, MISSING)
    if value is MISSING or value not in enum or below not in enum:
        return False
    return enum.index(value) > enum.index(below)
