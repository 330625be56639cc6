"""The inventory admin: catalogue and sites editable, the ledger and its balances read-only."""

from . import catalog, ledger, reservations, sites

__all__ = ["catalog", "ledger", "reservations", "sites"]
