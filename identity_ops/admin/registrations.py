"""Registrations, read-only with their history: how people came into the tenant, and how it ended."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from identity_ops.models import Registration
from nexus.core.admin.transitions import TransitionAdminMixin

from .tenant_scoped import MembershipRightsAdmin


@admin.register(Registration)
class RegistrationAdmin(TransitionAdminMixin, MembershipRightsAdmin):
    list_display = ("created_at", "email", "source", "role", "status", "expires_at", "completed_at")
    list_filter = ("status", "source", "role")
    search_fields = ("email", "full_name")
    ordering = ("-created_at", "-id")
    list_select_related = ("user",)
    fields = (
        "email",
        "full_name",
        "source",
        "invitation",
        "role",
        "status",
        "user",
        "membership",
        "created_user",
        "created_membership",
        "created_at",
        "token_sent_at",
        "expires_at",
        "completed_at",
        "expired_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # moved only by the registration flows (verification, expiry)
