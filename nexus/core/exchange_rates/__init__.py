"""Dated exchange rates per tenant: look-ups for ``Money.convert``, forms, and the CSV import.

A rate says how many units of the tenant's own currency one unit of a foreign currency buys on
a day; the latest rate on or before a day applies to it, and a missing one is an error
(``MissingExchangeRate``, 409), never 1. See docs/kernel.md, "Exchange rates".
"""

from .lookup import ExchangeRates, MissingExchangeRate, own_currency_message

__all__ = ["ExchangeRates", "MissingExchangeRate", "own_currency_message"]
