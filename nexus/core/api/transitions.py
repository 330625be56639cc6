"""Transitions over the API: ``POST /api/v1/<resource>/<id>/<transition>/`` (DESIGN.md §5).

``TransitionActionsMixin`` goes before the viewset base; for each transition the model declares
it adds a detail action named as the transition (underscores become hyphens in the URL) that
takes an optional ``{"reason": "...", "idempotency_key": "..."}`` plus any fields of a
per-transition input serializer (the transition's ``payload``), runs the transition service
(which runs the writes the transition declares) and answers 200 with the resource as the
viewset serialises it. Errors keep the API's
shape: 400 bad input, 403 not permitted, 404 not in the tenant, 409 not available now or an
idempotency key reused for something else. A replayed request answers 200 again with the
header ``Idempotent-Replayed: true``.

Resources show ``status`` (read-only) and ``available_transitions`` through
``TransitionsSerializerMixin`` (or the bare ``AvailableTransitionsField``).
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core.transitions import (
    TransitionSpec,
    available_transitions,
    declared_transitions,
    perform_transition,
    state_fields,
)
from nexus.core.transitions.idempotency import MAX_KEY_LENGTH

from .permissions import TenantModelPermissions

REPLAYED_HEADER = "Idempotent-Replayed"


class TransitionInputSerializer(serializers.Serializer):
    """The body of every transition action; subclass it to add a transition's own fields."""

    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why (required by transitions that say so; kept in the transition log).",
    )
    idempotency_key = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MAX_KEY_LENGTH,
        help_text="Send the same key to retry safely: the same request returns the first result, "
        "a different one with the same key is a 409 idempotency_mismatch.",
    )


# Documentation only: the API's error body, and one transition the caller could perform now.
# (Built inline because ``fields`` and ``label`` are attribute names of DRF's own classes.)
ERROR_BODY = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "fields": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)
AVAILABLE_TRANSITION = inline_serializer(
    name="AvailableTransition",
    fields={
        "name": serializers.CharField(),
        "label": serializers.CharField(),
        "requires_reason": serializers.BooleanField(),
    },
    many=True,
)


@extend_schema_field(AVAILABLE_TRANSITION)
class AvailableTransitionsField(serializers.Field):
    """The transitions the requesting person may perform on the object now (read-only).

    Empty for anyone who may not change the model at all, since the actions need that too.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance: models.Model) -> list[dict[str, Any]]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        opts = instance._meta
        if user is None or not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return []
        return [choice.as_dict() for choice in available_transitions(instance, user)]


class TransitionsSerializerMixin(serializers.ModelSerializer):
    """Add ``available_transitions`` to a model serializer and make its state fields read-only."""

    available_transitions = AvailableTransitionsField()

    def get_field_names(self, declared_fields: Mapping[str, Any], info: Any) -> list[str]:
        names = list(super().get_field_names(declared_fields, info))
        if "available_transitions" not in names:
            names.append("available_transitions")
        return names

    def get_extra_kwargs(self) -> dict[str, Any]:
        extra: dict[str, Any] = super().get_extra_kwargs()
        for field in state_fields(self.Meta.model):
            extra.setdefault(field.name, {})["read_only"] = True
        return extra


class TransitionActionPermissions(TenantModelPermissions):
    """A transition changes the object: its POST needs the model's change permission, not add."""

    perms_map = {**TenantModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class TransitionActionsMixin:
    """One ``POST .../<id>/<transition>/`` action per declared transition (see module docstring)."""

    #: The model whose transitions are exposed; defaults to ``queryset.model``.
    transition_model: ClassVar[type[models.Model] | None] = None
    #: Expose only these transitions (None: all declared).
    transition_names: ClassVar[Sequence[str] | None] = None
    #: Per-transition input serializers (subclasses of ``TransitionInputSerializer``).
    transition_serializers: ClassVar[Mapping[str, type[TransitionInputSerializer]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        model = cls.transition_model or getattr(getattr(cls, "queryset", None), "model", None)
        if model is None:
            return
        for spec in declared_transitions(model):
            if cls.transition_names is not None and spec.name not in cls.transition_names:
                continue
            existing = getattr(cls, spec.name, None)
            if existing is not None and not getattr(existing, "nexus_transition", False):
                raise ImproperlyConfigured(
                    f"{cls.__qualname__}.{spec.name} already exists; the transition {spec.name!r} of "
                    f"{model._meta.label} needs that name for its action (or leave it out with "
                    "transition_names)."
                )
            setattr(cls, spec.name, _transition_action(cls, spec))

    def get_permissions(self) -> list[BasePermission]:
        permissions: list[BasePermission] = super().get_permissions()  # type: ignore[misc]
        current = getattr(self, getattr(self, "action", None) or "", None)
        if not getattr(current, "nexus_transition", False):
            return permissions
        return [
            TransitionActionPermissions() if isinstance(p, DjangoModelPermissions) else p for p in permissions
        ]

    def perform_transition_action(self, request: Request, spec: TransitionSpec) -> Response:
        """Validate the body, perform the transition, answer with the resource."""
        instance = self.get_object()  # type: ignore[attr-defined]  # 404 outside the tenant
        body = input_serializer_for(type(self), spec)(data=request.data)
        body.is_valid(raise_exception=True)
        payload = dict(body.validated_data)
        reason = payload.pop("reason", "")
        key = payload.pop("idempotency_key", "")
        result = perform_transition(
            instance, spec.name, actor=request.user, reason=reason, idempotency_key=key, payload=payload
        )
        data = self.get_serializer(result.instance).data  # type: ignore[attr-defined]
        headers = {REPLAYED_HEADER: "true"} if result.replayed else {}
        return Response(data, headers=headers)


def input_serializer_for(view_class: type[Any], spec: TransitionSpec) -> type[TransitionInputSerializer]:
    """The transition's input serializer; a subclass requiring ``reason`` where the transition does."""
    base: type[TransitionInputSerializer] = view_class.transition_serializers.get(
        spec.name, TransitionInputSerializer
    )
    if not spec.requires_reason:
        return base
    key = (base, spec.model, spec.name)
    if key not in _REASON_REQUIRED:
        message = f"A reason is required to {spec.verb}."
        reason = serializers.CharField(
            max_length=2000,
            help_text="Why; this transition requires a reason (kept in the transition log).",
            error_messages={"required": message, "blank": message},
        )
        name = f"{spec.model.__name__}{spec.name.title().replace('_', '')}Input"
        _REASON_REQUIRED[key] = type(name, (base,), {"reason": reason})
    return _REASON_REQUIRED[key]


_REASON_REQUIRED: dict[tuple[type[Any], type[models.Model], str], type[TransitionInputSerializer]] = {}


def _transition_action(view_class: type[Any], spec: TransitionSpec) -> Any:
    model = spec.model
    verbose_name = model._meta.verbose_name
    reason = " A reason is required." if spec.requires_reason else ""
    permission = f" Needs the `{spec.permission}` permission." if isinstance(spec.permission, str) else ""

    def transition_action(
        self: TransitionActionsMixin, request: Request, *args: Any, **kwargs: Any
    ) -> Response:
        return self.perform_transition_action(request, spec)

    transition_action.__name__ = spec.name
    transition_action.__qualname__ = f"{view_class.__qualname__}.{spec.name}"
    transition_action.__doc__ = f"{spec.label} the {verbose_name}."
    transition_action.nexus_transition = True  # type: ignore[attr-defined]
    errors = {
        400: OpenApiResponse(ERROR_BODY, description="The body is not valid (missing reason ...)."),
        403: OpenApiResponse(ERROR_BODY, description="Not permitted."),
        404: OpenApiResponse(ERROR_BODY, description=f"No such {verbose_name} in the tenant."),
        409: OpenApiResponse(
            ERROR_BODY,
            description="Not available now (transition_not_allowed, with the reason), "
            "or idempotency_mismatch.",
        ),
    }
    response = getattr(view_class, "serializer_class", None)
    routed = action(detail=True, methods=["post"], url_path=spec.name.replace("_", "-"), url_name=spec.name)(
        transition_action
    )
    # After @action, which replaces the function's kwargs where the schema override lives.
    return extend_schema(
        operation_id=f"{_snake(model.__name__)}_{spec.name}",
        summary=f"{spec.label} a {verbose_name}",
        description=f"Perform the transition `{spec.name}`.{reason}{permission} Answers with the updated "
        f"{verbose_name}, including its `available_transitions`.",
        request=input_serializer_for(view_class, spec),
        responses={200: response, **errors} if response is not None else errors,
    )(routed)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
