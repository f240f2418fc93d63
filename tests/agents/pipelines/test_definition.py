"""A pipeline's definition is checked when it is saved: pointers, types, required fields, the graph, revisions."""

from __future__ import annotations

import pytest

from agents.pipelines.definition import assemble_input, definition_errors, grade_below, step_needs, step_order

NUMBER_IN = {"type": "object", "additionalProperties": False, "required": ["x"],
             "properties": {"x": {"type": "number"}, "label": {"type": "string"}}}  # fmt: skip
NUMBER_OUT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "total": {"type": "integer"},
        "name": {"type": "string"},
        "grade": {"enum": ["A", "B", "C"]},
        "fixes": {"type": "array", "items": {"type": "string"}},
    },
}
AGENTS = {"adder": (NUMBER_IN, NUMBER_OUT)}
PIPELINE_IN = {"type": "object", "properties": {"x": {"type": "integer"}, "title": {"type": "string"}}}


def errors(steps, input_schema=PIPELINE_IN):
    return definition_errors(steps, input_schema=input_schema, agent_schemas=AGENTS)


def step(key, **fields):
    return {"key": key, "agent": "adder", "input": {"x": {"from": "/input/x"}}, **fields}


def test_a_sound_graph_passes_and_orders_each_step_after_what_it_reads():
    steps = [
        step("a"),
        step("b", input={"x": {"from": "/steps/a/output/total"}}),
        step("c", input={"x": {"const": 2}}, after=["a"]),
        step("d", input={"x": {"from": "/steps/b/output/total"}, "label": {"from": "/steps/c/output/name"}}),
    ]
    assert errors(steps) == {}
    assert step_needs(steps[3]) == {"b", "c"}
    order = step_order(steps)
    assert order.index("a") < order.index("b") < order.index("d") and order.index("c") < order.index("d")


@pytest.mark.parametrize(
    ("steps", "where", "fragment"),
    [
        ([step("a", input={"x": {"from": "/input/title"}})], "steps/a/input/x", "['string'] but adder's 'x' takes"),
        ([step("a", input={"x": {"from": "/input/x"}, "colour": {"const": "red"}})], "steps/a/input/colour",
         "no field 'colour'"),
        ([step("a", input={})], "steps/a/input", "requires 'x'"),
        ([step("a", input={"x": {"const": "ten"}})], "steps/a/input/x", "does not fit"),
        ([step("a"), step("b", input={"x": {"from": "/steps/a/output/missing"}})], "steps/b/input/x",
         "no /missing"),
        ([step("a", input={"x": {"from": "/steps/zz/output/total"}})], "steps/a", "'zz'"),
        ([step("a", after=["b"]), step("b", after=["a"])], "steps", "cycle"),
        ([step("a"), step("a")], "steps", "unique"),
        ([{"key": "a", "agent": "nobody", "input": {}}], "steps/a", "no published version"),
        ([{"key": "Bad Key", "agent": "adder"}], "steps/0/key", "does not match"),
        ([step("a", input={"x": {"from": "input/x"}})], "steps/0/input/x", "is not valid"),
        ([step("a"), step("b", revise={"step": "a", "field": "/grade", "below": "Z"})], "steps/b/revise", "enum"),
        ([step("a"), step("b", revise={"step": "a", "field": "/grade", "below": "B"})], "steps/b/revise",
         "must be a step this one comes after"),
    ],
)  # fmt: skip
def test_a_definition_that_does_not_hold_together_is_refused_with_where_and_why(steps, where, fragment):
    problems = errors(steps)
    assert where in problems, problems
    assert any(fragment in message for message in problems[where]), problems[where]


def test_a_revision_needs_an_earlier_step_and_an_enum_holding_the_mark():
    steps = [
        step("a"),
        step("b", after=["a"], revise={"step": "a", "field": "/grade", "below": "B", "feedback": "/fixes"}),
    ]
    assert errors(steps) == {}


def test_an_integer_source_fills_a_number_field_and_a_loose_schema_accepts_anything():
    assert errors([step("a", input={"x": {"from": "/input/x"}})]) == {}
    assert errors([step("a")], input_schema={"type": "object"}) == {}


def test_the_input_is_assembled_from_the_document_and_a_pointer_to_nothing_leaves_its_field_out():
    spec = step("a", input={"x": {"from": "/steps/p/output/n~1m"}, "label": {"from": "/input/missing"},
                            "k": {"const": [1]}})  # fmt: skip
    document = {"input": {}, "foundation": {}, "steps": {"p": {"output": {"n/m": 4}}}}
    assert assemble_input(spec, document) == {"x": 4, "k": [1]}


def test_grades_rank_by_the_enum_best_first():
    enum = ["A+", "A", "B", "C"]
    assert grade_below({"grade": "C"}, "/grade", "B", enum)
    assert not grade_below({"grade": "B"}, "/grade", "B", enum)
    assert not grade_below({"grade": "?"}, "/grade", "B", enum)
    assert not grade_below({}, "/grade", "B", enum)
