"""Dependencies run one way (.importlinter), and no module imports itself back through others.

Both read the code's imports statically with grimp (the graph import-linter builds), lazy imports inside
functions and ``TYPE_CHECKING`` blocks included: a cycle that only closes at run time is still a cycle.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("raptorflow", "agents", "skills", "analytics")


def _cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Each import ``a -> b`` whose ``b`` leads back to ``a``: the shortest way round, as a -> b -> … -> a."""
    found = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                found.append((module, *back))
    return found


def test_no_module_imports_itself_back_through_others():
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from circle import b\n")  # lazy: still a cycle
    (package / "b.py").write_text("from circle import a\n")
    (package / "c.py").write_text("from circle import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cycles(grimp.build_graph("circle", cache_dir=None)) == [
        ("circle.a", "circle.b", "circle.a"),
        ("circle.b", "circle.a", "circle.b"),
    ]


def test_the_import_contracts_hold():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", str(ROOT / ".importlinter")],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
