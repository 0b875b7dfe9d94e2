"""The `retain` command line: Typer commands, each a few lines over the app's services."""
