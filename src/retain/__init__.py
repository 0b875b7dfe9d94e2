"""Retain: an open-source, self-hosted customer success platform.

The package root holds only this public API, the settings table (`retain.settings`) and the
error tree (`retain.errors`). Notebooks start from `retain.analytics`.
"""

from retain.errors import (
    ConfigurationError,
    ImportFailed,
    ImportProblem,
    NotFound,
    RetainError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigurationError",
    "ImportFailed",
    "ImportProblem",
    "NotFound",
    "RetainError",
    "__version__",
]
