"""URL routes: the web app, the REST API, the Segment-compatible ingest API, the admin."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from retain.api.main import api


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for `retain serve` and load balancers."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("v1/", include("retain.ingest.urls")),
    path("", include("retain.web.urls")),
]

handler403 = "retain.web.views.errors.forbidden"
handler404 = "retain.web.views.errors.not_found"
