"""The pure core: formulas, measures, scoring and models as typed functions of tables.

Nothing here imports Django, HTTP or file I/O; `make test` checks that with import-linter.
"""
