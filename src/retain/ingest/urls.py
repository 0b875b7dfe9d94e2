"""Routes under /v1/: Segment's tracking API."""

from django.urls import path

from retain.ingest.views import endpoint

CALLS = ("batch", "track", "identify", "group", "page", "screen")

urlpatterns = [path(call, endpoint(call), name=f"ingest-{call}") for call in CALLS]
