"""HTTP endpoints compatible with Segment's tracking API: `/v1/batch`, `/v1/track`, ...

Answers:
- 200 `{"success": true, ...}` once every message of the request is committed;
- 400 `invalid_messages` when some messages were rejected (the others are committed), with
  the index and reason of each in `errors`; rejected messages are quarantined for replay;
- 400 `invalid_json` / `invalid_gzip` / `invalid_body` for an unreadable body (quarantined);
- 401 `invalid_write_key`, 405 `method_not_allowed`, 413 `too_large`, 415 `unsupported_encoding`;
- 503 `store_unavailable` when the store could not commit (nothing was stored; retry): only
  ever a failure of the store, never a bad message (those are rejected and quarantined);
- 500 `internal_error` for a bug (logged with its traceback), in the same JSON shape.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import zlib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from retain.app.models import Source
from retain.core.tracking import (
    MAX_BATCH_BYTES,
    MAX_MESSAGE_BYTES,
    BodyError,
    Problem,
    Rejected,
    Validated,
    read_json,
    storable,
    validate_batch,
    validate_single,
)
from retain.ingest import service, sources
from retain.ingest.committer import Committer
from retain.ingest.service import Outcome, Submission

log = logging.getLogger("retain.ingest")
COMMITTER: Committer[Submission, Outcome] = Committer(service.write)
View = Callable[[HttpRequest], HttpResponse]


class HttpProblem(Exception):
    """An answer other than 200, in the API's one error shape."""

    def __init__(
        self, status: int, code: str, message: str, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.problems = problems or []

    def response(self) -> JsonResponse:
        """`{"code", "message", "errors": [{"loc", "msg"}]}` with the status."""
        body = {
            "code": self.code,
            "message": self.message,
            "errors": [p.as_dict() for p in self.problems],
        }
        response = JsonResponse(body, status=self.status)
        if self.status == 401:
            response["WWW-Authenticate"] = 'Basic realm="retain", charset="UTF-8"'
        if self.status == 503:
            response["Retry-After"] = "1"
        return response


def endpoint(call: str) -> View:
    """The view for one call type (`batch` for `/v1/batch`)."""

    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        try:
            return _handle(request, call)
        except HttpProblem as problem:
            return problem.response()
        except Exception as exc:  # a bug: still the API's JSON shape, never an HTML page
            log.exception("ingest /v1/%s failed", call)
            msg = f"unexpected error ({type(exc).__name__}); it was logged"
            return HttpProblem(500, "internal_error", msg, [Problem(("body",), msg)]).response()

    view.__name__ = f"ingest_{call}"
    view.__doc__ = f"POST /v1/{call}: Segment-compatible {call} call."
    return view


def _handle(request: HttpRequest, call: str) -> HttpResponse:
    if request.method != "POST":
        raise HttpProblem(405, "method_not_allowed", f"use POST /v1/{call}")
    received_at = dt.datetime.now(dt.UTC)
    limit = MAX_BATCH_BYTES if call == "batch" else MAX_MESSAGE_BYTES
    raw = _body(request, limit)
    header_key = _basic_key(request)
    source = _authenticate(header_key) if header_key is not None else None
    submission = Submission(source.id if source else None, call, received_at)
    try:
        payload = _json(raw, call)
        if source is None:
            source = _authenticate(_body_key(payload))
            submission.source_id = source.id
        submission.batch_sent_at = _sent_at_text(payload, call)
        validated = _validate(payload, call, received_at, source.calls)
    except HttpProblem as problem:
        if source is not None and problem.status == 400:
            text = storable(raw.decode("utf-8", errors="replace"))
            submission.rejected = [Rejected(None, text, tuple(problem.problems))]
            _commit(submission)
        raise
    submission.accepted, submission.rejected = validated.accepted, validated.rejected
    return _answer(_commit(submission), validated)


def _body(request: HttpRequest, limit: int) -> bytes:
    """The request body, gunzipped, refused past `limit` bytes (compressed or not)."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise _too_large(len(raw), limit)
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding == "gzip":
        return _gunzip(raw, limit)
    if encoding not in ("", "identity"):
        raise HttpProblem(415, "unsupported_encoding", f"Content-Encoding {encoding!r}: use gzip")
    return raw


def _gunzip(raw: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error as exc:
        raise HttpProblem(
            400,
            "invalid_gzip",
            f"the body is not valid gzip ({exc})",
            [Problem(("body",), str(exc))],
        ) from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise _too_large(len(out), limit, " once decompressed")
    return out


def _too_large(size: int, limit: int, how: str = "") -> HttpProblem:
    what = "a batch" if limit == MAX_BATCH_BYTES else "one message"
    msg = f"the body is {size:,}+ bytes{how}; {what} may be at most {limit // 1024} KB"
    hint = "; send smaller batches" if limit == MAX_BATCH_BYTES else ""
    return HttpProblem(413, "too_large", msg + hint, [Problem(("body",), msg)])


def _basic_key(request: HttpRequest) -> str | None:
    """The write key of a Basic `Authorization` header (the user name), or None."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise HttpProblem(401, "invalid_write_key", "use HTTP Basic auth with the write key")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise HttpProblem(
            401, "invalid_write_key", "the Basic credentials are not base64"
        ) from None
    return decoded.partition(":")[0]


def _body_key(payload: Any) -> str:
    key = payload.get("writeKey") if isinstance(payload, dict) else None
    if not isinstance(key, str) or not key:
        raise HttpProblem(
            401,
            "invalid_write_key",
            "no write key: send it as the user name of HTTP Basic auth (or as writeKey)",
        )
    return key


def _authenticate(key: str) -> Source:
    source = sources.authenticate(key)
    if source is None:
        raise HttpProblem(401, "invalid_write_key", "unknown write key; see `retain sources list`")
    if source.revoked:
        raise HttpProblem(401, "invalid_write_key", f"the write key of {source.name!r} was revoked")
    return source


def _json(raw: bytes, call: str) -> Any:
    try:
        return read_json(raw, batch=call == "batch")
    except BodyError as exc:
        raise HttpProblem(400, exc.code, exc.message, exc.problems) from None


def _sent_at_text(payload: Any, call: str) -> str:
    sent_at = payload.get("sentAt") if call == "batch" and isinstance(payload, dict) else None
    return storable(sent_at)[:64] if isinstance(sent_at, str) else ""


def _validate(
    payload: Any, call: str, received_at: dt.datetime, allowed: tuple[str, ...] | None
) -> Validated:
    try:
        if call == "batch":
            return validate_batch(payload, received_at, allowed=allowed)
        return validate_single(payload, call, received_at, allowed=allowed)
    except BodyError as exc:
        raise HttpProblem(400, exc.code, exc.message, exc.problems) from None


def _commit(submission: Submission) -> Outcome:
    try:
        return COMMITTER.submit(submission)
    except service.UNAVAILABLE as exc:  # only the store failing; bad messages never get here
        log.exception("ingest write failed")
        raise HttpProblem(
            503, "store_unavailable", f"nothing was stored, retry later ({type(exc).__name__})"
        ) from None


def _answer(outcome: Outcome, validated: Validated) -> JsonResponse:
    accepted = len(validated.accepted) - len(outcome.refused)
    counts = {"accepted": accepted, "duplicates": outcome.duplicates}
    rejected = sorted(
        [*validated.rejected, *outcome.refused], key=lambda r: -1 if r.index is None else r.index
    )
    if not rejected:
        return JsonResponse({"success": True, **counts})
    problems = [p for r in rejected for p in r.problems]
    n = len(rejected)
    message = (
        f"{n} message{'s' if n != 1 else ''} rejected and quarantined for replay; "
        f"the other {accepted} were stored"
    )
    body = {
        "code": "invalid_messages",
        "message": message,
        "errors": [p.as_dict() for p in problems],
        "rejected": n,
        **counts,
    }
    return JsonResponse(body, status=400)
