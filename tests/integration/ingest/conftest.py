"""Fixtures for the ingest API: a write key, JSON posting, and `retain serve` on loopback."""

from __future__ import annotations

import base64
import gzip as gz
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import pytest
from django.test import Client

from retain.bench import ingest as bench
from retain.ingest import sources
from tests.conftest import database_url


@pytest.fixture
def write_key(db: None) -> str:
    """A fresh source's write key."""
    return sources.create("test-source")[1]


def auth(key: str) -> str:
    """An HTTP Basic Authorization header with the write key as user name."""
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def post(
    client: Client, path: str, body: Any, key: str | None, *, gzip: bool = False
) -> tuple[int, dict[str, Any]]:
    """POST a body (JSON-encoded unless bytes) to the in-process app; status and JSON answer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers: dict[str, str] = {}
    if key is not None:
        headers["Authorization"] = auth(key)
    if gzip:
        data = gz.compress(data)
        headers["Content-Encoding"] = "gzip"
    response = client.post(path, data, content_type="application/json", headers=headers)
    return response.status_code, response.json()


@dataclass
class Server:
    """A `retain serve` subprocess on a free loopback port, on the test database."""

    port: int
    log: IO[bytes]
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = os.environ | {"RETAIN_DATABASE_URL": database_url()}
        self.proc = bench.start_server(self.port, 8, env, self.log)

    def kill(self) -> None:
        """kill -9: no chance to clean up."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture
def server(transactional_db: None) -> Iterator[Server]:
    """`retain serve` on the test database (committed data: a transactional test)."""
    with tempfile.TemporaryFile() as log:
        srv = Server(bench.free_port(), log)
        srv.start()
        try:
            yield srv
        finally:
            srv.stop()
