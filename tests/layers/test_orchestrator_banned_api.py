"""Orchestrators get implementations only through wiring.py.

import-linter cannot see run-time look-ups, so ``apps.get_model``, ``get_user_model`` and
``import_string`` are rejected in orchestrator code outside ``wiring.py`` by this check.
"""

import ast
from pathlib import Path

from django.conf import settings

BANNED = {"get_model", "get_user_model", "import_string"}
ORCHESTRATORS = ("identity_ops", "supply_chain_ops")


def banned_uses(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "wiring.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Name):
                names = [node.id]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.ImportFrom | ast.Import):
                names = [alias.name.rsplit(".", 1)[-1] for alias in node.names]
            found += [f"{path.relative_to(root)}:{node.lineno}: {n}" for n in names if n in BANNED]  # type: ignore[attr-defined]
    return found


def test_orchestrators_do_not_look_up_implementations_outside_wiring():
    for orchestrator in ORCHESTRATORS:
        assert banned_uses(settings.BASE_DIR / orchestrator) == []


def test_the_check_catches_each_banned_look_up(tmp_path):
    (tmp_path / "workflows.py").write_text(
        "from django.apps import apps\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import module_loading\n"
        "Product = apps.get_model('inventory', 'Product')\n"
        "User = get_user_model()\n"
        "loader = module_loading.import_string('adapters.stock.Provider')\n"
    )
    (tmp_path / "wiring.py").write_text("from django.utils.module_loading import import_string\n")

    assert banned_uses(tmp_path) == [
        "workflows.py:2: get_user_model",
        "workflows.py:4: get_model",
        "workflows.py:5: get_user_model",
        "workflows.py:6: import_string",
    ]
