"""The shape of the house (DESIGN.md): small modules, dependencies pointing one way, no
import cycles, and plumbing that names no domain app."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("invoicing", "workspaces", "accounts")
# Apps `core` must never import (everything above it in DESIGN.md's arrows).
ABOVE_CORE = ("workspaces", "accounts", "invoicing.contacts", "invoicing.products",
              "invoicing.fiscal", "invoicing.documents", "invoicing.invoices",
              "invoicing.notes", "invoicing.quotations", "invoicing.ecf",
              "invoicing.reports", "invoicing.integrations", "invoicing.webhooks")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _module_level_imports(path: Path, name: str) -> set[str]:
    """Imports that run when the module is imported (not inside functions, not under
    TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[:len(base) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If | ast.Try | ast.With):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(tree.body)
    return found


def _all_imports(path: Path) -> set[str]:
    """Every absolute import anywhere in the module, but those under TYPE_CHECKING."""
    tree = ast.parse(path.read_text())
    skipped = {id(n) for node in ast.walk(tree)
               if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
               for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module)
    return found


def test_no_module_in_the_project_is_over_400_lines():
    long = {name: len(path.read_text().splitlines()) for name, path in _modules().items()
            if name.startswith("invoicing.")}
    assert {name: n for name, n in long.items() if n > 400} == {}


def test_core_imports_no_app_above_it():
    offending = {}
    for name, path in _modules().items():
        if not name.startswith("invoicing.core"):
            continue
        bad = {m for m in _module_level_imports(path, name)
               if any(m == app or m.startswith(app + ".") for app in ABOVE_CORE)}
        # Function-local imports count too: core must not name the apps at all.
        bad |= {m for m in _all_imports(path)
                if any(m == app or m.startswith(app + ".") for app in ABOVE_CORE)}
        if bad:
            offending[name] = sorted(bad)
    assert offending == {}


def test_quotations_do_not_borrow_from_the_invoice_pages():
    for name, path in _modules().items():
        if name.startswith("invoicing.quotations"):
            assert "invoicing.invoices.views" not in path.read_text(), name


def test_there_is_no_import_cycle_at_import_time():
    modules = _modules()
    graph = {name: {m for m in _module_level_imports(path, name) if m in modules and m != name}
             for name, path in modules.items()}
    visiting, done, cycles = set(), set(), []

    def walk(node, trail):
        visiting.add(node)
        for target in sorted(graph[node]):
            if target in visiting:
                cycles.append([*trail[trail.index(target):], target])
            elif target not in done:
                walk(target, [*trail, target])
        visiting.discard(node)
        done.add(node)

    for name in sorted(graph):
        if name not in done:
            walk(name, [name])
    # A package importing its own submodules in __init__ is not a cycle of its own.
    real = [cycle for cycle in cycles
            if not all(c.startswith(cycle[0].rpartition(".")[0]) for c in cycle)
            or len({c.rpartition(".")[0] for c in cycle}) > 1]
    assert real == []
