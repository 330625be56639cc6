"""Forms that parse a rate: the admin's, and one line of a rates file."""

from collections.abc import Collection, Mapping
from typing import Any

from django import forms

from nexus.core.models import ExchangeRate
from nexus.core.models.exchange_rates import (
    RATE_DECIMAL_PLACES,
    RATE_MAX_DIGITS,
    RATE_NOT_POSITIVE,
    SMALLEST_RATE,
)
from nexus.core.scope import require_tenant_id
from nexus.core.tenants import tenant_currency

from .lookup import own_currency_message

ISO_DATE = "%Y-%m-%d"


def taken_message(currency: str, day: Any) -> str:
    return f"There is already a rate for {currency} on {day.isoformat()}; change that one."


class ExchangeRateForm(forms.ModelForm):
    """A rate as staff enter it: a foreign currency, a day without a rate yet, a positive rate."""

    class Meta:
        model = ExchangeRate
        fields = ["currency", "date", "rate"]

    def clean_currency(self) -> Any:
        currency = self.cleaned_data["currency"]
        refusal = own_currency_message(currency.code, tenant_currency(require_tenant_id()))
        if refusal:
            raise forms.ValidationError(refusal)
        return currency

    def clean(self) -> dict[str, Any]:
        # The unique constraint includes the tenant, which is not a form field, so Django
        # would not check it: say so here rather than fail on the database.
        cleaned: dict[str, Any] = super().clean() or {}
        currency, day = cleaned.get("currency"), cleaned.get("date")
        if currency is not None and day is not None:
            others = ExchangeRate.objects.filter(currency=currency, date=day).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(taken_message(currency.code, day))
        return cleaned


class RateLineForm(forms.Form):
    """One line of a rates file: ``date`` (YYYY-MM-DD), ``currency`` (a known code), ``rate``."""

    date = forms.DateField(input_formats=[ISO_DATE])
    currency = forms.ChoiceField(error_messages={"invalid_choice": "Unknown currency %(value)s."})
    rate = forms.DecimalField(
        max_digits=RATE_MAX_DIGITS,
        decimal_places=RATE_DECIMAL_PLACES,
        min_value=SMALLEST_RATE,
        error_messages={"min_value": RATE_NOT_POSITIVE},
    )

    def __init__(self, data: Mapping[str, Any], *, currencies: Collection[str], base_currency: str) -> None:
        super().__init__(data)
        self.fields["currency"].choices = [(code, code) for code in currencies]  # type: ignore[attr-defined]
        self.base_currency = base_currency

    def clean_currency(self) -> str:
        currency: str = self.cleaned_data["currency"]
        refusal = own_currency_message(currency, self.base_currency)
        if refusal:
            raise forms.ValidationError(refusal)
        return currency
