"""The login failure counter per (username, client address): a global model, keyed by the pair."""

from django.conf import settings
from django.db import models


class LoginThrottle(models.Model):
    """Attempts against one login key from one client address, within a window.

    ``attempts`` and ``failures`` count the window ending at ``window_ends_at``; ``in_flight``
    counts attempts reserved but not yet settled, forgotten once none was reserved for the settle
    time (``in_flight_until``), so a crashed attempt cannot hold the pair. An attempt is checked
    only while settled failures plus attempts in flight stay within the limit. At the limit the
    pair is cooled off until ``locked_until``; ``lockouts`` (consecutive cool-offs) makes each one
    longer. A successful login or an administrator clears the row. ``user`` is the account the
    username named, if any.
    """

    username = models.CharField(max_length=254)
    ip_address = models.CharField(max_length=45, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="login_throttles",
    )
    attempts = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    in_flight = models.PositiveIntegerField(default=0)
    in_flight_until = models.DateTimeField(null=True, blank=True)
    window_ends_at = models.DateTimeField(null=True, blank=True)
    lockouts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_attempt_at"]
        constraints = [
            models.UniqueConstraint(fields=["username", "ip_address"], name="accounts_throttle_pair_uniq"),
        ]
        indexes = [models.Index(fields=["locked_until"], name="accounts_throttle_locked_idx")]
        verbose_name = "login lockout"

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address or 'an unknown address'}"
