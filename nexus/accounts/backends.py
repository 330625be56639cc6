"""Authentication by email address, case-insensitive. Authentication only: no permissions."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from .models import User


class EmailBackend(ModelBackend):
    """Django's model backend for checking the password, stripped of its permissions.

    Permissions come only from the tenant-aware role backend; Django's user/group permissions
    and ``is_superuser`` would otherwise apply in every tenant. The manager's natural key
    matches the address's login key exactly (``nexus.accounts.login_key``). Uniqueness is on that
    key, not on ``email``, which Django's ``auth.E003`` check cannot see; with a custom backend
    that check becomes ``auth.W004``, silenced in settings for that reason.
    """

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False

    def with_perm(
        self, perm: Any, is_active: bool = True, include_superusers: bool = True, obj: Any = None
    ) -> QuerySet[User]:
        return User.objects.none()
