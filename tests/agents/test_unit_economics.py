"""unit_economics: hand-worked figures are in tests/agents/runs/test_runtime.py; the catalogue entries are here."""

from __future__ import annotations

# The steps of the example run, (kind, name) in order (tests/agents/test_catalogue.py runs it).
TRACE = [("skill", "finance.unit_economics")]
