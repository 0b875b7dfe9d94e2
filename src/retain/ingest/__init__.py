"""Event ingestion: a Segment-compatible HTTP API, the write service, quarantine and replay,
and the bulk loader for historical files (`retain import events FILE`)."""
