"""Serve the web app with waitress (a production-grade pure-Python WSGI server)."""

from __future__ import annotations


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve Retain on host:port until interrupted."""
    from waitress import serve as waitress_serve

    from retain.project.wsgi import application

    waitress_serve(application, host=host, port=port, threads=threads, ident="retain")
