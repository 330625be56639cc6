"""The layer rules of pyproject.toml hold, and they would catch a violation.

The proof runs the real contracts (copied from pyproject.toml) over a small throw-away package
tree in a temporary folder, never by writing into the source tree.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

DOMAINS = ["tenancy", "accounts", "notifications", "inventory", "procurement", "sales", "receivable", "demo"]
ALLOWED = {
    "nexus/sales/models.py": "import nexus.inventory\nimport nexus.core\n",
    "nexus/procurement/models.py": "import nexus.inventory\n",
    "identity_ops/workflows.py": "import nexus.core\nimport identity_ops.contracts\n",
    "supply_chain_ops/workflows.py": "import nexus.core\nimport supply_chain_ops.contracts\n",
    "adapters/stock.py": (
        "import nexus.inventory\nimport supply_chain_ops.contracts\nimport identity_ops.contracts\n"
    ),
}
VIOLATIONS = {
    "The kernel imports no domain, orchestrator or adapter": (
        "nexus/core/bad.py",
        "import nexus.inventory\n",
    ),
    "Domains never import orchestrators or adapters": ("nexus/sales/bad.py", "import supply_chain_ops\n"),
    "Inventory is the base of the stock domains: it imports none of them": (
        "nexus/inventory/bad.py",
        "import nexus.sales\n",
    ),
    "Procurement and sales do not import each other": ("nexus/procurement/bad.py", "import nexus.sales\n"),
    "Orchestrators reach domains and adapters only through wiring (no imports)": (
        "supply_chain_ops/bad.py",
        "import nexus.inventory\n",
    ),
    "The two orchestrators are independent": ("identity_ops/bad.py", "import supply_chain_ops.contracts\n"),
    "Adapters import domains and the orchestrators' contracts, nothing else of theirs": (
        "adapters/bad.py",
        "import identity_ops.workflows\n",
    ),
}


def importlinter_section() -> str:
    text = (settings.BASE_DIR / "pyproject.toml").read_text()
    start = text.index("[tool.importlinter]")
    following = re.search(r"^\[(?!\[?tool\.importlinter)", text[start + 1 :], flags=re.MULTILINE)
    return text[start : start + 1 + following.start()] if following else text[start:]


def build_tree(root: Path, extra: dict[str, str]) -> None:
    packages = ["nexus", "nexus/core", *(f"nexus/{d}" for d in DOMAINS), "identity_ops", "supply_chain_ops"]
    packages += ["identity_ops/contracts", "supply_chain_ops/contracts", "adapters"]
    for package in packages:
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text("")
    for path, source in {**ALLOWED, **extra}.items():
        (root / path).write_text(source)
    (root / "pyproject.toml").write_text(importlinter_section())


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_contracts_cover_every_violation_case():
    names = re.findall(r'^name = "(.+)"$', importlinter_section(), flags=re.MULTILINE)
    assert sorted(names) == sorted(VIOLATIONS)


def test_the_allowed_imports_keep_every_contract(tmp_path):
    build_tree(tmp_path, {})
    result = lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(VIOLATIONS)} kept, 0 broken." in result.stdout


@pytest.mark.parametrize("contract", sorted(VIOLATIONS))
def test_each_contract_catches_its_violation(tmp_path, contract):
    path, source = VIOLATIONS[contract]
    build_tree(tmp_path, {path: source})

    result = lint(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 6 kept, 1 broken." in result.stdout
    assert re.search(rf"{re.escape(contract)}\s*BROKEN", result.stdout)
