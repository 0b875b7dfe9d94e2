"""The one exception tree of Retain.

    RetainError
     ├── ConfigurationError      a setting is missing or unsafe (e.g. production without a secret)
     ├── ImportFailed            a file was rejected; carries every ImportProblem found
     └── NotFound                a named object (account, kind, file) does not exist

Messages say what is wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ConfigurationError", "ImportFailed", "ImportProblem", "NotFound", "RetainError"]


class RetainError(Exception):
    """Base class of every error Retain raises on purpose."""


class ConfigurationError(RetainError):
    """A setting is missing, malformed or unsafe for the mode Retain runs in."""


class NotFound(RetainError):
    """A named object does not exist."""


@dataclass(frozen=True, order=True)
class ImportProblem:
    """One problem in an input file, located by file, 1-based data row and column."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        return (
            f"{where}:{self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class ImportFailed(RetainError):
    """A file was rejected; `problems` lists every problem found, nothing was written."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        n = len(problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} found; nothing was written")
