"""Event ingestion: sources (write keys) and the quarantine of rejected messages."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Source(models.Model):
    """A sender of events with its own write key (stored as a SHA-256 hash, never in clear).

    The key's first characters (`key_prefix`) find the source; the hash proves the key.
    """

    name = models.CharField(max_length=100, unique=True)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(default=False)
    # The call types its key may send, comma-separated (e.g. "track,page,screen" for a key that
    # ships in browser code); empty: every call type.
    allowed_calls = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        db_table = "retain_source"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…{', revoked' if self.revoked else ''})"

    @property
    def calls(self) -> tuple[str, ...] | None:
        """The call types this source may send, or None for all of them."""
        return tuple(c for c in self.allowed_calls.split(",") if c) or None


class QuarantineStatus(models.TextChoices):
    """Where a rejected message stands."""

    PENDING = "pending", "Pending"
    REPLAYED = "replayed", "Replayed"


class QuarantinedMessage(models.Model):
    """A message (or a whole unreadable body) the ingest API rejected, kept for replay.

    `payload` is the raw JSON text; fix it (in the admin) and run `retain replay`.
    `call` is the endpoint it came to (batch, track, ...), `index` its place in the batch.
    """

    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="quarantined"
    )
    received_at = models.DateTimeField()
    call = models.CharField(max_length=10, default="batch")
    index = models.PositiveIntegerField(null=True, blank=True)
    batch_sent_at = models.CharField(max_length=64, blank=True)
    payload = models.TextField()
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=QuarantineStatus.choices, default=QuarantineStatus.PENDING
    )
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "retain_quarantined_message"
        ordering = ["-received_at", "index"]
        indexes = [models.Index(fields=["status", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=QuarantineStatus.values), name="quarantine_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(replayed_at__isnull=False),
                name="quarantine_replayed_has_time",
            ),
        ]

    def __str__(self) -> str:
        where = f"[{self.index}]" if self.index is not None else ""
        return f"{self.call}{where} at {self.received_at:%Y-%m-%d %H:%M:%S}: {self.status}"
