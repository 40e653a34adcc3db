"""Hostile input at every page: no query string and no form field, however hostile, makes a page
answer 500.

Every URL pattern of the project (found by walking the resolver, see test_access.url_patterns:
a new pattern is fuzzed without a line here) is asked for by the ward staff, a cell secretary
and an anonymous visitor, with real ids of the demo ward. Each page is asked with generated query
strings: the parameters the view reads (recorded as it answers, see
test_malformed.parameters_read) and a few every page might be sent, each given a hostile value.
Each form the page renders is posted back as a browser sends it, one field at a time replaced by
a hostile value, every kind of field once (a grid's row fields are one kind) plus a random few.

The values are drawn from the seed printed at the end of each test and in its failure: FUZZ_SEED
replays a run. Every request runs in a transaction that is rolled back, so the demo ward is the
same for each of them.
"""

import os
import random
import re
import secrets
import time
from collections import Counter
from http.cookies import SimpleCookie
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import resolve

from cells.models import Share, Task
from targets.models import Figure, Year

from .helpers import CAU_THIA
from .life import crash_of, path_of, posted_forms
from .test_access import make_evidence, make_import, url_of, url_patterns
from .test_malformed import parameters_read

# The values a field or a parameter is given: numbers past what a column or a float holds,
# text past any limit, characters XML and Excel cannot hold, escapes that decode to something
# else, markup, and dates that are no day of the calendar.
HOSTILE = [
    "1e400",
    "-1",
    "NaN",
    "9" * 40,
    "",
    "x" * 20_000,
    "\ufffe",
    "\uffff",
    "Số liệu\ufffe\uffff",
    "\ud800".encode("utf-8", "surrogatepass"),  # a lone surrogate, as a client may encode it
    "\\ud800",
    "&#xD800;",
    "_x0041_",
    "_x0000_",
    "<script>alert(1)</script>",
    "\x00",
    "12\x003",
    "\u202e4202",
    "\u202bĐảng ủy\u202c",
    "Nghị quyết Đại hội Đảng bộ phường nhiệm kỳ 2020–2025",
    "31/02/2024",
    "0000-00-00",
]
# Parameters any page may be sent, whether or not it reads them.
EVERY_PAGE = ("page", "per_page", "sort", "stage", "year", "compare", "draft")
# Generated query strings per page (per download, which takes longer to make: a Word document
# about a second), and random extra posts per form beyond one per kind of field.
QUERIES = 3
DOWNLOAD_QUERIES = 2
EXTRA_POSTS = 3
FORM = "application/x-www-form-urlencoded"
SECRETARY_CELL = 3
ROLES = ("ward staff", "cell secretary", "anonymous")
# Each role's patterns are dealt into this many tests, each well within its time.
PARTS = 10


@pytest.fixture(scope="session")
def fuzz_seed(pytestconfig):
    """FUZZ_SEED if set (to replay a run), else one for the whole run, the same in every xdist
    worker (their common test run id), else a new one."""
    if os.environ.get("FUZZ_SEED"):
        return os.environ["FUZZ_SEED"]
    run = getattr(pytestconfig, "workerinput", {}).get("testrunuid")
    return run[:8] if run else secrets.token_hex(4)


def encoded(pairs):
    """``pairs`` as a form or query string: text as UTF-8, bytes as they are, percent-encoded."""
    return urlencode(pairs, quote_via=quote)


class Fuzz:
    """One role's requests: the seed's values, the answers tallied, the 500s with their cause."""

    def __init__(self, role, client, rng):
        self.role, self.client, self.rng = role, client, rng
        self.statuses = Counter()
        self.crashes = []
        self.posted = set()

    def send(self, method, address, body=b""):
        """The response to one request, whose changes to the data and the session are undone."""
        cookies = SimpleCookie()
        cookies.update(self.client.cookies)
        with transaction.atomic():
            if method == "GET":
                response = self.client.get(address)
            else:
                response = self.client.post(address, body, content_type=FORM)
            if response.streaming:
                response.body = b"".join(response.streaming_content)
            transaction.set_rollback(True)
        self.client.cookies = cookies
        self.statuses[response.status_code] += 1
        return response

    def ask(self, method, address, body=b"", what=""):
        response = self.send(method, address, body)
        if response.status_code >= 500:
            cause = crash_of(response)
            self.crashes.append(
                f"{self.role}: {method} {address[:150]} {what}"
                f" answered {response.status_code}" + (f": {cause}" if cause else "")
            )
        return response

    def value(self):
        return self.rng.choice(HOSTILE)

    def query(self, address, names):
        """GET ``address`` with one or two of ``names`` given hostile values."""
        chosen = self.rng.sample(sorted(names), min(len(names), self.rng.choice((1, 1, 2))))
        pairs = [(name, self.value()) for name in chosen]
        what = ", ".join(f"{name}={shown(value)}" for name, value in pairs)
        self.ask("GET", f"{address}?{encoded(pairs)}", what=f"with {what}")

    def visit(self, address):
        """The page, then generated query strings, then each of its forms not posted yet."""
        with parameters_read() as read:
            response = self.ask("GET", address)
        page = "html" in response.get("Content-Type", "")
        for _ in range(QUERIES if page else DOWNLOAD_QUERIES):
            self.query(address, read | set(EVERY_PAGE))
        if response.status_code != 200 or not page:
            return
        for action, data in posted_forms(address, response.content.decode()):
            action = path_of(action)
            once = (action.split("?")[0], tuple(sorted(data)))
            if once not in self.posted:
                self.posted.add(once)
                self.post_form(action, data)

    def post_form(self, action, data):
        """The form as rendered, then each kind of its fields (and the names the view reads
        from a post that the form does not send) in turn given a hostile value, plus a few
        fields at random."""
        with parameters_read() as read:
            self.ask("POST", action, encoded(data), what="as rendered")
        names = sorted(set(data) | read)
        kinds = {}
        for name in self.rng.sample(names, len(names)):
            kinds.setdefault(re.sub(r"\d+", "#", name), name)
        chosen = [*kinds.values(), *(self.rng.choice(names) for _ in range(EXTRA_POSTS))]
        for name in chosen:
            value = self.value()
            body = encoded([(n, value if n == name else v) for n, v in (data | {name: ""}).items()])
            self.ask("POST", action, body, what=f"with {name}={shown(value)}")

    def summary(self, seed, seconds, cpu):
        tally = ", ".join(f"{status} × {n}" for status, n in sorted(self.statuses.items()))
        return (
            f"{self.role}: {sum(self.statuses.values())} requests in {seconds:.1f} s "
            f"({cpu:.1f} s of CPU) "
            f"(seed {seed}, FUZZ_SEED={seed} replays); answers {tally}"
        )


def shown(value):
    """A value as a failure names it: short, and readable whatever it holds."""
    text = value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value
    return ascii(text if len(text) <= 30 else f"{text[:12]}…({len(text)} characters)")


def values_of(year, number, uploader, rng):
    """{what a URL argument stands for: a real value} (see test_access.url_of) of ``year``,
    chosen by ``rng``, for the cell numbered ``number`` where it has a task: an evidence file
    and an import preview made for it."""
    of_year = {"year__committee__slug": CAU_THIA, "year__year": year}
    figures = list(Figure.objects.filter(**of_year).select_related("target", "year").order_by("pk"))
    figure = rng.choice(figures)
    shared = Share.objects.filter(**of_year).order_by("pk").select_related("figure__target")
    tasks = Task.objects.filter(**of_year).select_related("cell").order_by("pk")
    task = rng.choice(list(tasks.filter(cell__number=number)) or list(tasks))
    return {
        "committee": CAU_THIA,
        "year": year,
        "cell": task.cell.number,
        "target": figure.target.slug,
        "shared_target": rng.choice([s.figure.target.slug for s in shared] or [figure.target.slug]),
        "task": task,
        "evidence": make_evidence(figure, uploader),
        "import": make_import(figure.year, uploader, {figures[-1].target.slug: {"plan": 3}}),
    }


def client_of(role, secretary):
    client = Client(raise_request_exception=False)
    users = get_user_model().objects
    if role == "ward staff":
        client.force_login(users.get(username="bithu"))
    elif role == "cell secretary":
        client.force_login(secretary(SECRETARY_CELL))
    return client


def part_of(part):
    """The URL patterns of one of the PARTS tests: dealt in the order of their routes."""
    return sorted(url_patterns(), key=lambda route: route.route)[part::PARTS]


@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_query_or_form_field_makes_a_page_crash(
    role, part, fuzz_seed, bithu, secretary, capsys
):
    started, cpu = time.perf_counter(), time.process_time()
    rng = random.Random(f"{fuzz_seed}:{role}:{part}")
    staff = get_user_model().objects.get(username="bithu")
    years = sorted(Year.objects.filter(committee__slug=CAU_THIA).values_list("year", flat=True))
    values = {}
    fuzz = Fuzz(role, client_of(role, secretary), rng)
    for route in part_of(part):
        year = rng.choice(years)
        if year not in values:
            values[year] = values_of(year, SECRETARY_CELL, staff, rng)
        address = url_of(route, values[year])
        assert resolve(address).route == route.route, address
        fuzz.visit(address)
    summary = fuzz.summary(fuzz_seed, time.perf_counter() - started, time.process_time() - cpu)
    with capsys.disabled():
        print(f"\nfuzz part {part + 1} of {PARTS}, {summary}")
    assert not fuzz.crashes, f"{summary}\n{len(fuzz.crashes)} answered ≥ 500:\n" + "\n".join(
        fuzz.crashes[:60]
    )


def test_the_parts_together_fuzz_every_pattern_once():
    dealt = sorted(route.route for part in range(PARTS) for route in part_of(part))
    assert dealt == sorted(route.route for route in url_patterns())


def test_a_crash_is_reported_with_its_request_and_its_cause(bithu):
    bithu.raise_request_exception = False
    fuzz = Fuzz("ward staff", bithu, random.Random(0))
    with mock.patch("targets.views.stage_asked", side_effect=ValueError("no such stage")):
        fuzz.visit("/cau-thia/2024/")
    assert fuzz.statuses[500] == 1 + QUERIES
    assert re.fullmatch(
        r"ward staff: GET /cau-thia/2024/\?\S+ with \S+=.+ answered 500: "
        r"ValueError: no such stage \(at targets/views\.py:\d+\)",
        fuzz.crashes[-1],
    )
