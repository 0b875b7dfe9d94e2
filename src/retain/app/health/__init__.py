"""Health in the store: snapshots, the latest-health queries, the scorecard editor, scoring."""
