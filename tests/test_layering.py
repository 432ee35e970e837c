"""The import-layering contract (DESIGN §3), checked on the source with the ast module.

Layers, lowest first: ``core`` < ``models`` < ``engine`` < ``claims`` < ``report`` < ``web``
< ``cli``. A module may import its own layer and any lower one, never a higher one; core
imports nothing else of plowshare; a model imports only core and its own package (never
another model); the engine finds models through the registry, never by name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "plowshare"
LAYERS = ("core", "models", "engine", "explore", "claims", "report", "web", "cli")
RANK = {name: i for i, name in enumerate(LAYERS)}


def imports(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute module) of every plowshare import in a module's syntax tree,
    including imports inside functions (lazy imports count too)."""
    out = []
    package = module if is_package else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("plowshare")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "plowshare":  # `from plowshare import x`: x is the module imported
                out += [(node.lineno, f"plowshare.{a.name}") for a in node.names]
            elif target.startswith("plowshare"):
                out.append((node.lineno, target))
    return out


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


def violations(root: Path) -> list[str]:
    """Every upward or sideways import below ``root`` (a ``plowshare`` source folder)."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        is_package = rel.name == "__init__"
        module = ".".join(rel.parts[:-1] if is_package else rel.parts)
        src = layer_of(module)
        if src is None:
            continue  # plowshare/__init__.py: the lazy front door
        for line, target in imports(ast.parse(path.read_text()), module, is_package):
            dst = layer_of(target)
            where = f"{path.relative_to(root.parent)}:{line} imports {target}"
            if dst is None:
                bad.append(f"{where} (outside every layer)")
            elif RANK[dst] > RANK[src]:
                bad.append(f"{where} ({src} may not import {dst})")
            elif src == dst == "models":
                own, other = module.split(".")[2:3], target.split(".")[2:3]
                if other and own != other:
                    bad.append(f"{where} (a model imports another model)")
            elif src == "engine" and dst == "models":
                bad.append(f"{where} (the engine finds models through the registry)")
    return bad


def test_no_module_imports_upward() -> None:
    assert violations(SRC) == []


@pytest.mark.parametrize(
    ("where", "text", "expected"),
    [
        ("core/x.py", "from plowshare.engine import api\n", "core may not import engine"),
        ("core/y.py", "def f():\n    from ..models import fund\n", "core may not import models"),
        ("models/fund/z.py", "from plowshare.models.siting import summary\n", "another model"),
        ("engine/w.py", "import plowshare.models.fund\n", "through the registry"),
        ("claims/v.py", "from plowshare.cli import main\n", "claims may not import cli"),
        ("report/u.py", "from plowshare import tables\n", "outside every layer"),
    ],
)
def test_the_check_fails_on_an_upward_import(tmp_path, where, text, expected) -> None:
    """A copy of the tree with one bad import added fails the check, naming the import."""
    root = tmp_path / "plowshare"
    for layer in LAYERS:
        (root / layer).mkdir(parents=True)
    (root / "models" / "fund").mkdir()
    target = root / where
    target.write_text(text)
    found = violations(root)
    assert len(found) == 1 and expected in found[0], found
