"""References cannot cross tenants: the kernel validator, the same on every database.

On PostgreSQL the composite foreign keys (``migration_ops.TenantForeignKey``) and row-level
security refuse a cross-tenant reference in the database; this module says so *in words*, as
a field error, on SQLite as well. Model validation (``full_clean``: admin and other forms) and
``TenantModelSerializer`` call it.
"""

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from nexus.core.scope import current_tenant_id


def is_tenant_scoped(model: type[models.Model]) -> bool:
    from nexus.core.models.base import TenantScopedModel  # the models module imports this one

    return issubclass(model, TenantScopedModel)


def tenant_foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    """The model's concrete foreign keys (and one-to-ones) to tenant-scoped models."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and field.name != "tenant"
        and is_tenant_scoped(field.related_model)  # type: ignore[arg-type]
    ]


def foreign_reference_message(model: type[models.Model], value: Any) -> str:
    """The words for a reference to a row that is not the tenant's (existence elsewhere untold)."""
    return f"{str(model._meta.verbose_name).capitalize()} {value} does not exist in this tenant."


def foreign_tenant_references(instance: models.Model, exclude: Collection[str] = ()) -> dict[str, list[str]]:
    """Field errors for the instance's references to rows of another tenant (or to none).

    The tenant compared against is the instance's own, else the current one. A related
    object already loaded is checked in memory; otherwise one query per reference.
    """
    tenant_id = getattr(instance, "tenant_id", None) or current_tenant_id()
    errors: dict[str, list[str]] = {}
    if tenant_id is None:
        return errors
    for field in tenant_foreign_keys(type(instance)):
        if field.name in exclude:
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        if field.is_cached(instance):
            related = field.get_cached_value(instance)
            same_tenant = related is not None and getattr(related, "tenant_id", None) == tenant_id
        else:
            target = field.related_model
            same_tenant = target._base_manager.filter(  # type: ignore[union-attr]
                **{field.target_field.attname: value, "tenant_id": tenant_id}
            ).exists()
        if not same_tenant:
            errors[field.name] = [foreign_reference_message(field.related_model, value)]  # type: ignore[arg-type]
    return errors


def validate_tenant_references(instance: models.Model, exclude: Collection[str] = ()) -> None:
    """Raise ``ValidationError`` (by field) if the instance refers to another tenant's row."""
    errors = foreign_tenant_references(instance, exclude)
    if errors:
        raise ValidationError(errors)
