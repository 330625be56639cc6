"""Builds the supply-chain workflows' collaborators from the adapters named in settings.

``settings.SUPPLY_CHAIN_OPS_ADAPTERS`` maps a contract's name to the dotted path of its
implementation (as Django resolves ``EMAIL_BACKEND``). Only this module resolves them, and it
hands out contract implementations only: never a model class, so nothing in the orchestrator can
reach a domain's rows except through a contract. Each is built once per process (again after the
setting changes, which is how a test swaps in another implementation).
"""

import functools
from typing import Any, cast

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .contracts.access import RoleGrants
from .contracts.atp import AtpDomain, LeadTimeDomain
from .contracts.costing import Costing
from .contracts.cross_docking import CrossDockStock
from .contracts.dropship import DropshipDomains, VendorTokens
from .contracts.replenishment import ReplenishmentData
from .contracts.returns import ReturnsDomain
from .contracts.transfers import DomainSupplyDemand, TransferStock


@functools.cache
def _build(name: str) -> Any:
    try:
        path = settings.SUPPLY_CHAIN_OPS_ADAPTERS[name]
    except KeyError:
        raise LookupError(f"SUPPLY_CHAIN_OPS_ADAPTERS has no adapter for {name!r}") from None
    return import_string(path)()


@receiver(setting_changed)
def _forget_built(*, setting: str, **kwargs: Any) -> None:
    if setting == "SUPPLY_CHAIN_OPS_ADAPTERS":
        _build.cache_clear()


def role_grants() -> RoleGrants:
    return cast(RoleGrants, _build("role_grants"))


def transfer_stock() -> TransferStock:
    return cast(TransferStock, _build("transfer_stock"))


def domain_supply_demand() -> DomainSupplyDemand:
    return cast(DomainSupplyDemand, _build("domain_supply_demand"))


def costing() -> Costing:
    return cast(Costing, _build("costing"))


def dropship_domains() -> DropshipDomains:
    return cast(DropshipDomains, _build("dropship_domains"))


def vendor_tokens() -> VendorTokens:
    return cast(VendorTokens, _build("vendor_tokens"))


def cross_dock_stock() -> CrossDockStock:
    return cast(CrossDockStock, _build("cross_dock_stock"))


def returns() -> ReturnsDomain:
    return cast(ReturnsDomain, _build("returns"))


def atp_domain() -> AtpDomain:
    return cast(AtpDomain, _build("atp"))


def lead_time_domain() -> LeadTimeDomain:
    return cast(LeadTimeDomain, _build("lead_times"))


def replenishment_data() -> ReplenishmentData:
    return cast(ReplenishmentData, _build("replenishment_data"))
