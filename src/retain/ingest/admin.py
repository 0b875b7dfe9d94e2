"""Admin pages for the quarantine: see why each message was rejected, fix it, replay it."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from retain.app.models import QuarantinedMessage
from retain.ingest import replay


@admin.register(QuarantinedMessage)
class QuarantinedMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rejected messages with their reasons; edit the payload, then "Replay selected"."""

    list_display = ("id", "received_at", "source", "call", "index", "status", "first_reason")
    list_filter = ("status", "call", "source")
    search_fields = ("payload",)
    readonly_fields = (
        "source",
        "received_at",
        "call",
        "index",
        "batch_sent_at",
        "reason_list",
        "status",
        "replayed_at",
    )
    fields = (*readonly_fields, "payload")
    actions = ("replay_selected",)
    list_per_page = 50

    @admin.display(description="reason")
    def first_reason(self, obj: QuarantinedMessage) -> str:
        """The first reason, as `loc: msg`."""
        reasons = obj.reasons or []
        if not reasons:
            return ""
        first = reasons[0]
        more = f" (+{len(reasons) - 1} more)" if len(reasons) > 1 else ""
        return f"{'.'.join(map(str, first['loc']))}: {first['msg']}{more}"

    @admin.display(description="reasons")
    def reason_list(self, obj: QuarantinedMessage) -> str:
        """Every reason, one per line."""
        return format_html_join(
            "\n",
            "<div><code>{}</code>: {}</div>",
            ((json.dumps(r["loc"]), r["msg"]) for r in obj.reasons or []),
        )

    @admin.action(description="Replay selected messages")
    def replay_selected(self, request: HttpRequest, queryset: QuerySet[QuarantinedMessage]) -> None:
        """Validate the selected messages again and store the valid ones."""
        results = replay.replay(replay.pending(queryset.values_list("id", flat=True)))
        ok = sum(r.ok for r in results)
        self.message_user(request, f"{ok} of {len(results)} replayed.", messages.SUCCESS)
        for r in results:
            if not r.ok:
                why = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in r.reasons)
                self.message_user(request, f"#{r.id} still rejected: {why}", messages.WARNING)
