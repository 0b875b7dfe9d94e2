"""`python -m retain.cli` runs the `retain` command."""

from retain.cli.main import main

main()
