"""No URL and no parameter, however malformed, makes a page crash; read-only pages answer GET and
HEAD only.

Every named URL of the URLconf is tried (see test_access.project_urls), by the ward secretary, a
cell secretary and an anonymous visitor, each a test of its own; each run draws a quarter of the
malformed values for each argument and parameter (MALFORMED_SEED replays a run). Each request
runs in a transaction that is rolled back, so a close, a reopen or a save by one request does
not change what the next one sees.
"""

import os
import random
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.cookies import SimpleCookie
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from axes.models import AccessAttempt
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import NoReverseMatch, reverse

from cells.models import Task
from targets.models import Figure
from targets.report import Row

from .helpers import CAU_THIA, signed_in
from .test_access import ARGUMENTS, PUBLIC, READ, STAFF_READ, project_urls, url_for

BHYT = "bao-hiem-y-te"
CELLS_GOOD = "chi-bo-hoan-thanh-tot-nhiem-vu"

MALFORMED = [
    "",
    "0",
    "-1",
    "99999999999999999999",  # more than any integer column holds
    "9" * 5000,  # more digits than int() reads
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # an Arabic-Indic three: int() reads it
    "٢٠٢٣",  # 2023 in Arabic-Indic digits, four of them
    "２０２３",  # 2023 in full-width digits
    "1e3",
    "2023.0",
    " 2023",
    "+2023",
    "0x10",
    "NaN",
    "%00",
    "\x00",
    "abc",
    "x" * 300,
    "../",
    "'; DROP TABLE x;--",
    "<script>alert(1)</script>",
    "\u202e2023",  # a right-to-left override
]

# Every parameter a view of the app reads from the query string or the posted form, and those
# the sign-in page and the language switch read.
PARAMETERS = [
    "year",
    "area",
    "assessment",
    "sort",
    "next",
    "page",
    "feed",
    "version",
    "reason",
    "language",
    "username",
    "password",
]

# How many of the malformed values each argument and parameter is given in a run.
DRAWN = len(MALFORMED) // 4
READ_ONLY = READ | STAFF_READ | PUBLIC
VISITORS = ("ward secretary", "cell 3's secretary", "anonymous")
# The parameters each visitor's pages read: the office's every one; a cell's secretary those of
# the pages a secretary reaches; a visitor those of signing in and choosing the language.
SIGNING_IN = {"language", "next", "username", "password"}
READ_BY = {
    "ward secretary": set(PARAMETERS),
    "cell 3's secretary": SIGNING_IN | {"area", "assessment", "sort", "year"},
    "anonymous": SIGNING_IN,
}


@pytest.fixture
def visitors(bithu, secretary):
    """The ward secretary, the secretary of cell 3 and an anonymous visitor, each with a client
    that answers a crash with the 500 page instead of raising it."""
    clients = {"ward secretary": bithu, "cell 3's secretary": signed_in(secretary(3))}
    clients["anonymous"] = Client()
    assert tuple(clients) == VISITORS
    for client in clients.values():
        client.raise_request_exception = False
    return clients


def status(client, method, url, data=None):
    """The status of one request, whose changes to the data and the session are undone."""
    cookies = SimpleCookie()
    cookies.update(client.cookies)
    with transaction.atomic():
        # The query string, if any, is in the URL; only a POST sends a form.
        post = method == "POST"
        response = client.post(url, data or {}) if post else client.generic(method, url)
        transaction.set_rollback(True)
    client.cookies = cookies  # signing out, or in, lasts for one request only
    return response.status_code


def arguments(name):
    """Valid values for the URL's arguments, by name."""
    values = {param: ARGUMENTS.get(param) for param in project_urls()[name]}
    if "pk" in values:
        values["pk"] = Task.objects.filter(cell__committee__slug=CAU_THIA, cell__number=3)[0].pk
    return values


def with_segment(name, param, value):
    """The URL of ``name`` with valid arguments, but the segment of ``param`` replaced by
    ``value``, percent-encoded as a browser would send it."""
    values = arguments(name)
    segments = reverse(name, kwargs=values).split("/")
    found = [i for i, segment in enumerate(segments) if segment == str(values[param])]
    assert len(found) == 1, f"{name}: {param} in {len(found)} segments"
    segments[found[0]] = quote(value, safe="")
    return "/".join(segments)


def crashes(failures):
    return f"{len(failures)} requests answered 500:\n" + "\n".join(failures[:50])


@pytest.fixture
def sample():
    """A random.Random with its seed printed (MALFORMED_SEED replays a run)."""
    seed = int(os.environ.get("MALFORMED_SEED") or random.randrange(2**32))
    print(f"MALFORMED_SEED={seed}")
    return random.Random(seed)


@pytest.mark.parametrize("who", VISITORS)
def test_a_malformed_path_argument_is_never_a_server_error(visitors, sample, who):
    """Each argument of each URL with a quarter of the malformed values, drawn anew each run, each
    by GET or POST: every value is tried on every argument over a few runs, and a run stays
    short."""
    client, failures = visitors[who], []
    for name, params in sorted(project_urls().items()):
        for param in params:
            for value in sample.sample(MALFORMED, DRAWN):
                url = with_segment(name, param, value)
                method = sample.choice(("GET", "POST"))
                if status(client, method, url) == 500:
                    failures.append(f"{who}: {method} {url[:120]!r}")
    assert not failures, crashes(failures)


@contextmanager
def parameters_read():
    """The names the requests made inside the block read one by one from their query string or
    form. Going through them all at once (django-axes keeps a failed sign-in's form) does not
    count: that reads no value for its meaning."""
    read, whole = set(), []

    def one(method):
        def record(self, key, *args, **kwargs):
            if not whole:
                read.add(key)
            return method(self, key, *args, **kwargs)

        return record

    def every(method):
        def record(self, *args, **kwargs):
            whole.append(method)
            try:
                result = method(self, *args, **kwargs)
                return iter(list(result)) if isinstance(result, Iterator) else result
            finally:
                whole.pop()

        return record

    with ExitStack() as stack:
        # Not "in": building a QueryDict uses it for each of its names.
        for name, recording in [
            *((name, one) for name in ("get", "getlist", "__getitem__")),
            *((name, every) for name in ("items", "lists", "values", "dict", "urlencode")),
        ]:
            original = getattr(QueryDict, name)
            stack.enter_context(mock.patch.object(QueryDict, name, recording(original)))
        yield read


@pytest.mark.parametrize("who", VISITORS)
def test_a_malformed_parameter_is_never_a_server_error(visitors, sample, who):
    # Valid values, so that each view reads on past its first check (apply_rating reads the
    # version only for a target it offers); each is replaced in turn by each malformed value.
    valid = {
        "year": "2023",
        "area": "1",
        "assessment": "",  # every assessment: the sort has rows to order
        "sort": "-percent",
        "next": "/",
        "page": "1",
        "feed": "cells_good",
        "version": str(cau_thia_2023(CELLS_GOOD).version),
        "reason": "Sửa số liệu bảo hiểm y tế theo BHXH thị xã",
        "language": "vi",
        "username": "bithu",
        "password": "not-the-password",
    }
    assert set(valid) == set(PARAMETERS)
    failures, tried = [], set()
    client = visitors[who]
    for name in sorted(project_urls()):
        url = url_for(name)
        for method in ("GET", "POST"):
            # A parameter a page never reads cannot crash it: only those it reads are
            # tried, which keeps this to a few thousand requests.
            with parameters_read() as read:
                status(client, method, f"{url}?{urlencode(valid)}", valid)
            for param in sorted(read & set(PARAMETERS)):
                tried.add(param)
                for value in sample.sample(MALFORMED, DRAWN):
                    data = valid | {param: value}
                    if status(client, method, f"{url}?{urlencode(data)}", data) == 500:
                        failures.append(f"{who}: {method} {name} with {param}={value[:40]!r}")
    assert tried >= READ_BY[who] - {"page"}, "a parameter the app reads was not tried"
    assert not failures, crashes(failures)


def test_a_read_only_page_answers_only_get_and_head(visitors):
    client = visitors["ward secretary"]
    wrong = []
    for name in sorted(READ_ONLY):
        url = url_for(name)
        for method in ("PUT", "PATCH", "DELETE", "TRACE"):
            response = client.generic(method, url)
            if (response.status_code, response.get("Allow")) != (405, "GET, HEAD"):
                wrong.append(f"{method} {url}: {response.status_code}, not 405 allowing GET, HEAD")
        expected = 302 if name == "home" else 200  # the home page is a redirect to the year
        response = client.head(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if (response.status_code, body) != (expected, b""):
            wrong.append(f"HEAD {url}: {response.status_code}, not {expected} without a body")
    assert not wrong, "\n".join(wrong)


def test_a_year_asked_for_in_an_old_address_must_be_four_plain_digits(bithu):
    """Old addresses carried the year as ?year=; one that is not a plain year sends the user to
    the year pages open on, never to a year read from it."""
    current = reverse("cells:overview", args=[CAU_THIA, 2024])
    for value in ["²", "٣", "٢٠٢٣", "２０２３", "99999999999999999999", "2023.0", " 2023", "+2023"]:
        for old in ("/cells/", "/cells/3/", "/cells/3/tasks.xlsx"):
            response = bithu.get(f"{old}?{urlencode({'year': value})}")
            assert response.status_code == 302, (old, value)
            assert response.url.startswith("/cau-thia/2024/cells/"), (old, value, response.url)
    assert bithu.get("/cells/?year=2023").url == reverse("cells:overview", args=[CAU_THIA, 2023])
    assert bithu.get("/cells/?year=1999", follow=True).status_code == 404
    assert bithu.get("/cells/").url == current


def test_a_path_number_longer_than_a_column_holds_is_not_found_and_reverse_takes_ints(bithu):
    for url in [
        "/99999999999999999999/",
        "/20230/",
        "/cau-thia/٢٠٢٣/",
        "/cau-thia/2023/cells/9999999999/",
        "/cau-thia/2023/cells/3/tasks/99999999999999999999/edit/",
        "/99999999999999999999/cells/3/rating/",
        "/targets/99999999999999999999/",
        "/cells/tasks/99999999999999999999/edit/",
    ]:
        assert bithu.get(url).status_code == 404, url
    assert reverse("targets:dashboard", args=[CAU_THIA, 2023]) == "/cau-thia/2023/"
    assert (
        reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "number": 3, "year": 2023})
        == "/cau-thia/2023/cells/3/rating/"
    )
    assert (
        reverse("cells:task_edit", args=[CAU_THIA, 2023, 3, 999_999_999])
        == "/cau-thia/2023/cells/3/tasks/999999999/edit/"
    )
    for name, args in [
        ("targets:dashboard", [CAU_THIA, 20230]),
        ("targets:dashboard", [CAU_THIA, -1]),
        ("cells:cell", [CAU_THIA, 2023, 1_000_000_000]),
    ]:
        with pytest.raises(NoReverseMatch):
            reverse(name, args=args)


def test_applying_a_rating_with_a_version_that_is_not_a_number_changes_nothing(bithu):
    before = cau_thia_2023(CELLS_GOOD)
    url = reverse("cells:apply_rating", args=[CAU_THIA, 2023])
    for version in ["abc", "99999999999999999999", "9" * 5000, "²", "٣", "-1", " 1", "1.0", ""]:
        response = bithu.post(url, {"feed": "cells_good", "version": version}, follow=True)
        assert [m.level_tag for m in response.context["messages"]] == ["error"], version
    after = Figure.objects.get(pk=before.pk)
    assert (after.actual, after.version) == (before.actual, before.version)


def cau_thia_2023(slug):
    """The demo ward's 2023 figure of the target ``slug``."""
    return Figure.objects.get(year__committee__slug=CAU_THIA, year__year=2023, target__slug=slug)


def figure_form(figure, **changes):
    """What the edit form of ``figure`` posts, as the page showed it, with ``changes``."""
    return {
        "plan": Row(figure).plan_text,
        "actual": Row(figure).actual_text,
        "note": figure.note,
        "reason": figure.reason,
        "comment": figure.comment,
        "version": figure.version,
    } | changes


def test_after_saving_a_figure_only_a_path_on_this_site_is_followed(bithu):
    figure = cau_thia_2023(BHYT)
    url = reverse("targets:edit", args=[CAU_THIA, 2023, BHYT])
    # redirect() took a bare word for the name of a view: "home" went home, "abc" crashed.
    for next_url in ["abc", "home", "targets:dashboard", "../", "https://example.org/", "//x.org/"]:
        response = bithu.post(url, figure_form(figure, next=next_url))
        assert (response.status_code, response.url) == (302, figure.get_absolute_url()), next_url
    response = bithu.post(url, figure_form(figure, next="/cau-thia/2023/?area=1"))
    assert response.url == "/cau-thia/2023/?area=1"


def test_a_stale_version_of_a_figure_no_one_has_edited_shows_the_conflict(bithu):
    """The demo's figures come from the data load, which names no editor: a version the page did
    not show (a load run while the form was open, or a made-up one) brings the conflict page,
    not a failure on the missing user."""
    figure = cau_thia_2023(BHYT)
    assert figure.updated_by is None
    response = bithu.post(
        reverse("targets:edit", args=[CAU_THIA, 2023, BHYT]),
        figure_form(figure, actual="50", version=figure.version + 1),
    )
    assert response.status_code == 409


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_user_name_longer_than_any_account_is_refused_before_it_is_tried(db, url):
    response = Client(raise_request_exception=False).post(
        url, {"username": "x" * 300, "password": "pw-anything-123"}
    )
    assert response.status_code == 200
    assert AccessAttempt.objects.count() == 0
