"""``manage.py import_exchange_rates``: every line checked first, all or nothing, idempotent."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nexus.core import scope
from nexus.core.models import AuditEvent, ExchangeRate
from nexus.core.scope import current_scope
from tests.factories.people import TenantFactory

from .conftest import add_rates

D = Decimal
GOOD = """date,currency,rate
2026-01-02,EUR,1.0825
2026-01-02,CAD,0.7301
2026-01-05,EUR,1.0840
2026-01-05,CAD,0.7288
"""


def stored() -> list[tuple[str, dt.date, Decimal]]:
    return list(
        ExchangeRate.objects.order_by("currency_id", "date").values_list("currency_id", "date", "rate")
    )


def run(tmp_path, text: str, tenant: str = "acme") -> tuple[str, str]:
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    scope_before = current_scope()
    try:
        call_command("import_exchange_rates", str(path), "--tenant", tenant, stdout=out, stderr=err)
    finally:
        assert current_scope() == scope_before  # the command gives the tenant back
    return out.getvalue(), err.getvalue()


def test_a_file_is_imported_and_importing_it_again_changes_nothing(acme, tmp_path):
    out, _ = run(tmp_path, GOOD)

    assert out.endswith("acme: 4 created, 0 updated, 0 unchanged.\n")
    first = list(
        ExchangeRate.objects.order_by("pk").values("pk", "currency_id", "date", "rate", "updated_at")
    )
    assert stored() == [
        ("CAD", dt.date(2026, 1, 2), D("0.7301")),
        ("CAD", dt.date(2026, 1, 5), D("0.7288")),
        ("EUR", dt.date(2026, 1, 2), D("1.0825")),
        ("EUR", dt.date(2026, 1, 5), D("1.0840")),
    ]

    again, _ = run(tmp_path, GOOD)

    assert again.endswith("acme: 0 created, 0 updated, 4 unchanged.\n")
    assert (
        list(ExchangeRate.objects.order_by("pk").values("pk", "currency_id", "date", "rate", "updated_at"))
        == first
    )
    events = AuditEvent.objects.filter(action="core.exchange_rates.imported").order_by("pk")
    assert [(e.data["created"], e.data["updated"], e.data["unchanged"]) for e in events] == [
        (4, 0, 0),
        (0, 0, 4),
    ]


def test_a_changed_rate_is_updated_and_recorded_with_its_old_value(acme, tmp_path):
    add_rates(("EUR", dt.date(2026, 1, 2), "1.0825"), ("EUR", dt.date(2026, 1, 5), "1.0800"))

    out, _ = run(tmp_path, GOOD)

    assert out.endswith("acme: 2 created, 1 updated, 1 unchanged.\n")
    assert stored() == [
        ("CAD", dt.date(2026, 1, 2), D("0.7301")),
        ("CAD", dt.date(2026, 1, 5), D("0.7288")),
        ("EUR", dt.date(2026, 1, 2), D("1.0825")),
        ("EUR", dt.date(2026, 1, 5), D("1.0840")),
    ]
    (event,) = AuditEvent.objects.filter(action="core.exchange_rates.imported")
    assert (event.tenant_id, event.actor_label) == (acme.pk, "manage.py import_exchange_rates")
    assert event.data == {
        "created": 2,
        "updated": 1,
        "unchanged": 1,
        "currencies": ["CAD", "EUR"],
        "first_date": "2026-01-02",
        "last_date": "2026-01-05",
        "changes": {"EUR 2026-01-05": ["1.08000000", "1.0840"]},
    }


def test_one_bad_line_refuses_the_whole_file_naming_every_bad_line(acme, tmp_path):
    add_rates(("EUR", dt.date(2026, 1, 2), "1.0000"))
    bad = """date,currency,rate
2026-01-02,EUR,1.0825
2026-02-30,EUR,1.0825
2026-01-03,XXX,1.2
2026-01-03,EUR,-1
2026-01-04,EUR,abc
2026-01-04,USD,1
2026-01-04,CAD,0.123456789
2026-01-02,EUR,1.0826
2026-01-06,EUR,1.1,extra
2026-01-07,EUR
2026-01-08,CAD,0.73
"""
    path = tmp_path / "rates.csv"
    path.write_text(bad, encoding="utf-8")
    err = StringIO()

    with pytest.raises(
        CommandError, match=r"^9 line\(s\) of the file are not valid; nothing was imported\.$"
    ):
        call_command("import_exchange_rates", str(path), "--tenant", "acme", stdout=StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "line 3: date: Enter a valid date.",
        "line 4: currency: Unknown currency XXX.",
        "line 5: rate: A rate must be more than zero.",
        "line 6: rate: Enter a number.",
        "line 7: currency: USD is the tenant's own currency; its rate is always 1.",
        "line 8: rate: Ensure that there are no more than 8 decimal places.",
        "line 9: EUR on 2026-01-02 is already on line 2.",
        "line 10: More than 3 values.",
        "line 11: rate: This field is required.",
    ]
    assert stored() == [("EUR", dt.date(2026, 1, 2), D("1.0000"))]
    assert not AuditEvent.objects.filter(action="core.exchange_rates.imported").exists()


def test_a_file_without_the_header_is_refused(acme, tmp_path):
    with pytest.raises(CommandError, match="must start with the header line date,currency,rate"):
        run(tmp_path, "2026-01-02,EUR,1.0825\n")
    with pytest.raises(CommandError, match="must start with the header line"):
        run(tmp_path, "")
    assert stored() == []


def test_a_spreadsheets_byte_order_mark_and_blank_padding_are_accepted(acme, tmp_path):
    out, _ = run(tmp_path, "\ufeffdate, currency, rate\r\n2026-01-02, EUR , 1.0825\r\n")

    assert out.endswith("acme: 1 created, 0 updated, 0 unchanged.\n")
    assert stored() == [("EUR", dt.date(2026, 1, 2), D("1.0825"))]


def test_the_rates_go_to_the_named_tenant_only(acme, tmp_path):
    globex = TenantFactory.create(slug="globex", default_currency="CAD")

    out, _ = run(tmp_path, "date,currency,rate\n2026-01-02,EUR,1.47\n", tenant="globex")

    assert out.endswith("globex: 1 created, 0 updated, 0 unchanged.\n")
    assert stored() == []
    with scope.tenant(globex):
        assert stored() == [("EUR", dt.date(2026, 1, 2), D("1.47"))]
    path = tmp_path / "own.csv"
    path.write_text("date,currency,rate\n2026-01-02,CAD,1\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_exchange_rates", str(path), "--tenant", "globex", stdout=StringIO(), stderr=err)
    assert err.getvalue() == "line 2: currency: CAD is the tenant's own currency; its rate is always 1.\n"


def test_an_unknown_tenant_or_a_missing_file_is_an_error(acme, tmp_path):
    with pytest.raises(CommandError, match="No tenant with the slug 'nope'"):
        run(tmp_path, GOOD, tenant="nope")
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.csv: No such file or directory"):
        call_command("import_exchange_rates", str(tmp_path / "missing.csv"), "--tenant", "acme")


def test_the_import_shows_its_progress(acme, tmp_path):
    out, _ = run(tmp_path, GOOD)

    assert out == (
        "\rchecking [#######-----------------------] 1/4"
        "\rchecking [###############---------------] 2/4"
        "\rchecking [######################--------] 3/4"
        "\rchecking [##############################] 4/4\n"
        "\rwriting [##############################] 4/4\n"
        "acme: 4 created, 0 updated, 0 unchanged.\n"
    )
