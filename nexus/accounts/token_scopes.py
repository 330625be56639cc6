"""Named scopes for service tokens ("Read stock", "Write orders"), and what no token may hold.

A person creating a token chooses what the integration does, not Django permissions: each named
scope stands for the permissions of some apps (expanded like a role's grants, so a new model of
those apps is covered). A token holds the permissions of its scopes that the creator's own role
grants in the tenant. No token ever holds a permission that adds, changes or deletes audit
records (audit events, transition logs): the history is written by the application, never by an
integration — ``holdable`` drops them at creation and again whenever a token is used.
"""

from dataclasses import dataclass

from django.apps import apps

from nexus.tenancy.roles import VIEW, Grant, grant_permissions, model_permissions

#: The models whose rows are the audit trail: an integration may read them, never write them.
AUDIT_RECORD_MODELS = ("core.auditevent", "core.transitionlog")


@dataclass(frozen=True)
class TokenScope:
    key: str
    label: str
    description: str
    grants: tuple[Grant, ...]

    @property
    def permissions(self) -> frozenset[str]:
        return holdable(grant_permissions(self.grants))


def _models(*names: str) -> frozenset[str]:
    return frozenset(names)


TOKEN_SCOPES: tuple[TokenScope, ...] = (
    TokenScope(
        "stock:read",
        "Read stock",
        "Products, warehouses and locations, the stock ledger, balances, availability, reservations.",
        (Grant("inventory", VIEW),),
    ),
    TokenScope(
        "stock:write",
        "Write stock",
        "Edit products, warehouses and locations, adjust stock, reserve and release.",
        (Grant("inventory"),),
    ),
    TokenScope(
        "orders:read",
        "Read orders",
        "Purchase and sales orders, receipts, shipments, bills, requisitions, vendors, customers.",
        (
            Grant("procurement", VIEW),
            Grant("sales", VIEW),
            Grant("core", VIEW, models=_models("exchangerate")),
        ),
    ),
    TokenScope(
        "orders:write",
        "Write orders",
        "Create, change, send, confirm, receive and ship purchase and sales orders and their documents.",
        (Grant("procurement"), Grant("sales")),
    ),
    TokenScope(
        "receivables:read", "Read credit notes", "Credit notes and their lines.", (Grant("receivable", VIEW),)
    ),
    TokenScope(
        "receivables:write",
        "Write credit notes",
        "Draft, issue, apply and void credit notes.",
        (Grant("receivable"),),
    ),
    TokenScope(
        "supply-chain:read",
        "Read supply-chain work",
        "Landed costs, returns, transfers, dropship, cross-docks, replenishment and balancing runs.",
        (Grant("supply_chain_ops", VIEW),),
    ),
    TokenScope(
        "supply-chain:write",
        "Write supply-chain work",
        "Create and move landed costs, returns, transfers and the other supply-chain workflows.",
        (Grant("supply_chain_ops"),),
    ),
    TokenScope(
        "audit:read",
        "Read the audit trail",
        "Audit events and transition logs (never writing them).",
        (Grant("core", VIEW, models=_models("auditevent", "transitionlog")),),
    ),
)

SCOPES_BY_KEY = {scope.key: scope for scope in TOKEN_SCOPES}


def audit_writing_permissions() -> frozenset[str]:
    """Every permission that adds, changes or deletes audit records: never a token's."""
    names: set[str] = set()
    for label in AUDIT_RECORD_MODELS:
        model = apps.get_model(label)
        app_label = model._meta.app_label
        names.update(
            f"{app_label}.{codename}" for action, codename in model_permissions(model) if action != "view"
        )
    return frozenset(names)


def holdable(permissions: frozenset[str] | set[str]) -> frozenset[str]:
    """The permissions a token may hold: all but those that write audit records."""
    return frozenset(permissions) - audit_writing_permissions()
