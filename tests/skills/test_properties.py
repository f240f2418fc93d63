"""Every skill handles any schema-valid input — empty, very long, any Unicode — and keeps its output in range.

Inputs are generated from each skill's own input schema (hypothesis-jsonschema); the
output must validate against the skill's output schema, which declares the range of
every score, and must be storable as JSON (no NaN or infinity, which a schema's "number"
lets through). A new skill is covered the moment it is registered. This is the one place
skills are property-tested; the per-agent modules test their skills' hand-worked numbers.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator

from skills import registry
from tests.conftest import OfflineSkillContext

SPECS = registry.all_specs()
LONG_UNICODE = "Ünïcödé 文字 🚀 — naïve café. " * 2000  # ~60k characters of mixed scripts and emoji


def _check(spec, data: dict[str, Any]) -> None:
    output = spec.func(data, OfflineSkillContext())
    errors = sorted(Draft202012Validator(spec.output_schema).iter_errors(output), key=str)
    where = "/".join(map(str, errors[0].absolute_path)) if errors else ""
    assert not errors, f"{spec.slug} output at {where!r} breaks its schema ({errors[0].message}) for {str(data)[:2000]}"
    json.dumps(output, allow_nan=False)


def _stretch(schema: dict[str, Any], value: Any, filler: str) -> Any:
    """The same input with every string replaced by `filler` cut to the schema's maxLength (empty stays valid)."""
    if isinstance(value, str) and "enum" not in schema and "format" not in schema and "pattern" not in schema:
        limit = schema.get("maxLength", len(filler))
        return filler[: max(limit, schema.get("minLength", 0))] if filler else value[: schema.get("minLength", 0)]
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return {k: _stretch(props.get(k, {}), v, filler) for k, v in value.items()}
    if isinstance(value, list):
        return [_stretch(schema.get("items", {}), v, filler) for v in value]
    return value


@pytest.mark.parametrize("spec", SPECS, ids=[s.slug for s in SPECS])
def test_skill_output_stays_valid_for_any_schema_valid_input(spec):
    # derandomize: the same 50 examples on every run, so CI is reproducible. Random seeds found icp.check giving a
    # blank name back empty (settle strips names); ICP names must now hold more than blanks.
    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    @given(data=from_schema(spec.input_schema), filler=st.sampled_from(["", LONG_UNICODE]))
    def check(data, filler):
        _check(spec, data)
        stretched = _stretch(spec.input_schema, copy.deepcopy(data), filler)
        if Draft202012Validator(spec.input_schema).is_valid(stretched):
            _check(spec, stretched)

    check()


def test_unit_economics_states_an_overflowing_figure_as_undefined():
    """A schema-valid but extreme input (1e308 spent for a quarter of a customer) must not produce infinity."""
    spec = registry.get("finance.unit_economics")
    data = {"spend": 1e308, "leads": 0.25, "conversion_rate": 0.5, "arpu": 0, "churn": 0}
    output = spec.func(data, OfflineSkillContext())
    json.dumps(output, allow_nan=False)
    assert output["cac"] is None and output["verdict"] == "insufficient_data"
    assert any(note.startswith("CAC is too large to state") for note in output["notes"])
