"""Django app config for the Segment-compatible event API (its admin pages; no models)."""

from django.apps import AppConfig


class IngestConfig(AppConfig):
    """The ingest API; its models (sources, quarantine) live with the store in `retain.app`."""

    name = "retain.ingest"
    label = "retain_ingest"
    verbose_name = "Retain event ingestion"
