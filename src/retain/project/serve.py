"""Serve the web app with waitress (a production-grade pure-Python WSGI server)."""

from __future__ import annotations

PROXY_HEADERS = "x-forwarded-proto x-forwarded-host x-forwarded-for"


def proxy_options(trusted_proxy: str) -> dict[str, object]:
    """waitress options that trust the forwarded headers of `trusted_proxy` only (none when
    empty): a request it forwards over HTTPS is then seen as HTTPS, so secure cookies and
    Django's CSRF origin check match what the browser sent."""
    if not trusted_proxy:
        return {}
    return {
        "trusted_proxy": trusted_proxy,
        "trusted_proxy_headers": PROXY_HEADERS,
        "clear_untrusted_proxy_headers": True,
    }


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve Retain on host:port until interrupted."""
    from waitress import serve as waitress_serve

    from retain import settings as rs
    from retain.project.wsgi import application

    options = proxy_options(rs.get("RETAIN_TRUSTED_PROXY").strip())
    waitress_serve(application, host=host, port=port, threads=threads, ident="retain", **options)
