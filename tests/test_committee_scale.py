"""A page of one committee costs the same queries however many committees the installation
hosts: every page of a year that Cầu Thia's office opens, and every page of the roll-up that
the province's office opens, counted with the demo and its neighbour commune, and again with a
hundred more communes beside them (generate_communes).

The pages are every URL pattern of the project (test_access.url_patterns): a new page is counted
without a line here. The hundred communes are made once for this module, in a transaction
rolled back at its end, and are small (one cell, one year each): what a page must not depend
on is how many committees there are, not how big each is."""

from unittest.mock import patch

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cells.models import Task
from cells.roles import WARD_STAFF
from committees.models import Account, Committee
from targets.models import Evidence, Figure, Year

from .helpers import CAU_THIA, signed_in
from .test_access import ROLLUP, make_evidence, make_import, url_of, url_patterns

# The module's tests use the database (pytest-django sets it up only for such tests).
pytestmark = pytest.mark.django_db

COMMUNES = 100
YEAR = 2024
PROVINCE = "lao-cai"


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
    # A roll-up is the province's: its pages are counted at Lào Cai, by its office.
    return {
        route.key: url_of(
            route, values | {"committee": PROVINCE} if route.key in ROLLUP else values
        )
        for route in url_patterns()
        if route.name
    }


def signed_in_user(username):
    return get_user_model().objects.get(username=username)


def queries_of(clients, key, address):
    """The queries of the page ``key`` at ``address``, opened by Cầu Thia's office, or a
    roll-up by the province's."""
    client = clients["province" if key in ROLLUP else "office"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code != 301, address  # (no redirect to HTTPS: see ``counted``)
    if key in ROLLUP:
        assert response.status_code in (200, 302), address
    return len(queries)


def province_staff():
    """An office user of the province, who reads its roll-up."""
    user = get_user_model().objects.create_user("vp-lao-cai", is_staff=True)
    user.groups.add(Group.objects.get(name=WARD_STAFF))
    Account.objects.create(user=user, committee=Committee.objects.get(slug=PROVINCE))
    return user


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
        clients = {
            "office": signed_in(signed_in_user("bithu")),
            "province": signed_in(province_staff()),
        }
        for key in (
            next(k for k in pages if k not in ROLLUP),
            next(k for k in pages if k in ROLLUP),
        ):
            queries_of(clients, key, pages[key])  # the sessions, warmed
        before = {key: queries_of(clients, key, address) for key, address in pages.items()}
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
        yield pages, before, clients, storage
        transaction.set_rollback(True)


def test_a_hundred_communes_are_there(counted):
    assert Committee.objects.filter(slug__startswith="xa-minh-hoa-").count() >= COMMUNES


def test_every_page_costs_the_same_queries_with_a_hundred_committees(counted):
    pages, before, clients, storage = counted
    with patch.object(Evidence._meta.get_field("file"), "storage", storage):
        after = {key: queries_of(clients, key, address) for key, address in pages.items()}
    print(
        f"{len(pages)} pages counted with {COMMUNES} more committees: {sum(after.values())} queries"
    )
    assert after == before
