"""Data flows one way (DESIGN.md): server/ calls graph/, graph/ never imports server/."""

import ast
from pathlib import Path

GRAPH = Path(__file__).parent.parent / "graph"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_graph_never_imports_server():
    offenders = {
        str(path.relative_to(GRAPH.parent)): sorted(
            m for m in imported_modules(path) if m == "server" or m.startswith("server.")
        )
        for path in sorted(GRAPH.rglob("*.py"))
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_walk_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def serve():\n    from server.http_server import serve\n    import server\n")
    assert imported_modules(sample) == {"server.http_server", "server"}
