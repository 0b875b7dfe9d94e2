"""Import files: read and validate everything first (no lock held), then resolve references
and upsert in one transaction.

A file with any problem writes nothing; `dry_run` validates and counts without writing.
Re-importing the same file changes nothing: rows whose values are unchanged are not written.
Every file of an import (one, or a folder with `all`) is read, parsed and checked against the
store and against the files before it (an `accounts.csv` next to a `contacts.csv`) before the
write transaction begins, so SQLite's write lock is held only while writing. Events have a
loader of their own (`imports.events`): the same fast path for `import_file("events", ...)`,
`import_dir` and `retain import events`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.sql import InsertQuery

from retain.core.text import tone
from retain.errors import ImportFailed, ImportProblem
from retain.imports import files, locking
from retain.imports.kinds import KINDS, get
from retain.imports.schema import Kind, Limit, Progress, Result
from retain.imports.validate import check_header, parent_cycles, parse_rows

BATCH = 2_000
UNUSABLE_PASSWORD = "!"  # Django treats a password starting with "!" as unusable
# Integer ranges every supported database can store (PostgreSQL's, the narrower), so a file
# is accepted or refused the same way on SQLite and PostgreSQL.
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def model_of(kind: Kind) -> type[models.Model]:
    """The Django model a kind fills."""
    return apps.get_model("retain", kind.model)


def limits(kind: Kind) -> dict[str, Limit]:
    """What each column's store field can hold, from the model's fields: text length (and a
    single line for CharFields), decimal digits, the integer range, the JSON shape of its
    default. Reference columns get the single-line and text checks only."""
    model = model_of(kind)
    out: dict[str, Limit] = {}
    for col in kind.columns:
        if col.ref is not None:
            out[col.name] = Limit(one_line=True)
            continue
        try:
            field = model._meta.get_field(col.target)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.Field):
            out[col.name] = limit_of(field)
    return out


def limit_of(field: models.Field[Any, Any]) -> Limit:
    """The Limit of one model field."""
    if isinstance(field, models.JSONField):
        default = field.get_default() if field.has_default() else None
        shapes: list[tuple[type, str]] = [(dict, "object"), (list, "array")]
        shape = next((name for typ, name in shapes if isinstance(default, typ)), None)
        return Limit(json_shape=shape)
    if isinstance(field, models.DecimalField):
        return Limit(max_digits=field.max_digits, decimal_places=field.decimal_places)
    if isinstance(field, models.CharField):
        return Limit(max_length=field.max_length, one_line=True)
    return Limit(
        max_length=getattr(field, "max_length", None),
        int_range=INTEGER_RANGES.get(field.get_internal_type()),
    )


def import_file(
    kind_name: str, path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> Result:
    """Validate and import one file; raises ImportFailed listing every problem."""
    kind = get(kind_name)
    results = _import([(kind, path)], dry_run, progress)
    return results[0]


def import_dir(
    folder: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> list[Result]:
    """Import every `<kind>.csv` / `<kind>.parquet` in `folder`, parents first, all or nothing."""
    if not folder.is_dir():
        raise ImportFailed([ImportProblem(str(folder), 0, "", "no such folder")])
    plan = []
    for kind in KINDS:
        for fmt in files.FORMATS:
            path = folder / f"{kind.name}.{fmt}"
            if path.is_file():
                plan.append((kind, path))
    if not plan:
        names = ", ".join(f"{k.name}.csv" for k in KINDS[:3])
        raise ImportFailed(
            [ImportProblem(str(folder), 0, "", f"no kind files found (e.g. {names})")]
        )
    return _import(plan, dry_run, progress)


# Rows of the files checked so far in this import: model -> key -> parsed row. References to
# them are valid (they are written first), and a survey's scale may come from its file.
Pending = dict[str, dict[Any, dict[str, Any]]]


@dataclass
class _Checked:
    """One file read and validated, waiting for the write transaction."""

    kind: Kind
    file: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    events: Any = None  # the events loader's checked file
    plan: _Plan | None = None  # the writes, when they could be worked out before the lock


def _import(
    todo: list[tuple[Kind, Path]], dry_run: bool, progress: Progress | None
) -> list[Result]:
    """Check every file (reads only), then write them all in one transaction."""
    pending: Pending = {}
    checked = [_check(kind, path, pending) for kind, path in todo]
    results: list[Result] = []
    try:
        with locking.writing():
            for item in checked:
                results.append(_write(item, progress))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except IntegrityError as exc:  # the store changed between the check and the write
        raise ImportFailed(
            [
                ImportProblem(
                    checked[min(len(results), len(checked) - 1)].file,
                    0,
                    "",
                    f"the store changed while importing ({exc}); nothing was written, retry",
                )
            ]
        ) from None
    return results


def _check(kind: Kind, path: Path, pending: Pending) -> _Checked:
    """Read and validate one file against the store and the files before it; raises
    ImportFailed. Adds the file's rows to `pending`."""
    file = str(path)
    if kind.name == "events":
        from retain.imports import events  # needs the models: imported once Django is set up

        known = pending.get("Account", {}).keys()
        return _Checked(kind, file, events=events.check(path, known))
    header, raw = files.read(path)
    problems = check_header(kind, file, header)
    if problems:
        raise ImportFailed(problems)
    parsed = parse_rows(kind, file, header, raw, limits(kind))
    refs = _resolve(kind, file, parsed.rows, parsed.numbers, parsed.problems, pending)
    _kind_checks(kind, file, parsed.rows, parsed.numbers, pending, parsed.problems)
    _parents(kind, file, header, parsed.rows, parsed.numbers, parsed.problems)
    if parsed.problems:
        raise ImportFailed(sorted(parsed.problems, key=lambda p: (p.row, p.column)))
    # Rows referring to rows of earlier files of this import get their ids under the lock;
    # the others are planned now.
    stored = all(
        row.get(c.name) is None or row[c.name] in refs[c.name] or c.ref.model == kind.model
        for c in kind.columns
        if c.ref is not None
        for row in parsed.rows
    )
    plan = _plan(kind, parsed.rows, refs) if stored else None
    if len(kind.key) == 1:
        own = pending.setdefault(kind.model, {})
        own.update((row[kind.key[0]], row) for row in parsed.rows)
    return _Checked(kind, file, parsed.rows, parsed.numbers, plan=plan)


def _write(item: _Checked, progress: Progress | None) -> Result:
    """Write one checked file (inside the transaction): references resolved again, now that
    the files before it are written; one removed meanwhile is a problem."""
    if item.events is not None:
        from retain.imports import events

        return events.write(item.events, progress)
    result = Result(item.kind.name, item.file, len(item.rows))
    plan = item.plan
    if plan is None or not _still_valid(item.kind, item, plan):
        problems: list[ImportProblem] = []
        refs = _resolve(item.kind, item.file, item.rows, item.numbers, problems)
        if problems:
            raise ImportFailed(sorted(problems, key=lambda p: (p.row, p.column)))
        plan = _plan(item.kind, item.rows, refs)
    _apply(item.kind, item.rows, plan, result, progress)
    return result


# --- references -----------------------------------------------------------------------------

Refs = dict[str, dict[Any, int]]  # column -> referenced key -> id


def _resolve(
    kind: Kind,
    file: str,
    rows: list[dict[str, Any]],
    numbers: list[int],
    problems: list[ImportProblem],
    pending: Pending | None = None,
) -> Refs:
    """Look up every referenced key; unknown ones are problems (self references may point
    to rows of the same file, and any reference to rows of `pending` files)."""
    refs: Refs = {}
    for col in kind.columns:
        if col.ref is None:
            continue
        wanted = {r[col.name] for r in rows if r.get(col.name) is not None}
        model = apps.get_model("retain", col.ref.model)
        found = _lookup(model, col.ref.lookup, wanted)
        refs[col.name] = found
        own = {r[kind.key[0]] for r in rows} if col.ref.model == kind.model else set()
        allowed = own | (pending or {}).get(col.ref.model, {}).keys()
        for row, number in zip(rows, numbers, strict=True):
            value = row.get(col.name)
            if value is not None and value not in found and value not in allowed:
                label = col.ref.model.replace("Item", "").lower()
                problems.append(ImportProblem(file, number, col.name, f"unknown {label} {value!r}"))
    return refs


def _lookup(model: type[models.Model], field: str, values: Iterable[Any]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    values = list(values)
    for i in range(0, len(values), 900):
        chunk = values[i : i + 900]
        out.update(
            model._default_manager.filter(**{f"{field}__in": chunk}).values_list(field, "id")
        )
    return out


def _kind_checks(
    kind: Kind,
    file: str,
    rows: list[dict[str, Any]],
    numbers: list[int],
    pending: Pending,
    problems: list[ImportProblem],
) -> None:
    if kind.name == "survey_responses":
        _score_in_scale(file, rows, numbers, pending, problems)


def _score_in_scale(
    file: str,
    rows: list[dict[str, Any]],
    numbers: list[int],
    pending: Pending,
    problems: list[ImportProblem],
) -> None:
    """A score must lie within its survey's scale (the database enforces it too); the scale
    of a survey in this import's surveys file is the one that will be written."""
    survey = apps.get_model("retain", "Survey")
    scales: dict[Any, tuple[Any, Any]] = {
        ext: (lo, hi)
        for ext, lo, hi in survey.objects.values_list("external_id", "scale_min", "scale_max")
    }
    for ext, row in pending.get("Survey", {}).items():
        scales[ext] = (row.get("scale_min"), row.get("scale_max"))
    for row, number in zip(rows, numbers, strict=True):
        scale = scales.get(row.get("survey_id"))
        score = row.get("score")
        if scale is None or score is None:
            continue
        lo, hi = scale
        if not lo <= score <= hi:
            problems.append(
                ImportProblem(
                    file,
                    number,
                    "score",
                    f"{score} is outside survey {row['survey_id']!r}'s scale {lo}-{hi}",
                )
            )


def _parents(
    kind: Kind,
    file: str,
    header: list[str],
    rows: list[dict[str, Any]],
    numbers: list[int],
    problems: list[ImportProblem],
) -> None:
    """A reference to a row of the same kind (an account's parent) must not make a cycle,
    counting the stored rows; an account cannot be its own parent."""
    for col in kind.columns:
        if col.ref is None or col.ref.model != kind.model or col.name not in header:
            continue
        model = model_of(kind)
        key = kind.key[0]
        stored = model._default_manager.values_list(col.ref.lookup, f"{col.target}__{key}")
        parents: dict[Any, Any] = dict(stored)
        parents.update((row[key], row.get(col.name)) for row in rows if row.get(key) is not None)
        cycles = parent_cycles(parents, [row[key] for row in rows if row.get(key) is not None])
        for row, number in zip(rows, numbers, strict=True):
            cycle = cycles.get(row.get(key))
            if cycle is None:
                continue
            label = kind.model.lower()
            message = (
                f"an {label} cannot be its own parent"
                if len(cycle) == 2
                else f"parent cycle: {' -> '.join(map(str, cycle))}"
            )
            problems.append(ImportProblem(file, number, col.name, message))


# --- writing --------------------------------------------------------------------------------


def _values(
    kind: Kind, row: dict[str, Any], refs: Refs, model: type[models.Model]
) -> dict[str, Any]:
    """Model field values of a parsed row (references as ids, defaults filled)."""
    out: dict[str, Any] = {}
    for col in kind.columns:
        if col.name not in row:
            if col.default is not None:
                out[col.target] = col.default
            continue
        value = row[col.name]
        if col.ref is not None:
            if col.ref.model == kind.model:
                continue  # self references are set after the rows exist
            out[f"{col.target}_id"] = refs[col.name].get(value) if value is not None else None
        elif value is None:
            out[col.target] = _empty(model, col.target, col.default)
        else:
            out[col.target] = value
    if "attributes" in row:
        merged = dict(out.get("custom_attributes") or {})
        merged.update(row["attributes"])
        out["custom_attributes"] = merged
    return out


def _empty(model: type[models.Model], name: str, default: Any) -> Any:
    if default is not None:
        return default
    field = model._meta.get_field(name)
    if isinstance(field, models.Field) and field.has_default():
        return field.get_default()
    return None


def _key(kind: Kind, values: dict[str, Any], row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        row[k] if kind.column(k).ref is None else values[f"{kind.column(k).target}_id"]
        for k in kind.key
    )


@dataclass
class _Plan:
    """A file's writes, worked out before the write lock: the rows to create as compiled INSERT
    statements (compiling them is most of a large import's time), the rows to update, and what
    they were based on (references and the keys not stored yet), checked again under the lock."""

    refs: Refs
    key_fields: list[str]
    new_keys: list[tuple[Any, ...]]
    inserts: list[tuple[str, Any]]  # one statement per batch of `batch` rows
    batch: int
    update: list[models.Model]
    fields: set[str]
    rows: int


def _plan(kind: Kind, rows: list[dict[str, Any]], refs: Refs) -> _Plan:
    """Create or update each row (reads only)."""
    model = model_of(kind)
    prepared = [(row, _values(kind, row, refs, model)) for row in rows]
    if kind.name == "touchpoints":
        _sentiment(prepared)
    key_fields = [kind.column(k).target + ("_id" if kind.column(k).ref else "") for k in kind.key]
    existing = _existing(model, key_fields, [_key(kind, v, r) for r, v in prepared])
    create: list[models.Model] = []
    new_keys: list[tuple[Any, ...]] = []
    update: list[models.Model] = []
    fields: set[str] = set()
    for row, values in prepared:
        key = _key(kind, values, row)
        obj = existing.get(key)
        if obj is None:
            if kind.model == "User":
                values["password"] = UNUSABLE_PASSWORD  # set it later with createuser/admin
            create.append(model(**values))
            new_keys.append(key)
        else:
            changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
            if changed:
                for k, v in changed.items():
                    setattr(obj, k, v)
                fields.update(changed)
                update.append(obj)
    size, inserts = _insert_sql(model, create)
    return _Plan(refs, key_fields, new_keys, inserts, size, update, fields, len(prepared))


def _insert_sql(
    model: type[models.Model], objs: list[models.Model]
) -> tuple[int, list[tuple[str, Any]]]:
    """The INSERT statements (and parameters) of `bulk_create(objs)`, and rows per statement."""
    fields = [f for f in model._meta.concrete_fields if not f.generated and not f.primary_key]
    if not objs:
        return BATCH, []
    size = min(BATCH, connection.ops.bulk_batch_size(fields, objs) or BATCH)
    out: list[tuple[str, Any]] = []
    for i in range(0, len(objs), size):
        query = InsertQuery(model)
        query.insert_values(fields, objs[i : i + size])
        out.extend(query.get_compiler(connection=connection).as_sql())
    return size, out


def _still_valid(kind: Kind, item: _Checked, plan: _Plan) -> bool:
    """Under the write lock: the references resolve to the same ids and no row to create has
    been stored meanwhile (else the plan is made again, under the lock)."""
    problems: list[ImportProblem] = []
    refs = _resolve(kind, item.file, item.rows, item.numbers, problems)
    if problems or refs != plan.refs:
        return False
    return not _existing(model_of(kind), plan.key_fields, plan.new_keys)


def _apply(
    kind: Kind, rows: list[dict[str, Any]], plan: _Plan, result: Result, progress: Progress | None
) -> None:
    """Run a plan's writes (inside the transaction)."""
    model = model_of(kind)
    with connection.cursor() as cursor:
        for n, (sql, params) in enumerate(plan.inserts, start=1):
            cursor.execute(sql, params)
            if progress:
                progress(min(n * plan.batch, len(plan.new_keys)), plan.rows)
    if plan.update:
        model._default_manager.bulk_update(plan.update, sorted(plan.fields), batch_size=BATCH)
    result.created, result.updated = len(plan.new_keys), len(plan.update)
    result.unchanged = plan.rows - result.created - result.updated
    _self_refs(kind, rows, model)
    if progress:
        progress(plan.rows, plan.rows)


def _existing(
    model: type[models.Model], key_fields: list[str], keys: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], Any]:
    """Existing rows by key, fetched in chunks."""
    out: dict[tuple[Any, ...], Any] = {}
    if len(key_fields) == 1:
        wanted = [k[0] for k in keys]
        for i in range(0, len(wanted), 900):
            for obj in model._default_manager.filter(
                **{f"{key_fields[0]}__in": wanted[i : i + 900]}
            ):
                out[(getattr(obj, key_fields[0]),)] = obj
        return out
    first = sorted({k[0] for k in keys if k[0] is not None})
    for i in range(0, len(first), 900):
        for obj in model._default_manager.filter(**{f"{key_fields[0]}__in": first[i : i + 900]}):
            out[tuple(getattr(obj, f) for f in key_fields)] = obj
    return out


def _self_refs(kind: Kind, rows: list[dict[str, Any]], model: type[models.Model]) -> None:
    """Set references to rows of the same kind (an account's parent) once all rows exist."""
    for col in kind.columns:
        if (
            col.ref is None
            or col.ref.model != kind.model
            or col.name not in (rows[0] if rows else {})
        ):
            continue
        ids = dict(model._default_manager.values_list(col.ref.lookup, "id"))
        current = dict(model._default_manager.values_list("id", f"{col.target}_id"))
        for row in rows:
            own = ids[row[kind.key[0]]]
            target = ids.get(row[col.name]) if row[col.name] is not None else None
            if current.get(own) != target:
                model._default_manager.filter(id=own).update(**{f"{col.target}_id": target})


def _sentiment(prepared: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """The customer's messages (inbound) without a sentiment get the tone of their text."""
    for _, values in prepared:
        inbound = values.get("direction") == "inbound"
        if inbound and values.get("sentiment") is None and values.get("text"):
            values["sentiment"] = tone(values["text"])
