import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from cells.roles import WARD_STAFF
from committees.models import Account, Committee
from targets.models import Evidence, Year

from . import committees, life, sampling
from .helpers import CAU_THIA, signed_in
from .time_limit import TimeLimit

# Tests pin behaviour and query counts, not times (bench/ measures speed): no per-example
# deadline, which a loaded machine running every core's worker would miss now and then.
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")


@pytest.fixture(autouse=True)
def evidence_files(monkeypatch, tmp_path):
    """Evidence files go to a folder of the test's own, never the checkout's (the field took
    its storage from the settings at start-up)."""
    field = Evidence._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path, base_url=None))


@pytest.fixture(autouse=True)
def test_settings(settings):
    """Hashing is slow on purpose; tests that create users need not pay for it. The test
    client speaks plain HTTP, which production settings would redirect to HTTPS."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    # Hashed static names need collectstatic; the pages under test do not.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    # A request in English leaves English active in the thread (Django does not reset it):
    # every test starts in the app's own language.
    translation.activate(settings.LANGUAGE_CODE)


SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@pytest.fixture(autouse=True)
def one_moment_for_the_session(monkeypatch):
    """The requests of a test all come at one moment of the sliding session's clock, so that
    a session is written again only when a test moves its marker back (test_security), never
    because the test ran past a minute: query counts do not depend on how long a test took."""
    now = time.time()
    monkeypatch.setattr("core.middleware.time", SimpleNamespace(time=lambda: now))


def pytest_configure(config):
    config.pluginmanager.register(TimeLimit(), "time_limit")
    sampling.give_the_run_an_id(config)


def pytest_sessionstart(session):
    session.config.started_at = time.time()


@pytest.hookimpl(trylast=True)  # after the slowest tests, so that the time comes last
def pytest_terminal_summary(terminalreporter, config):
    """Say what the year's life tests and the committees' isolation tests asked and were
    answered (tests/life.py, tests/committees.py), which seeds the run's samples drew from,
    where the browser journeys of this run left their screenshots, and how long the run
    took."""
    life.summarize(terminalreporter)
    committees.summarize(terminalreporter)
    sampling.summarize(terminalreporter, config)
    shots = sorted(
        shot
        for shot in SCREENSHOTS.glob("*.png")
        if shot.stat().st_mtime >= getattr(config, "started_at", 0)
    )
    if shots:
        terminalreporter.write_sep("-", f"browser screenshots in {SCREENSHOTS}")
        for shot in shots:
            terminalreporter.write_line(str(shot))
    if hasattr(config, "started_at"):
        workers = getattr(config.option, "numprocesses", None) or 0
        terminalreporter.write_sep(
            "=",
            f"wall time {time.time() - config.started_at:.0f} s with "
            + (f"{workers} workers" if workers else "one process"),
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo ward of fixtures/, loaded once into the test database through the load_demo
    command: every test that uses the database starts from it, and what the test changes is
    rolled back after it. Tests that need transactions of their own (threads, another login)
    run after all the others, as pytest-django orders them; Django empties the database after
    each of those, and they load what they need themselves."""
    with django_db_blocker.unblock():
        load_committees()


def load_committees():
    """The demo's committee, Cầu Thia, and an illustrative commune beside it under the same
    province, with the same years, target keys and cell numbers: every test runs with a second
    committee in the database, and what it finds of Cầu Thia's must be Cầu Thia's."""
    call_command("load_demo", verbosity=0)
    call_command(
        "generate_communes",
        "--count=1",
        "--superior=lao-cai",
        f"--template={CAU_THIA}",
        verbosity=0,
    )


@pytest.fixture
def demo(db):
    """The demo ward: already there, but after a test with transactions of its own."""
    if not Year.objects.exists():
        load_committees()


@pytest.fixture
def postgres(db):
    """Skip, with the reason, a test that only PostgreSQL can run; CI runs it on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")


@pytest.fixture
def alice(django_user_model):
    """Alice works in the committee's office (ward staff): she sees and edits everything."""
    user = django_user_model.objects.create_user(
        "alice", "alice@example.org", "pw-alice-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=WARD_STAFF))
    Account.objects.create(user=user, committee=Committee.objects.get(slug=CAU_THIA))
    return user


@pytest.fixture
def bob(django_user_model):
    """Bob can sign in but has no role: he reads the ward's targets and changes nothing."""
    user = django_user_model.objects.create_user("bob", "bob@example.org", "pw-bob-123")
    Account.objects.create(user=user, committee=Committee.objects.get(slug=CAU_THIA))
    return user


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def bithu(demo, django_user_model):
    """A client signed in as the demo's ward secretary (bithu, Văn phòng Đảng ủy group)."""
    return signed_in(django_user_model.objects.get(username="bithu"))


@pytest.fixture
def secretary(demo, django_user_model):
    """The demo's secretary of cell N (chiboN), as a function of N."""

    def of(number):
        return django_user_model.objects.get(username=f"chibo{number}")

    return of
