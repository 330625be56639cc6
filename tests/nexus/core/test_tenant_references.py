"""References cannot cross tenants: the kernel validator (every database) and the composite
foreign keys (PostgreSQL)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from nexus.core import scope
from nexus.core.migration_ops import TenantForeignKey, constraint_name
from nexus.core.models import TenantScopedModel
from nexus.core.validators import foreign_tenant_references, tenant_foreign_keys, validate_tenant_references
from tests.factories.kernel_example import GadgetFactory, GadgetKindFactory
from tests.factories.people import TenantFactory
from tests.kernel_example.models import Gadget, GadgetKind

pytestmark = pytest.mark.django_db

# A protected FSM field cannot be re-assigned by clean_fields; forms leave state fields out too.
PROTECTED_STATE = ["status"]


@pytest.fixture
def tenants():
    a, b = TenantFactory.create(slug="acme"), TenantFactory.create(slug="globex")
    with scope.tenant(a):
        own = GadgetKindFactory.create(name="own")
    with scope.tenant(b):
        foreign = GadgetKindFactory.create(name="foreign")
    return a, b, own, foreign


@pytest.mark.smoke
def test_a_reference_to_another_tenants_row_is_a_field_error_in_words(tenants):
    a, _b, _own, foreign = tenants
    with scope.tenant(a):
        gadget = Gadget(name="g", kind_id=foreign.pk)

        assert foreign_tenant_references(gadget) == {
            "kind": [f"Gadget kind {foreign.pk} does not exist in this tenant."]
        }
        with pytest.raises(ValidationError) as refused:
            validate_tenant_references(gadget)
    assert refused.value.message_dict == {
        "kind": [f"Gadget kind {foreign.pk} does not exist in this tenant."]
    }


def test_a_reference_within_the_tenant_or_none_is_fine(tenants):
    a, _b, own, _foreign = tenants
    with scope.tenant(a):
        assert foreign_tenant_references(Gadget(name="g", kind_id=own.pk)) == {}
        assert foreign_tenant_references(Gadget(name="g", kind=None)) == {}
        validate_tenant_references(Gadget(name="g", kind=own))


def test_a_loaded_related_object_is_checked_without_a_query(tenants, django_assert_num_queries):
    a, _b, _own, foreign = tenants
    gadget = Gadget(name="g", tenant=a, kind=foreign)

    with django_assert_num_queries(0):
        assert list(foreign_tenant_references(gadget)) == ["kind"]


def test_full_clean_refuses_the_reference_even_where_the_row_is_visible(tenants):
    # In the system context every row is visible, so Django's own foreign-key check passes;
    # the kernel validator still compares tenants.
    a, _b, _own, foreign = tenants
    with scope.system_context("test: cross-tenant validation"):
        gadget = Gadget(name="g", tenant=a, kind_id=foreign.pk)
        with pytest.raises(ValidationError) as refused:
            gadget.full_clean(exclude=PROTECTED_STATE)
    assert refused.value.message_dict == {
        "kind": [f"Gadget kind {foreign.pk} does not exist in this tenant."]
    }


def test_full_clean_keeps_other_field_errors_and_reports_the_reference_once(tenants):
    a, _b, _own, foreign = tenants
    with scope.tenant(a), pytest.raises(ValidationError) as refused:
        Gadget(name="", kind_id=foreign.pk).full_clean(exclude=PROTECTED_STATE)
    errors = refused.value.message_dict
    assert set(errors) == {"name", "kind"}
    assert len(errors["kind"]) == 1


def test_full_clean_accepts_a_reference_within_the_tenant(tenants):
    a, _b, own, _foreign = tenants
    with scope.tenant(a):
        Gadget(name="g", kind=own).full_clean(exclude=PROTECTED_STATE)


def test_the_validator_knows_which_keys_to_check():
    assert [f.name for f in tenant_foreign_keys(Gadget)] == ["kind"]
    assert tenant_foreign_keys(GadgetKind) == []


@pytest.mark.postgres
def test_the_database_refuses_a_cross_tenant_reference(tenants):
    a, _b, own, foreign = tenants
    with scope.tenant(a):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checked at commit otherwise
        with pytest.raises(IntegrityError, match="tenant_fk"), transaction.atomic():
            Gadget.objects.create(name="sneaky", kind_id=foreign.pk)
        gadget = GadgetFactory.create(kind=own)
        with pytest.raises(IntegrityError, match="tenant_fk"), transaction.atomic():
            Gadget.objects.filter(pk=gadget.pk).update(kind_id=foreign.pk)
        assert Gadget.objects.get().kind_id == own.pk
        assert Gadget.objects.filter(pk=gadget.pk).update(kind=None) == 1  # NULL is not checked


FOREIGN_KEYS_SQL = """
SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,
       array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
       array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
FROM pg_constraint c WHERE c.contype = 'f'
"""


@pytest.mark.postgres
def test_every_key_between_tenant_scoped_models_includes_the_tenant():
    with connection.cursor() as cursor:
        cursor.execute(FOREIGN_KEYS_SQL)
        existing = {
            (table, target, tuple(cols), tuple(target_cols)) for table, target, cols, target_cols in cursor
        }
    checked, missing = 0, []
    for model in apps.get_models():
        if not issubclass(model, TenantScopedModel) or not model._meta.managed:
            continue
        for field in tenant_foreign_keys(model):
            checked += 1
            target = field.related_model._meta  # type: ignore[union-attr]
            wanted = (
                model._meta.db_table,
                target.db_table,
                (model._meta.get_field("tenant").column, field.column),
                (target.get_field("tenant").column, field.target_field.column),  # type: ignore[union-attr]
            )
            if wanted not in existing:
                missing.append(
                    f"{model._meta.label}.{field.name}: append "
                    f'TenantForeignKey("{model._meta.model_name}", "{field.name}") to its migration'
                )
    assert checked >= 2  # the example app's Gadget.kind and GadgetNote.gadget at least
    assert missing == []


def test_the_operation_names_its_constraint_within_postgres_limits():
    assert constraint_name("kernel_example_gadget", "kind_id") == "kernel_example_gadget_kind_id_tenant_fk"
    long = constraint_name("supply_chain_ops_replenishmentsuggestionline" * 2, "warehouse_location_id")
    assert len(long) <= 63
    assert long != constraint_name("supply_chain_ops_replenishmentsuggestionline" * 2, "warehouse_id")


def test_the_operation_deconstructs_for_migrations():
    operation = TenantForeignKey("gadget", "kind")

    assert operation.deconstruct() == ("TenantForeignKey", [], {"model_name": "gadget", "field_name": "kind"})
    assert operation.describe() == "Make gadget.kind a tenant-including foreign key"
