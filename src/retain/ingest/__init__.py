"""The Segment-compatible HTTP event API: views, the write service, group commit, write keys,
quarantine and replay. Files of historical events go through `retain.imports.events`."""
