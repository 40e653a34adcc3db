import pytest
from django.core.management import call_command
from django.db import connection


@pytest.fixture
def demo(db):
    """The demo ward of fixtures/demo.json, loaded through the load_demo command."""
    call_command("load_demo", verbosity=0)


@pytest.fixture
def postgres(db):
    """Skip, with the reason, a test that only PostgreSQL can run; CI runs it on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")


@pytest.fixture
def alice(django_user_model):
    """Alice works in the committee's office and may change figures."""
    return django_user_model.objects.create_superuser("alice", "alice@example.org", "pw-alice-123")


@pytest.fixture
def bob(django_user_model):
    """Bob can sign in but has no permission to change anything."""
    return django_user_model.objects.create_user("bob", "bob@example.org", "pw-bob-123")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client
