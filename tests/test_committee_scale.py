"""A page of one committee costs the same queries however many committees the installation
hosts: every page of a year that Cầu Thia's office opens, counted with the demo and its
neighbour commune, and again with a hundred more communes beside them (generate_communes).

The pages are every URL pattern of the project (test_access.url_patterns): a new page is counted
without a line here. The hundred communes are made once for this module, in a transaction
rolled back at its end, and are small (one cell, one year each): what a page must not depend
on is how many committees there are, not how big each is."""

from unittest.mock import patch

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cells.models import Task
from committees.models import Committee
from targets.models import Evidence, Figure, Year

from .helpers import CAU_THIA, signed_in
from .test_access import make_evidence, make_import, url_of, url_patterns

# The module's tests use the database (pytest-django sets it up only for such tests).
pytestmark = pytest.mark.django_db

COMMUNES = 100
YEAR = 2024


def addresses():
    """{pattern: address} of every pattern, filled with Cầu Thia's rows of YEAR."""
    year = Year.objects.get(committee__slug=CAU_THIA, year=YEAR)
    figure = Figure.objects.select_related("target").filter(year=year).first()
    bithu = signed_in_user("bithu")
    values = {
        "committee": CAU_THIA,
        "year": YEAR,
        "cell": 3,
        "target": figure.target.slug,
        "shared_target": "trong-cay-phan-tan",
        "task": Task.objects.filter(year=year, cell__number=3).first(),
        "import": make_import(year, bithu, {}),
        "evidence": make_evidence(figure, bithu),
    }
    return {route.key: url_of(route, values) for route in url_patterns() if route.name}


def signed_in_user(username):
    return get_user_model().objects.get(username=username)


def queries_of(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code != 301, address  # (no redirect to HTTPS: see ``counted``)
    return len(queries)


@pytest.fixture(scope="module")
def counted(django_db_setup, django_db_blocker, tmp_path_factory):
    """({pattern: address}, {pattern: queries before}, the office's client, the evidence
    files' storage), with a hundred
    communes added after the first count and rolled back after the module. The settings and
    evidence storage every test has (tests/conftest.py) are made here for the module."""
    storage = FileSystemStorage(location=tmp_path_factory.mktemp("evidence"), base_url=None)
    field = Evidence._meta.get_field("file")
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(
            SECURE_SSL_REDIRECT=False,
            STORAGES=settings.STORAGES
            | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
        ),
        patch.object(field, "storage", storage),
    ):
        pages = addresses()
        client = signed_in(signed_in_user("bithu"))
        queries_of(client, pages[next(iter(pages))])  # the session, warmed
        before = {key: queries_of(client, address) for key, address in pages.items()}
        call_command(
            "generate_communes",
            f"--count={COMMUNES}",
            "--superior=lao-cai",
            f"--template={CAU_THIA}",
            "--cells=1",
            f"--years={YEAR}",
            verbosity=0,
        )
        assert Committee.objects.count() >= COMMUNES + 2
        yield pages, before, client, storage
        transaction.set_rollback(True)


def test_a_hundred_communes_are_there(counted):
    assert Committee.objects.filter(slug__startswith="xa-minh-hoa-").count() >= COMMUNES


def test_every_page_costs_the_same_queries_with_a_hundred_committees(counted):
    pages, before, client, storage = counted
    with patch.object(Evidence._meta.get_field("file"), "storage", storage):
        after = {key: queries_of(client, address) for key, address in pages.items()}
    print(
        f"{len(pages)} pages counted with {COMMUNES} more committees: {sum(after.values())} queries"
    )
    assert after == before
