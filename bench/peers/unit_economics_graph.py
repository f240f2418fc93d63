"""The peer's side of bench/peers.py: a one-node LangGraph graph doing a `unit_economics` run's work, no model.

The node checks the input against the unit_economics agent's input schema, computes the figures with Raptorflow's
own code (``skills.library.finance.unit_economics``, on PYTHONPATH: the repository's root) and checks the output
against the agent's output schema, as Raptorflow's worker does. The schemas are exported from the bench's
Raptorflow database at the start (``BENCH_PEER_SCHEMAS``, a JSON file with ``input`` and ``output``), so both
sides check the same documents. Served by ``langgraph dev`` from bench/peers/.venv; not imported by the app.
"""

from __future__ import annotations

import json
import os
from typing import Any, TypedDict

from jsonschema import Draft202012Validator
from langgraph.graph import END, START, StateGraph

from skills.library.finance import unit_economics

with open(os.environ["BENCH_PEER_SCHEMAS"]) as file:
    _schemas = json.load(file)
INPUT, OUTPUT = Draft202012Validator(_schemas["input"]), Draft202012Validator(_schemas["output"])


class State(TypedDict, total=False):
    input: dict[str, Any]
    output: dict[str, Any]


def compute(state: State) -> State:
    INPUT.validate(state["input"])
    figures = {k: v for k, v in state["input"].items() if k != "judgement"}
    # The agent's answer when no judgement is asked for: the figures, no judgement, nothing needing a model.
    output = {**unit_economics(figures), "judgement": None, "needs_model": []}
    OUTPUT.validate(output)
    return {"output": output}


builder = StateGraph(State)
builder.add_node("compute", compute)
builder.add_edge(START, "compute")
builder.add_edge("compute", END)
graph = builder.compile()
