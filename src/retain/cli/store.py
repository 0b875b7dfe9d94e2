"""Opening the store for a command: Django started and the schema migrated once per process,
and a `RetainError` shown as one red line with exit code 1 instead of a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from retain.errors import RetainError
from retain.project import bootstrap

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
_opened: list[bool] = []


def open_store() -> None:
    """Start Django and migrate the store (the first time in this process only)."""
    if not _opened:
        bootstrap.migrate()
        _opened.append(True)


def label() -> str:
    """The open store, for messages ("SQLite ./retain.sqlite3")."""
    return bootstrap.database_label()


def needs_store(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command that reads or writes the store (Typer still sees its parameters)."""
    shown = one_line_errors(command)

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        open_store()
        return shown(*args, **kwargs)

    return run


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Show a `RetainError` as one red line with exit code 1 (no store opened: for commands
    that must not migrate first, such as backup)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except RetainError as exc:
            console.print(f"[red]Error:[/] {exc}")
            raise typer.Exit(1) from exc

    return run
