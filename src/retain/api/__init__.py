"""Retain's REST API (django-ninja), mounted at /api/ with its OpenAPI document and docs.

`retain.api.main.api` is the NinjaAPI; each module holds one family of endpoints; the ORM work
lives in `services`, `tokens` and the query functions next to the read-only endpoints.
"""
