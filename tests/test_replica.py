"""Reads on a streaming replica (core.replica): a marked page reads the replica, every write and
the same browser's pages for REPLICA_PIN_SECONDS after it read the primary, and nothing changes
without a replica.

The pages below stand for the roll-up and the API, marked each way a view can be. Where no
replica is configured, the module gives the test database a second connection that stands for
one (as DATABASE_REPLICA_URL does under tests: a mirror of the test database), so that which
connection each query took can be told on any database. The last test runs against a real
PostgreSQL streaming replica (.ci/run makes one): skipped with the reason without one, a failure
on CI with PostgreSQL.
"""

import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.http import JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils.decorators import method_decorator
from rest_framework.response import Response
from rest_framework.views import APIView

from committees.models import Committee
from core.replica import PIN_COOKIE, REPLICA, replica_reads

# The longest a test waits for the replica to replay what the primary wrote.
REPLAY_WAIT_SECONDS = 10


def committees_read(request):
    """The committees' keys, after starting one for a POST: a page of the roll-up's kind."""
    if request.method == "POST":
        Committee.objects.create(name=request.POST["name"], slug=request.POST["slug"])
    return JsonResponse({"committees": list(Committee.objects.values_list("slug", flat=True))})


@login_not_required
@replica_reads
def marked(request):
    return committees_read(request)


@login_not_required
def unmarked(request):
    return committees_read(request)


@login_not_required
@replica_reads
def servers(request):
    """Each committee with whether the server it was read from is a standby (PostgreSQL)."""
    rows = Committee.objects.raw(
        f"SELECT id, slug, pg_is_in_recovery() AS standby FROM {Committee._meta.db_table}"
    )
    return JsonResponse({"committees": {row.slug: row.standby for row in rows}})


class OpenApi(APIView):
    """An API view anyone may read, as often as they like (not marked)."""

    authentication_classes = permission_classes = throttle_classes = ()

    def get(self, request):
        return Response({"committees": Committee.objects.count()})


@method_decorator(replica_reads, name="dispatch")
class DecoratedApi(OpenApi):
    """An API view marked through method_decorator."""


class AttributeApi(OpenApi):
    """An API view marked by its class attribute."""

    replica_reads = True


urlpatterns = [
    path("marked/", marked),
    path("unmarked/", unmarked),
    path("servers/", servers),
    path("api/open/", login_not_required(OpenApi.as_view())),
    path("api/decorated/", login_not_required(DecoratedApi.as_view())),
    path("api/attribute/", login_not_required(AttributeApi.as_view())),
]

pytestmark = pytest.mark.urls(__name__)
BOTH = [DEFAULT_DB_ALIAS, REPLICA]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The replica's connection: the configured one, or else a second connection to the test
    database that stands for it, for the module's tests."""
    if REPLICA in connections.settings:
        yield
        return
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = primary | {"TEST": primary["TEST"] | {"MIRROR": "default"}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def clock(monkeypatch):
    """The moment core.replica reads, which a test moves on."""
    moment = SimpleNamespace(now=1_800_000_000.0)
    monkeypatch.setattr("core.replica.time", SimpleNamespace(time=lambda: moment.now))
    return moment


def queries(client, address, data=None):
    """The response to a GET of ``address`` (a POST of ``data``), and how many queries it sent
    to the primary and to the replica."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(address) if data is None else client.post(address, data)
    assert response.status_code == 200, response.content
    return response, len(primary), len(replica)


def start(client, key):
    """Start a committee through the marked page's POST: (primary, replica) queries."""
    _, primary, replica = queries(client, "/marked/", {"name": f"Đảng bộ {key}", "slug": key})
    return primary, replica


@pytest.mark.django_db(transaction=True, databases=BOTH)
@pytest.mark.parametrize("address", ["/marked/", "/api/decorated/", "/api/attribute/"])
def test_a_marked_page_reads_the_replica_only(address):
    _, primary, replica = queries(Client(), address)
    assert (primary, replica) == (0, 1)


@pytest.mark.django_db(transaction=True, databases=BOTH)
@pytest.mark.parametrize("address", ["/unmarked/", "/api/open/"])
def test_a_page_not_marked_reads_the_primary(address):
    _, primary, replica = queries(Client(), address)
    assert (primary, replica) == (1, 0)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_write_and_that_browsers_pages_after_it_read_the_primary_only(clock):
    writer, reader = Client(), Client()
    primary, replica = start(writer, "xa-moi")
    assert primary > 0 and replica == 0
    clock.now += settings.REPLICA_PIN_SECONDS - 0.1
    response, primary, replica = queries(writer, "/marked/")
    assert (primary, replica) == (1, 0)
    assert "xa-moi" in response.json()["committees"]
    # Another browser, which wrote nothing, reads the replica.
    assert queries(reader, "/marked/")[1:] == (0, 1)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_pin_ends_after_REPLICA_PIN_SECONDS(clock):
    writer = Client()
    start(writer, "xa-moi")
    clock.now += settings.REPLICA_PIN_SECONDS
    assert queries(writer, "/marked/")[1:] == (0, 1)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_without_a_pin_the_page_after_a_write_reads_the_replica(settings):
    settings.REPLICA_PIN_SECONDS = 0
    writer = Client()
    start(writer, "xa-moi")
    assert PIN_COOKIE not in writer.cookies
    assert queries(writer, "/marked/")[1:] == (0, 1)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_pin_the_server_did_not_sign_pins_nothing(clock):
    browser = Client()
    browser.cookies[PIN_COOKIE] = str(clock.now)
    assert queries(browser, "/marked/")[1:] == (0, 1)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_pin_is_a_cookie_out_of_scripts_reach_lasting_the_pin(clock, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = Client().post("/marked/", {"name": "Đảng bộ xã Mới", "slug": "xa-moi"})
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == int(settings.REPLICA_PIN_SECONDS)


@pytest.mark.django_db
def test_inside_a_transaction_on_the_primary_a_marked_page_reads_the_primary():
    """As every test that does not commit runs: its rows are the primary's until it ends, and a
    query of the replica's connection would fail it (the test may use the primary only)."""
    Committee.objects.create(name="Đảng bộ xã Mới", slug="xa-moi")
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
        response = Client().get("/marked/")
    assert len(primary) == 1
    assert "xa-moi" in response.json()["committees"]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_writes_and_migrations_go_to_the_primary_and_rows_of_both_relate():
    assert start(Client(), "tinh")[1] == 0
    assert router.db_for_write(Committee) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "committees") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "committees") is True
    superior = Committee.objects.get(slug="tinh")
    superior._state.db = REPLICA  # as a marked page reads it
    commune = Committee(name="Đảng bộ xã Mới", slug="xa-moi")
    commune.superior = superior  # refused if the router forbade the relation
    commune.save()
    assert Committee.objects.get(slug="xa-moi").superior.slug == "tinh"


def run_settings(code, **env):
    """Start Django in a process of its own with ``env`` (the replica's variables only from it),
    and run ``code``."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environ | {"DJANGO_SETTINGS_MODULE": "cauthia.settings"} | SERVER | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


# A development server that answers the test client's host name.
SERVER = {"DEBUG": "1", "ALLOWED_HOSTS": "testserver"}
# What a server makes of the database settings: its aliases, what its router answers for a
# committee, and the cookies it answers a POST with (to a page that reads no database).
DATABASES_SEEN = """
from django.conf import settings
from django.db import router
from django.test import Client
from committees.models import Committee
reads = router.routers[0]
print(*sorted(settings.DATABASES))
print(reads.db_for_read(Committee), reads.db_for_write(Committee))
print(reads.allow_migrate('replica', 'committees'), reads.allow_migrate('default', 'committees'))
print(*Client().post('/health/').cookies, '.')
"""


def test_without_a_replica_the_router_answers_nothing_and_no_browser_is_pinned():
    assert run_settings(DATABASES_SEEN) == ["default", "None", "None", "None", "None", "."]


def test_database_replica_url_adds_the_replica_for_the_router_and_the_pin():
    replica_url = "postgres://reader@replica.example:5433/cauthia"
    assert run_settings(DATABASES_SEEN, DATABASE_REPLICA_URL=replica_url) == [
        *["default", "replica", "default", "default", "False", "True"],
        *[PIN_COOKIE, "."],
    ]
    where = (
        "from django.conf import settings; r = settings.DATABASES['replica']; "
        "print(r['HOST'], r['PORT'], r['NAME'], r['TEST']['MIRROR']); "
        "m = settings.MIDDLEWARE; print(m[m.index('core.replica.PrimaryAfterWriteMiddleware') - 1])"
    )
    assert run_settings(where, DATABASE_REPLICA_URL=replica_url) == [
        *["replica.example", "5433", "cauthia", "default"],
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]


@pytest.fixture
def streaming_replica():
    """The replica's connection, when it leads to a PostgreSQL streaming replica of the primary
    and its copy of the test database. Skipped with the reason without one; on CI (CI=true) with
    PostgreSQL, that is a failure."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and a streaming replica of it (CI makes both)")
    if not os.environ.get("DATABASE_REPLICA_URL"):
        if os.environ.get("CI") == "true":
            pytest.fail("DATABASE_REPLICA_URL is not set: CI must run this test on a replica")
        pytest.skip("needs a streaming replica: set DATABASE_REPLICA_URL=postgres://… (CI does)")
    replica = connections[REPLICA]
    assert replica.settings_dict["NAME"] == connection.settings_dict["NAME"]
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "DATABASE_REPLICA_URL does not lead to a standby"
    # The throwaway cluster commits without waiting for its WAL to be written
    # (synchronous_commit off): here a commit waits, so the primary's WAL position covers it.
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")
    yield replica
    with connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")


def replayed(replica):
    """Wait until the replica has replayed the primary's WAL as it is now: the seconds it took."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        position = cursor.fetchone()[0]
    started = time.monotonic()
    while time.monotonic() - started < REPLAY_WAIT_SECONDS:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            if cursor.fetchone()[0]:
                return time.monotonic() - started
        time.sleep(0.005)
    pytest.fail(f"the replica did not replay {position} in {REPLAY_WAIT_SECONDS} s")


def read_servers(client):
    """{committee: read from a standby} as the marked page read them."""
    return queries(client, "/servers/")[0].json()["committees"]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_streaming_replica_serves_marked_pages_and_the_primary_the_page_after_a_write(
    streaming_replica, clock, record_property
):
    writer, reader = Client(), Client()
    start(writer, "xa-a")
    record_property("replay_seconds", replayed(streaming_replica))
    seen = read_servers(reader)
    assert "xa-a" in seen
    assert set(seen.values()) == {True}, "a marked page read the primary"

    with streaming_replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        start(writer, "xa-b")
        # The replica has not replayed it: the writer's page reads the primary, and shows it.
        seen = read_servers(writer)
        assert "xa-b" in seen
        assert set(seen.values()) == {False}
        assert "xa-b" not in read_servers(reader)
    finally:
        with streaming_replica.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    record_property("replay_seconds_after_pause", replayed(streaming_replica))
    assert "xa-b" in read_servers(reader)
