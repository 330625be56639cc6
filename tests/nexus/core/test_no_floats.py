"""No floats in the data model: money and quantities are Decimal (DESIGN.md, "Money and quantities")."""

import re
from pathlib import Path

from django.apps import apps
from django.db import models

PROJECT_ROOT = Path(__file__).resolve().parents[3]
PROJECT_PACKAGES = ["nexus", "identity_ops", "supply_chain_ops", "adapters", "tests/kernel_example"]
# A declaration, a reference through a module (``models.FloatField``) or an import; not prose.
FLOAT_FIELD = re.compile(r"\bFloatField\s*\(|\.FloatField\b|import\b.*\bFloatField\b")


def _is_model_source(path: Path) -> bool:
    """Model modules (``models.py``, a ``models`` package) and migrations."""
    return path.name == "models.py" or "models" in path.parts or "migrations" in path.parts


def test_no_installed_model_has_a_float_field():
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if isinstance(field, models.FloatField)
    ]
    assert offenders == [], f"use DecimalField (see nexus.core.money), not FloatField: {offenders}"


def test_no_model_source_declares_a_float_field():
    """Also catches abstract models, migrations and apps not installed in the test settings."""
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for package in PROJECT_PACKAGES
        if (PROJECT_ROOT / package).is_dir()
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        if _is_model_source(path.relative_to(PROJECT_ROOT))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FLOAT_FIELD.search(line)
    ]
    assert offenders == [], f"FloatField found: {offenders}"


def test_the_source_check_recognises_a_float_field():
    assert FLOAT_FIELD.search("    weight = models.FloatField(null=True)")
    assert FLOAT_FIELD.search("from django.db.models import FloatField")
    assert not FLOAT_FIELD.search("a test fails on any FloatField in a docstring")
    assert _is_model_source(Path("nexus/inventory/models/stock.py"))
    assert _is_model_source(Path("nexus/sales/migrations/0001_initial.py"))
    assert not _is_model_source(Path("nexus/core/api/audit.py"))
