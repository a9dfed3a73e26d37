"""Helpers for the page tests: log in as a demo account, find demo objects by name, read the audit log."""
import pytest
from django.contrib.auth import get_user_model

from chainchief.audit.models import AuditEvent
from chainchief.chains.models import Chain


@pytest.fixture
def login(demo_db, client):
    """login(username) → the test client logged in as that demo account."""

    def as_user(username):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return as_user


def chain(name):
    return Chain.objects.get(name=name)


def text(response):
    return response.content.decode()


def last_event(model, pk, action=None):
    qs = AuditEvent.objects.filter(content_type__model=model._meta.model_name, object_id=str(pk))
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-id").first()
