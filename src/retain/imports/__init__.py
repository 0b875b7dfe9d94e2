"""File imports and exports: one schema per kind, CSV and Parquet, every problem located."""

from retain.imports.export import export_all
from retain.imports.kinds import KINDS, get
from retain.imports.loader import import_dir, import_file
from retain.imports.schema import Result

__all__ = ["KINDS", "Result", "export_all", "get", "import_dir", "import_file"]
