"""The arrows between layers run one way (docs/architecture.md): the core's lower layers
never import the commands, the adapters or the CLI above them, and the adapters never
import the CLI (they raise `bot.errors.Fatal`; only the CLI turns it into an exit)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"

#: Layer -> the packages it must not import.
NEVER = {
    "services": ("bot.commands", "bot.adapters", "bot.cli"),
    "storage": ("bot.commands", "bot.adapters", "bot.cli", "bot.services"),
    "curriculum": ("bot.commands", "bot.adapters", "bot.cli", "bot.services"),
    "rag": ("bot.commands", "bot.adapters", "bot.cli"),
    "scheduling": ("bot.commands", "bot.cli"),
    "adapters": ("bot.cli",),
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("layer", sorted(NEVER))
def test_a_layer_never_imports_those_above_it(layer: str) -> None:
    wrong = [
        f"{path.relative_to(BOT.parent)} imports {name}"
        for path in sorted((BOT / layer).rglob("*.py"))
        for name in sorted(_imports(path))
        if name.startswith(NEVER[layer])
    ]
    assert not wrong, wrong
