"""URL routes: the Django admin until the web app lands."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import include, path

from retain.api.main import api


def home(request: HttpRequest) -> HttpResponse:
    """Send visitors to the admin, which lists every entity."""
    return HttpResponseRedirect("/admin/")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for `retain serve` and load balancers."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", home),
    path("healthz", healthz),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("v1/", include("retain.ingest.urls")),
]
