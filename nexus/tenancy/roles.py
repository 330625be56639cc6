"""What each role may do in its tenant, and what platform operators may do: data, not code.

A role is a list of ``Grant``s. A grant names an app label (or ``TENANT_DATA``: every model that
holds a tenant's rows, in any app), optionally some of its models, and the actions allowed
(``view``, ``add``, ``change``, ``delete`` or a custom permission's prefix such as ``approve``
for ``approve_gadget``; ``ANY`` for all of them). The grants are turned into Django permission
names (``"inventory.view_product"``) from the model registry, so a new app's models are covered
by ``TENANT_DATA`` without a change here, and an app refines its roles with ``extend_role``
from its ``AppConfig.ready()``.

A role grant reaches only tenant data (tenant-scoped and tenant-optional models) unless it
names a model explicitly: no tenant role can touch users or tenants by accident.

Platform operators hold every permission on the models of ``accounts`` and ``tenancy`` (people,
tenants, memberships): they manage who exists and where they belong, not a tenant's business
data, for which they need a membership like anyone else.
"""

import functools
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Model

from nexus.core.models import TenantOptionalModel, TenantScopedModel

from .models import Role

ANY = "*"
TENANT_DATA = "*"
VIEW = frozenset({"view"})
VIEW_CHANGE = frozenset({"view", "change"})
EVERYTHING = frozenset({ANY})


@dataclass(frozen=True)
class Grant:
    """Permissions on an app's models (or on all tenant data) for a set of actions."""

    app_label: str
    actions: frozenset[str] = EVERYTHING
    models: frozenset[str] | None = field(default=None)  # lower-case model names; None: all


EXCHANGE_RATES = frozenset({"exchangerate"})

ROLE_GRANTS: dict[str, list[Grant]] = {
    Role.ADMIN: [
        Grant(TENANT_DATA),
        Grant("tenancy", VIEW_CHANGE, models=frozenset({"membership"})),
    ],
    Role.MANAGER: [
        Grant(TENANT_DATA),
        Grant("tenancy", VIEW, models=frozenset({"membership"})),
    ],
    Role.PURCHASER: [
        Grant("procurement"),
        Grant("inventory", VIEW),
        Grant("core", VIEW, models=EXCHANGE_RATES),
    ],
    Role.SALES: [Grant("sales"), Grant("receivable", VIEW), Grant("inventory", VIEW)],
    Role.WAREHOUSE_CLERK: [Grant("inventory"), Grant("procurement", VIEW), Grant("sales", VIEW)],
    Role.ACCOUNTANT: [
        Grant("receivable"),
        Grant("procurement", VIEW_CHANGE),
        Grant("sales", VIEW),
        Grant("inventory", VIEW),
        Grant("core", VIEW),
        Grant("core", models=EXCHANGE_RATES),
    ],
    Role.VIEWER: [Grant(TENANT_DATA, VIEW)],
}

# Roles whose members work in the admin; viewers read through the API.
STAFF_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.MANAGER, Role.PURCHASER, Role.SALES, Role.WAREHOUSE_CLERK, Role.ACCOUNTANT}
)

PLATFORM_OPERATOR_GRANTS: list[Grant] = [Grant("accounts"), Grant("tenancy")]


def extend_role(role: str, *grants: Grant) -> None:
    """Add grants to a role (an app's ``ready()``), e.g. ``extend_role(Role.SALES, Grant("rma"))``."""
    ROLE_GRANTS.setdefault(role, []).extend(grants)
    role_permissions.cache_clear()


@functools.cache
def role_permissions(role: str) -> frozenset[str]:
    """The Django permission names (``app_label.codename``) a role grants in its tenant."""
    return _permissions(ROLE_GRANTS.get(role, []), tenant_data_only=True)


@functools.cache
def platform_operator_permissions() -> frozenset[str]:
    """The permission names platform operators hold everywhere."""
    return _permissions(PLATFORM_OPERATOR_GRANTS, tenant_data_only=False)


@functools.cache
def grant_permissions(grants: tuple[Grant, ...]) -> frozenset[str]:
    """The permission names some grants give, reaching tenant data only as a role's grants do."""
    return _permissions(list(grants), tenant_data_only=True)


def is_tenant_data(model: type[Model]) -> bool:
    return issubclass(model, (TenantScopedModel, TenantOptionalModel))


def model_permissions(model: type[Model]) -> list[tuple[str, str]]:
    """``(action, codename)`` for each permission Django creates for the model."""
    opts = model._meta
    suffix = f"_{opts.model_name}"
    found = [(action, f"{action}{suffix}") for action in opts.default_permissions]
    for codename, _label in opts.permissions:
        found.append((codename.removesuffix(suffix), codename))
    return found


def _permissions(grants: list[Grant], *, tenant_data_only: bool) -> frozenset[str]:
    names: set[str] = set()
    for model in apps.get_models():
        opts = model._meta
        for grant in grants:
            if grant.app_label == TENANT_DATA:
                if not is_tenant_data(model):
                    continue
            elif grant.app_label != opts.app_label:
                continue
            if grant.models is not None:
                if opts.model_name not in grant.models:
                    continue
            elif tenant_data_only and not is_tenant_data(model):
                continue
            names.update(
                f"{opts.app_label}.{codename}"
                for action, codename in model_permissions(model)
                if ANY in grant.actions or action in grant.actions
            )
    return frozenset(names)
