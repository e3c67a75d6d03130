"""The house rules, read from the code: imports point one way, and the CLI has one home."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# cli -> {evals, reports} -> scorers -> personas: what each package may import of the suite.
MAY_IMPORT = {
    "cli": {"cli", "evals", "reports", "scorers", "personas"},
    "evals": {"evals", "scorers", "personas"},
    "reports": {"reports", "scorers", "personas"},
    "scorers": {"scorers", "personas"},
    "personas": {"personas"},
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in `path`, function-local ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, "." * node.level + node.module))
    return found


def _suite_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "personalign" and len(parts) > 1 else None


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_point_one_way(package: str) -> None:
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in sorted((REPO / package).rglob("*.py"))
        for line, module in imported_modules(path)
        if (target := _suite_package(module)) and target not in MAY_IMPORT[package]
    ]
    assert not wrong, "\n".join(wrong)


def test_only_the_cli_uses_click() -> None:
    library = [p for package in MAY_IMPORT if package != "cli" for p in (REPO / package).rglob("*.py")]
    users = [
        str(p.relative_to(REPO))
        for p in library
        if any(module.split(".")[0] == "click" for _, module in imported_modules(p))
    ]
    assert not users, users


def test_the_rule_catches_an_arrow_that_runs_back(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from personalign.reports import gate\n")
    [(line, name)] = imported_modules(module)
    assert (line, _suite_package(name)) == (2, "reports")
    assert "reports" not in MAY_IMPORT["evals"]
