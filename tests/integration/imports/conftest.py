"""Fixtures for the import tests: a contact of a known account, for events to attach to."""

from __future__ import annotations

import pytest

from retain.app import models as m


@pytest.fixture
def ann(db: None) -> m.Contact:
    """Ann, a contact of the account Acme."""
    acme = m.Account.objects.create(external_id="acme", name="Acme")
    return m.Contact.objects.create(external_id="ann", account=acme)
