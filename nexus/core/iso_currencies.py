"""The ISO 4217 currencies Nexus knows from the start, and keeping them in the table."""

from typing import Any

# (code, name, exponent) as published in ISO 4217; more can be added in the admin.
CURRENCIES: list[tuple[str, str, int]] = [
    ("AED", "UAE Dirham", 2),
    ("ARS", "Argentine Peso", 2),
    ("AUD", "Australian Dollar", 2),
    ("BHD", "Bahraini Dinar", 3),
    ("BRL", "Brazilian Real", 2),
    ("CAD", "Canadian Dollar", 2),
    ("CHF", "Swiss Franc", 2),
    ("CLF", "Unidad de Fomento", 4),
    ("CLP", "Chilean Peso", 0),
    ("CNY", "Yuan Renminbi", 2),
    ("COP", "Colombian Peso", 2),
    ("CZK", "Czech Koruna", 2),
    ("DKK", "Danish Krone", 2),
    ("EGP", "Egyptian Pound", 2),
    ("EUR", "Euro", 2),
    ("GBP", "Pound Sterling", 2),
    ("HKD", "Hong Kong Dollar", 2),
    ("HUF", "Forint", 2),
    ("IDR", "Rupiah", 2),
    ("ILS", "New Israeli Sheqel", 2),
    ("INR", "Indian Rupee", 2),
    ("IQD", "Iraqi Dinar", 3),
    ("ISK", "Iceland Krona", 0),
    ("JOD", "Jordanian Dinar", 3),
    ("JPY", "Yen", 0),
    ("KES", "Kenyan Shilling", 2),
    ("KRW", "Won", 0),
    ("KWD", "Kuwaiti Dinar", 3),
    ("LYD", "Libyan Dinar", 3),
    ("MAD", "Moroccan Dirham", 2),
    ("MXN", "Mexican Peso", 2),
    ("MYR", "Malaysian Ringgit", 2),
    ("NGN", "Naira", 2),
    ("NOK", "Norwegian Krone", 2),
    ("NZD", "New Zealand Dollar", 2),
    ("OMR", "Rial Omani", 3),
    ("PEN", "Sol", 2),
    ("PHP", "Philippine Peso", 2),
    ("PKR", "Pakistan Rupee", 2),
    ("PLN", "Zloty", 2),
    ("PYG", "Guarani", 0),
    ("QAR", "Qatari Rial", 2),
    ("RON", "Romanian Leu", 2),
    ("SAR", "Saudi Riyal", 2),
    ("SEK", "Swedish Krona", 2),
    ("SGD", "Singapore Dollar", 2),
    ("THB", "Baht", 2),
    ("TND", "Tunisian Dinar", 3),
    ("TRY", "Turkish Lira", 2),
    ("TWD", "New Taiwan Dollar", 2),
    ("UAH", "Hryvnia", 2),
    ("UGX", "Uganda Shilling", 0),
    ("USD", "US Dollar", 2),
    ("VND", "Dong", 0),
    ("XAF", "CFA Franc BEAC", 0),
    ("XOF", "CFA Franc BCEAO", 0),
    ("ZAR", "Rand", 2),
]


def ensure_currencies(using: str = "default", **kwargs: Any) -> None:
    """Insert the ISO currencies missing from the table (after ``migrate`` and after a flush).

    The seed migration fills the table once; a test framework's flush empties it, and
    ``post_migrate`` (sent after both) puts the rows back so every later test finds them.
    """
    from django.db import connections

    from nexus.core.models import Currency

    if Currency._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before the currency table
    Currency.objects.using(using).bulk_create(
        [Currency(code=code, name=name, exponent=exponent) for code, name, exponent in CURRENCIES],
        ignore_conflicts=True,
    )
