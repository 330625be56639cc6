"""Orchestrators get implementations only through wiring.py.

import-linter cannot see run-time look-ups, so ``apps.get_model``, ``get_user_model`` and
``import_string`` are rejected in orchestrator code outside ``wiring.py`` by this check. The
supply-chain orchestrator is stricter: its ``wiring.py`` resolves contract implementations
(``import_string``) but looks up no model, and hands none out.
"""

import ast
import inspect
from pathlib import Path

from django.conf import settings
from django.db.models import Model
from django.db.models.base import ModelBase

BANNED = {"get_model", "get_user_model", "import_string"}
MODEL_LOOK_UPS = {"get_model", "get_user_model"}
ORCHESTRATORS = ("identity_ops", "supply_chain_ops")


def banned_uses(root: Path, *, wiring_banned: frozenset[str] = frozenset()) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        banned = wiring_banned if path.name == "wiring.py" else BANNED
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Name):
                names = [node.id]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.ImportFrom | ast.Import):
                names = [alias.name.rsplit(".", 1)[-1] for alias in node.names]
            found += [f"{path.relative_to(root)}:{node.lineno}: {n}" for n in names if n in banned]  # type: ignore[attr-defined]
    return found


def test_orchestrators_do_not_look_up_implementations_outside_wiring():
    for orchestrator in ORCHESTRATORS:
        assert banned_uses(settings.BASE_DIR / orchestrator) == []


def test_the_supply_chain_wiring_looks_up_no_model():
    root = settings.BASE_DIR / "supply_chain_ops"
    assert banned_uses(root, wiring_banned=frozenset(MODEL_LOOK_UPS)) == []


def test_the_supply_chain_wiring_hands_out_no_model_class():
    from supply_chain_ops import wiring

    built = {
        name: function()
        for name, function in inspect.getmembers(wiring, inspect.isfunction)
        if function.__module__ == wiring.__name__ and not name.startswith("_")
    }
    assert built, "the wiring builds at least one contract implementation"
    handed_out_models = {name: value for name, value in built.items() if isinstance(value, ModelBase | Model)}
    assert handed_out_models == {}


def test_the_wiring_check_catches_a_model_look_up(tmp_path):
    (tmp_path / "wiring.py").write_text(
        "from django.apps import apps\n"
        "from django.utils.module_loading import import_string\n"
        "Product = apps.get_model('inventory', 'Product')\n"
    )
    assert banned_uses(tmp_path, wiring_banned=frozenset(MODEL_LOOK_UPS)) == ["wiring.py:3: get_model"]


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
