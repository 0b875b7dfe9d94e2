"""Event sources (write keys) and the quarantine of rejected messages: fix, then replay."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from retain.app.access.permissions import Perm
from retain.app.models import QuarantinedMessage, QuarantineStatus, Source
from retain.ingest import replay, sources
from retain.web.access import page

SHOWN = 100
# A key that ships in browser or app code is public: it may record activity, not rename accounts.
BROWSER_CALLS = ("track", "page", "screen")


@page(Perm.MANAGE)
def sources_page(request: HttpRequest) -> HttpResponse:
    """Sources with their key prefixes, and the pending quarantined messages."""
    pending = QuarantinedMessage.objects.filter(status=QuarantineStatus.PENDING)
    context = {
        "active": "settings",
        "sources": Source.objects.order_by("name"),
        "pending": pending.select_related("source").order_by("-received_at", "index")[:SHOWN],
        "pending_count": pending.count(),
        "replayed_count": QuarantinedMessage.objects.filter(
            status=QuarantineStatus.REPLAYED
        ).count(),
        "new_key": request.session.pop("new_write_key", None),
        "host": request.get_host(),
    }
    return render(request, "retain/settings_sources.html", context)


@require_POST
@page(Perm.MANAGE)
def create_source(request: HttpRequest) -> HttpResponse:
    """A new source; its write key is shown once on the next page."""
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, "Give the source a name (e.g. web app, mobile app).")
    elif Source.objects.filter(name=name).exists():
        messages.error(request, f"A source named {name!r} already exists.")
    else:
        calls = BROWSER_CALLS if request.POST.get("browser") else ()
        _, key = sources.create(name, calls)
        request.session["new_write_key"] = {"name": name, "key": key}
    return HttpResponseRedirect("/settings/sources/")


@require_POST
@page(Perm.MANAGE)
def revoke_source(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a source's write key: its calls are refused from now on."""
    source = get_object_or_404(Source, pk=pk)
    sources.revoke(source.name)
    messages.success(request, f"Revoked the key of {source.name}.")
    return HttpResponseRedirect("/settings/sources/")


@require_POST
@page(Perm.MANAGE)
def replay_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the edited payload of one quarantined message, then replay it."""
    row = get_object_or_404(QuarantinedMessage, pk=pk, status=QuarantineStatus.PENDING)
    payload = request.POST.get("payload")
    if payload is not None and payload != row.payload:
        try:
            json.loads(payload)
        except json.JSONDecodeError as exc:
            messages.error(request, f"Message {pk}: the payload is not valid JSON ({exc}).")
            return HttpResponseRedirect("/settings/sources/")
        row.payload = payload
        row.save(update_fields=["payload"])
    _report(request, replay.replay([row]))
    return HttpResponseRedirect("/settings/sources/")


@require_POST
@page(Perm.MANAGE)
def replay_all(request: HttpRequest) -> HttpResponse:
    """Replay every pending message (those still invalid stay, with fresh reasons)."""
    _report(request, replay.replay(replay.pending()))
    return HttpResponseRedirect("/settings/sources/")


def _report(request: HttpRequest, results: list[replay.Replayed]) -> None:
    ok = [r for r in results if r.ok]
    stored = sum(r.stored for r in ok)
    if ok:
        messages.success(request, f"Replayed {len(ok)} message(s): {stored} event(s) stored.")
    for r in results:
        if not r.ok:
            why = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in r.reasons)
            messages.error(request, f"Message {r.id} is still invalid: {why}")
    if not results:
        messages.success(request, "Nothing to replay.")
