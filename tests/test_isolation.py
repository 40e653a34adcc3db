"""Committees never cross. Every address of a committee's pages, of the province of Lào Cai and
of the communes Cầu Thia and Minh Hòa under it (tests/committees.py), is asked for, GET and POST,
by each role of each committee and by a superuser.

A committee the user may not read is not there: its every address is not found (404), as in a
committee no one set up, but where the page refuses the role or the method before any committee
is looked up (403, 405), as it does in a committee no one set up. The province's office staff
read the communes under it: every page their role opens opens there too, a page that is only
read with 200, and every change is refused (403). A user's own committee is found
(tests/test_access.py and tests/test_cell_access.py say what each page answers there), and a
superuser finds every one.

No refused request changes a row, of any app; no page names a committee its user may not read
(but those above their own); no redirect leads into one. The addresses that name no committee
(the sign-in, the addresses of before) lead only into the user's own, and another committee's
row named in one is not found. The patterns are walked from the URLconf: a page added is asked
for without a test naming it.
"""

import re
from collections import Counter
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.urls import Resolver404, resolve

from targets.models import Evidence, RatingFeed, Year

from . import committees
from .committees import (
    CAU_THIA,
    LAO_CAI,
    MINH_HOA,
    NO_ROLE,
    PLACES,
    ROLES,
    SECRETARY,
    STAFF,
    SUPERIOR,
    SUPERUSER,
)
from .conftest import load_committees
from .helpers import signed_in
from .test_access import READ, STAFF_READ, argument_kinds, expected_answers, snapshot, url_of
from .test_access import url_patterns as project_patterns

COMMITTEES = (LAO_CAI, CAU_THIA, MINH_HOA)
PEOPLE = [(key, role) for key, roles in ROLES.items() for role in roles] + [(None, SUPERUSER)]
NOWHERE = "xa-chua-lap"  # the key of a committee no one set up
# What a form posts: enough for most pages to save something, were a refused one to save.
POSTED = {
    "plan": "1",
    "actual": "1",
    "description": "Nhiệm vụ thử",
    "responsible": "Bí thư chi bộ",
    "text": "Ghi chú thử",
    "members": "1",
    "rating": "good",
    "stage": "final",
    "reason": "Lý do thử",
    "version": "1",
    "feed": RatingFeed.CELLS_GOOD,
}
# A user with no role works on no cell: the cells' page, which sends a cell secretary on to their
# own cell, finds none for them.
NO_CELL = {"cells:overview"}
HELP = re.compile(r'<(\w+)\b[^>]*\bid="[^"]*_helptext"[^>]*>.*?</\1>', re.S)
# The rows an object fills an address with: an address naming one names its committee's row.
ROWS = {"task", "import", "evidence"}


@pytest.fixture(scope="module")
def everyone(django_db_setup, django_db_blocker, tmp_path_factory):
    """tests/committees.py's committees and people, built once for the module in a transaction
    rolled back after its last test (each test's own transaction nests inside it), and the
    storage of their evidence files."""
    storage = FileSystemStorage(location=tmp_path_factory.mktemp("evidence"), base_url=None)
    with (
        pytest.MonkeyPatch.context() as patch,
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        patch.setattr(Evidence._meta.get_field("file"), "storage", storage)
        if not Year.objects.exists():  # emptied by a test with transactions of its own
            load_committees()
        yield committees.build(), storage
        transaction.set_rollback(True)


@pytest.fixture
def people(everyone, db, monkeypatch):
    built, storage = everyone
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storage)
    return built


def person_id(who):
    key, role = who
    return f"{role}-of-{key}".replace(" ", "-") if key else role


def patterns(naming_committee):
    """The project's URL patterns whose address names a committee, or those that name none."""
    return [
        route
        for route in project_patterns()
        if ("committee" in argument_kinds(route).values()) == naming_committee
    ]


def reads(person, key):
    """Whether ``person`` may read the committee keyed ``key``: their own, one under it for
    its office staff, any for a superuser."""
    if person.role == SUPERUSER or person.committee == key:
        return True
    return person.role == STAFF and SUPERIOR.get(key) == person.committee


def relation(person, key):
    if person.role == SUPERUSER or person.committee == key:
        return "own"
    return "read from above" if reads(person, key) else "not readable"


def role_of(person):
    """How tests/test_access.py names the person's role: staff (a superuser alike) or, for a
    user without the committee-wide view of cells, secretary."""
    return "staff" if person.role in (STAFF, SUPERUSER) else "secretary"


def outright(person, route, method, own):
    """The answer the page gives ``person`` whatever committee it names (403 for a role the
    page refuses, 405 for a method it does not take), or None."""
    expected = expected_answers(route.key, role_of(person), method, own)
    return next(iter(expected)) if len(expected) == 1 and expected <= {403, 405} else None


def is_own_cell(person, route, key):
    """Whether the address is of the person's own cell (None for a page of no cell): every
    address is filled with cell OWN_CELL, the cell of each committee's secretary."""
    if "cell" not in argument_kinds(route).values():
        return None
    return person.role == SECRETARY and person.committee == key


def ask(person, client, method, address, rolled_back):
    """``client``'s answer to ``method`` at ``address``, checked for names and redirects the
    person may not see; what the request wrote is undone if ``rolled_back``."""
    data = POSTED if method == "post" else None
    with transaction.atomic():
        response = getattr(client, method)(address, data)
        transaction.set_rollback(rolled_back)
    assert not unseen_names(person, response), (method, address, unseen_names(person, response))
    assert leads_where_seen(person, response), (method, address, response["Location"])
    return response.status_code


def unseen_names(person, response):
    """The places of committees the person may not read (but those above their own) that the
    page names."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    # A form's help names Cầu Thia as an example: words of the app, not of a committee.
    text = unescape(HELP.sub("", response.content.decode()))
    above = {SUPERIOR.get(person.committee)}
    return [
        PLACES[key]
        for key in COMMITTEES
        if not reads(person, key) and key not in above and PLACES[key] in text
    ]


def leads_where_seen(person, response):
    """Whether a redirect leads to a page of a committee the person may read, or of none."""
    if response.status_code not in (301, 302):
        return True
    try:
        found = resolve(urlsplit(response["Location"]).path)
    except Resolver404:
        return False
    key = found.kwargs.get("committee")
    return key is None or reads(person, key)


def elsewhere(address, key):
    """The same address in the committee no one set up."""
    assert address.startswith(f"/{key}/"), address
    return f"/{NOWHERE}/{address.removeprefix(f'/{key}/')}"


def everything():
    """Every row of the project's apps, the committees' and the users'."""
    rows = snapshot()
    for app in ("committees", "auth"):
        for model in apps.get_app_config(app).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def tally(request, person, key, answers):
    """The test's requests and answers, for the run's summary (committees.summarize): by how
    the person stands to the committee (none, for addresses of no committee)."""
    statuses = Counter(status for _, _, status in answers)
    request.node.user_properties.append(
        (
            committees.PROPERTY,
            {
                "who": str(person),
                "committee": key,
                "relation": key and relation(person, key),
                "requests": len(answers),
                "patterns": sorted({route for route, _, _ in answers}),
                "statuses": {str(status): n for status, n in statuses.items()},
            },
        )
    )


@pytest.mark.parametrize("method", ("get", "post"))
@pytest.mark.parametrize("key", COMMITTEES)
@pytest.mark.parametrize("who", PEOPLE, ids=person_id)
def test_a_committee_answers_each_role_of_every_committee_as_it_may_read_it(
    people, request, who, key, method
):
    """Every pattern naming a committee, by one person at one committee's addresses, with one
    method. A refusal that comes before any committee is looked up (403, 405) is the same at
    the address of a committee no one set up."""
    person = people[who]
    client = signed_in(person.user)
    values = committees.values_of(key)
    readable, own = reads(person, key), relation(person, key) == "own"
    answers = []
    before = everything()
    for route in patterns(naming_committee=True):
        address = url_of(route, values)
        cell = is_own_cell(person, route, key)
        status = ask(person, client, method, address, rolled_back=own)
        answers.append((route.key, method, status))
        where = (str(person), method, address)
        refused = outright(person, route, method.upper(), cell)
        if not readable:
            assert status == (refused or 404), where
            if status != 404:
                assert ask(person, client, method, elsewhere(address, key), False) == status
        elif own:
            expected = expected_answers(route.key, role_of(person), method.upper(), cell)
            missing = 404 in expected or (person.role == NO_ROLE and route.key in NO_CELL)
            assert status != 404 or missing, where
        elif method == "post":
            assert status == (405 if refused == 405 else 403), where
        elif route.key in READ | STAFF_READ:
            assert status == 200, where
        else:
            # A roll-up read from above is not found where the committee has no communes.
            expected = expected_answers(route.key, role_of(person), method.upper(), cell)
            allowed = {200, 302, 403} if refused is None else {refused}
            assert status in allowed | (expected & {404}), where
    assert everything() == before
    tally(request, person, key, answers)


@pytest.mark.parametrize("who", PEOPLE, ids=person_id)
def test_an_address_of_no_committee_leads_only_into_the_users_own(people, request, who):
    """The sign-in, the home page, the addresses of before: each is asked for, GET and POST,
    filled with each committee's rows where it names one (another committee's row is not
    found), each request in a session of its own and undone after it."""
    person = people[who]
    answers = []
    for route in patterns(naming_committee=False):
        names_a_row = bool(ROWS & set(argument_kinds(route).values()))
        for key in COMMITTEES if names_a_row else (CAU_THIA,):
            address = url_of(route, committees.values_of(key))
            for method in ("get", "post"):
                with transaction.atomic():
                    status = ask(person, signed_in(person.user), method, address, False)
                    transaction.set_rollback(True)
                answers.append((route.key, method, status))
                if names_a_row and key != person.committee:
                    assert status in (404, 405), (str(person), method, address)
    tally(request, person, None, answers)


def test_the_check_of_names_finds_another_communes_name_on_a_page(people):
    """What makes the check of names above mean something: each commune's dashboard names its
    own place, and is found to name one its neighbour's people may not see."""
    for key, other in ((CAU_THIA, MINH_HOA), (MINH_HOA, CAU_THIA)):
        page = signed_in(people[key, NO_ROLE].user).get(f"/{key}/{committees.YEAR}/")
        assert page.status_code == 200
        assert unseen_names(people[key, NO_ROLE], page) == []
        assert unseen_names(people[other, NO_ROLE], page) == [PLACES[key]]
