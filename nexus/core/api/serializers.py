"""Serializers of the API kernel: references checked against the current tenant."""

from typing import Any

from django.db import models
from rest_framework import serializers
from rest_framework.utils import model_meta

from nexus.core.editing import save_fields
from nexus.core.scope import current_tenant_id
from nexus.core.validators import foreign_reference_message, is_tenant_scoped


class TenantReferencesMixin:
    """Refuse, with a field error, any writable reference to another tenant's row.

    Related fields built from a model take its default (tenant-scoped) manager, so another
    tenant's id already fails as "Invalid pk ... - object does not exist"; this check also
    covers fields declared with a broader queryset, and says it in the same words as the
    kernel validator.
    """

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)  # type: ignore[misc]
        tenant_id = current_tenant_id()
        if tenant_id is None:
            return attrs
        errors: dict[str, list[str]] = {}
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if field.read_only or field.source not in attrs:
                continue
            value = attrs[field.source]
            for related in value if isinstance(value, (list, tuple)) else [value]:
                if (
                    isinstance(related, models.Model)
                    and is_tenant_scoped(type(related))
                    and related.tenant_id != tenant_id  # type: ignore[attr-defined]
                ):
                    errors.setdefault(name, []).append(foreign_reference_message(type(related), related.pk))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TenantModelSerializer(TenantReferencesMixin, serializers.ModelSerializer):
    """The base ``ModelSerializer`` for tenant data; the tenant itself is never writable.

    An update saves only the fields it was sent (``update_fields``), never the whole row: a
    value it did not send — a state, a posting's stamp — is never written back from its copy.
    """

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        serializers.raise_errors_on_nested_writes("update", self, validated_data)
        relations = model_meta.get_field_info(instance).relations
        many = {
            name: value
            for name, value in validated_data.items()
            if name in relations and relations[name].to_many
        }
        for name, value in validated_data.items():
            if name not in many:
                setattr(instance, name, value)
        save_fields(instance, [name for name in validated_data if name not in many])
        for name, value in many.items():
            getattr(instance, name).set(value)
        return instance
