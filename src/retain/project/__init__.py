"""Django wiring: settings, URLs, WSGI, the waitress server and the bootstrap (setup, migrate)."""
