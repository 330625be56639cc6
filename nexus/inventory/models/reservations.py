"""Dated reservations of sellable stock for a source document line."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import FSMField, transition

from nexus.core.models import TenantScopedModel, WorkflowModel
from nexus.core.models.refs import ActorFields
from nexus.core.transitions import condition, transition_options
from nexus.inventory.quantities import QUANTITY_DIGITS, QUANTITY_PLACES

from .catalog import Product
from .sites import Location, Warehouse


class ReservationState(models.TextChoices):
    HELD = "held", "Held"
    CONFIRMED = "confirmed", "Confirmed"
    CONSUMED = "consumed", "Consumed"
    RELEASED = "released", "Released"
    EXPIRED = "expired", "Expired"


RESERVATION_CHANGED = "inventory.reservation_changed"
# The transitions people perform (admin buttons, API actions); consume and expire belong to
# shipments and the expiry task.
PERSON_TRANSITIONS = ("confirm", "release")
# States whose open quantity counts in ``StockAvailability.reserved``.
OPEN_STATES = (ReservationState.HELD, ReservationState.CONFIRMED)


@condition("the hold has not reached its expiry time")
def hold_has_lapsed(reservation: "Reservation") -> bool:
    return reservation.expires_at is not None and reservation.expires_at <= timezone.now()


class Reservation(WorkflowModel, TenantScopedModel, ActorFields):
    """Sellable stock promised to a source (a document line, by reference) for a required date.

    ``held`` is a soft hold that expires at ``expires_at``; ``confirmed`` does not expire.
    Shipping consumes it (partly: ``consumed_quantity`` grows; wholly: ``consumed``).
    The open quantity ``quantity - consumed_quantity`` of held and confirmed reservations is
    what the warehouse's availability counts as reserved. A reservation pinned to a staging
    ``location`` holds goods lying there instead (cross-docked for an order): it counts in
    ``reserved_staged``, those goods may leave the location only for it, and shipping picks them.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reservations")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    consumed_quantity = models.DecimalField(
        max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, default=Decimal(0), editable=False
    )
    required_date = models.DateField(help_text="When the goods are needed (the demand's date).")
    source_type = models.CharField(
        max_length=100, help_text="What the reservation is for (app_label.model of a document line)."
    )
    source_id = models.PositiveBigIntegerField()
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="pinned_reservations",
        null=True,
        blank=True,
        editable=False,
        help_text="The staging location whose goods this reservation holds (empty: sellable stock).",
    )
    state = FSMField(
        max_length=16, choices=ReservationState.choices, default=ReservationState.HELD, protected=True
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="A held reservation is released automatically after this."
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["required_date", "id"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_reservation_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(consumed_quantity__gte=0, consumed_quantity__lte=F("quantity")),
                name="inventory_reservation_consumed_within_quantity",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReservationState.CONSUMED) | Q(consumed_quantity=F("quantity")),
                name="inventory_reservation_consumed_in_full",
            ),
        ]
        permissions = [
            ("confirm_reservation", "Can confirm reservation"),
            ("release_reservation", "Can release reservation"),
            ("consume_reservation", "Can consume reservation"),
        ]
        indexes = [
            models.Index(fields=["product", "warehouse", "state"], name="inv_resv_pw_state_idx"),
            models.Index(fields=["source_type", "source_id"], name="inv_resv_source_idx"),
            models.Index(
                fields=["expires_at"],
                condition=Q(state=ReservationState.HELD, expires_at__isnull=False),
                name="inv_resv_expiry_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Reservation #{self.pk}: {self.quantity} for {self.source_type}#{self.source_id} ({self.state})"
        )

    @property
    def open_quantity(self) -> Decimal:
        """What this reservation still holds against sellable stock."""
        if self.state in OPEN_STATES:
            return self.quantity - self.consumed_quantity
        return Decimal(0)

    # The state a transition left, for the event it publishes (django-fsm runs the method
    # before it sets the target state).
    previous_state: str | None = None

    @transition(
        field=state,
        source=ReservationState.HELD,
        target=ReservationState.CONFIRMED,
        permission="inventory.confirm_reservation",
        custom=transition_options(
            label="Confirm", done_label="Confirmed", event=RESERVATION_CHANGED, allow_system=True
        ),
    )
    def confirm(self) -> None:
        """Firm up a soft hold: it no longer expires."""
        self.previous_state = self.state
        self.expires_at = None

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=ReservationState.RELEASED,
        permission="inventory.release_reservation",
        custom=transition_options(
            label="Release", done_label="Released", event=RESERVATION_CHANGED, allow_system=True
        ),
    )
    def release(self) -> None:
        """Give the open quantity back to the warehouse (the transition's declared writes do)."""
        self.previous_state = self.state

    @transition(
        field=state,
        source=ReservationState.HELD,
        target=ReservationState.EXPIRED,
        conditions=[hold_has_lapsed],
        permission="inventory.release_reservation",
        custom=transition_options(
            label="Expire", done_label="Expired", event=RESERVATION_CHANGED, allow_system=True
        ),
    )
    def expire(self) -> None:
        """Let a soft hold lapse at its expiry time (the periodic task does this)."""
        self.previous_state = self.state

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=ReservationState.CONSUMED,
        permission="inventory.consume_reservation",
        custom=transition_options(
            label="Consume", done_label="Consumed", event=RESERVATION_CHANGED, allow_system=True
        ),
    )
    def consume(self) -> None:
        """Mark the reservation shipped in full (its writes count the open quantity consumed)."""
        self.previous_state = self.state

    def transition_event_payload(self, transition_name: str) -> Mapping[str, Any]:
        """The ``inventory.reservation_changed`` payload after a transition."""
        return self.change_payload()

    def change_payload(self) -> dict[str, Any]:
        """The ``inventory.reservation_changed`` payload for the reservation as it is now."""
        return {
            "reservation_id": self.pk,
            "product_id": self.product_id,
            "warehouse_id": self.warehouse_id,
            "quantity": self.quantity,
            "consumed_quantity": self.consumed_quantity,
            "required_date": self.required_date,
            "state": self.state,
            "previous_state": self.previous_state,
            "source_type": self.source_type,
            "source_id": self.source_id,
        }
