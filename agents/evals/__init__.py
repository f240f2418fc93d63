"""Evaluations: datasets of cases, graders, experiments of an agent version on a dataset, feedback on runs, and
the publish gate (docs/decisions/0024-evaluations.md).

| module | owns |
|---|---|
| ``models`` | datasets, cases, experiments, per-case results, feedback, gate overrides (app label ``agents``) |
| ``graders`` | the graders' schema and the deterministic graders on output paths |
| ``judge`` | LLM-as-judge: a metered, budgeted structured verdict; offline means "not graded" |
| ``ledger`` | an experiment's spend (the runtime charges and holds evaluation runs' calls here) |
| ``datasets`` | writes on datasets and cases: JSONL import and export, a run as a case, feedback |
| ``experiments`` | starting, advancing (launch, collect, grade), cancelling and finishing experiments; human grades |
| ``gate`` | whether a version is runnable, and whether its experiment lets it be published |
| ``compare`` | two experiments side by side: flips per case, deltas, output diffs |
"""
