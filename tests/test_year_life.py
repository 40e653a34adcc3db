"""The whole life of a year, page by page: at each state of the demo's next year (set up,
planned, six months, estimate, final, closed, reopened, the year after set up), every URL
pattern of the project (found by walking the resolver, see test_access.url_patterns) is
requested with real ids of that state by every role, and each form of each page is posted back
as rendered. Nothing may answer 500, and each role gets the answer test_access's classification
gives it: a visitor is sent to sign in, the office opens everything, a cell secretary opens
their own cell's pages and is refused the office's actions (403) and other cells' pages (404).

The patterns are dealt into PARTS parts, one asked at each state in turn, so that a run asks
for each pattern at two or three of the eight states and, over runs, at each. At each state
the ward's office and a superuser share the state's part between them (in two years, each walks both
hands, one in each); five of the ten cell secretaries, a different five at the next state, each
ask a fifth of it, dealt so that the five together ask for every pattern of the part both for
their own cell and for another's, plus a random few; a visitor asks for every pattern of the
part. The office and the superuser also open the admin's index and, over the states, each
model's list and add form. The sample is drawn from the run's seed, printed in the summary and
in a failure: LIFE_SEED=<seed> replays it. Each request is rolled back, so a post never changes
what the next request sees; the states are built once per test process (tests/life.py).
"""

import random
import re
import time
from collections import Counter
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from cells.models import SHARED_KINDS, Cell, Share, Task
from committees.models import Committee, committee_of
from targets.models import Evidence, Figure, Import
from targets.report import YearReport

from .helpers import CAU_THIA
from .life import (
    STATES,
    SUPERUSER,
    Life,
    crash_of,
    path_of,
    posted_forms,
    seed_of,
    send,
    tally,
)
from .sampling import deal
from .test_access import (
    MEANING_OWN,
    argument_kinds,
    expected_answers,
    url_of,
    url_patterns,
)

NUMBERS = range(1, 11)
OFFICE = ("ward staff", SUPERUSER)
# The cell secretaries who walk at a state, each one of the ten (see secretary_at).
WALKING = 5
# The patterns are asked for at one state in PARTS (module docstring).
PARTS = 3
TURNS = tuple(f"cell secretary {turn}" for turn in range(1, WALKING + 1))
ROLES = ("anonymous", *OFFICE, *TURNS)
# Patterns each cell secretary asks for beyond their share of the whole.
EXTRA = 4

# Pages that refuse their own form posted back as rendered, and why: the office must first
# type or choose something. Nothing else may answer a form as rendered with 400 or 409.
REFUSED_AS_RENDERED = {
    # No file chosen: a browser sends the form without one, the page asks for it.
    "targets:import_upload": {400},
    # Closing asks the office to tick that it has read the review's warnings.
    "targets:close": {400},
    # No estimate is ticked to be taken as final at first: that is the office's choice.
    "targets:take_estimates": {400},
    # A new task's description, a progress note's text, a rating's level: empty until typed
    # or chosen, and required.
    "cells:task_add": {400},
    "cells:task_progress": {400},
    "cells:rating_self": {400},
    "cells:rating_proposal": {400},
    # A new committee's name, key and first office account: empty until typed.
    "start_committee": {400},
}


@pytest.fixture(scope="module")
def life(django_db_setup, django_db_blocker, tmp_path_factory):
    built = Life(django_db_blocker, tmp_path_factory.mktemp("evidence"))
    yield built
    built.end()


@pytest.fixture(scope="module", params=STATES)
def facts(request, life):
    started = time.process_time()
    facts = life.at(request.param)
    facts.build_seconds = time.process_time() - started
    return facts


@pytest.fixture(scope="session")
def seed(pytestconfig):
    return seed_of(pytestconfig)


@pytest.fixture
def stored_evidence(facts, evidence_files):
    """The state's evidence files, in the evidence storage of this test (evidence_files)."""
    storage = Evidence._meta.get_field("file").storage
    for name, content in facts.evidence_files.items():
        assert storage.save(name, ContentFile(content)) == name


class Walk:
    """One role's requests at one state: what was asked, what was answered, what was wrong."""

    def __init__(self, facts, role, seed):
        if role in TURNS:
            role = secretary_at(seed, facts.state, role)
        self.facts, self.role, self.seed = facts, role, seed
        self.rng = random.Random(f"{seed}:{facts.state}:{role}")
        users = get_user_model().objects
        self.user = None if role == "anonymous" else users.get(username=self.role_user(role))
        self.who = (
            "anonymous"
            if self.user is None
            else "staff"
            if self.user.has_perm("cells.view_cell")
            else "secretary"
        )
        own = Cell.objects.for_user(self.user).first() if self.who == "secretary" else None
        self.own = own and own.number
        # A user of no committee, where several keep years: an address of before means none.
        self.meant_nowhere = (
            self.user is not None
            and committee_of(self.user) is None
            and Committee.objects.with_years().count() > 1
        )
        self.client = Client(raise_request_exception=False)
        if self.user is not None:
            self.client.force_login(self.user)
        self.statuses = Counter()
        self.patterns = set()
        self.posted = set()
        self.wrong = []
        self.crashes = []
        self.values = {year: self.values_of(year) for year in facts.years}

    @staticmethod
    def role_user(role):
        return "bithu" if role == "ward staff" else role

    def values_of(self, year):
        """{what an argument stands for: a real value of ``year``} (see test_access.url_of);
        the cell and the task are chosen per request."""
        of_year = {"year__committee__slug": CAU_THIA, "year__year": year}
        figures = Figure.objects.filter(**of_year).select_related("target")
        shared = set(Share.objects.filter(**of_year).values_list("figure_id", flat=True))
        split = [f for f in figures if f.target.kind in SHARED_KINDS]
        imports = self.facts.imports[year]
        uploader = self.user.username if self.user and self.user.username in imports else "bithu"
        return {
            "committee": CAU_THIA,
            "year": year,
            "target": self.rng.choice([figure.target.slug for figure in figures]),
            "shared_target": self.rng.choice(
                [f.target.slug for f in split if f.pk in shared] or [f.target.slug for f in split]
            ),
            "evidence": Evidence.objects.select_related("figure__target", "figure__year").get(
                pk=self.facts.evidence[year]
            ),
            "import": Import.objects.select_related("year").get(pk=imports[uploader]),
        }

    def address(self, route, year, number):
        task = Task.objects.select_related("cell", "year").get(pk=self.facts.tasks[year][number])
        return url_of(route, self.values[year] | {"cell": number, "task": task})

    def is_own(self, path):
        """For a secretary, whether ``path`` is of their own cell (None: of no cell)."""
        match = resolve(urlsplit_path(path))
        number = match.kwargs.get("number")
        if number is None and "tasks" in match.route.split("/"):
            number = Task.objects.filter(pk=match.kwargs["pk"]).values("cell__number").first()
            number = number and number["cell__number"]
        if self.own is None or number is None:
            return None
        return number == self.own

    def key_of(self, path):
        match = resolve(urlsplit_path(path))
        return match.view_name if match.url_name else match.route

    # Asking and checking.

    def ask(self, method, address, data=None, key=None, expected=None, opened=None):
        response = send(self.client, method, address, data)
        status = response.status_code
        self.statuses[status] += 1
        key = key or self.key_of(address)
        self.patterns.add(key)
        if expected is None and self.meant_nowhere and key in MEANING_OWN and method == "GET":
            expected = {404}
        if expected is None:
            expected = expected_answers(key, self.who, method, self.is_own(address))
            if method == "POST" and self.who != "anonymous":
                expected = expected | (REFUSED_AS_RENDERED.get(key, set()) if opened else set())
        problem = None
        if status not in expected:
            problem = f"answered {status}, expected {'/'.join(map(str, sorted(expected)))}"
        elif self.who == "anonymous" and status == 302 and key not in ("set_language",):
            sign_in = reverse("admin:login" if key.startswith("admin:") else "login")
            if not response["Location"].startswith(f"{sign_in}?next="):
                problem = f"sent to {response['Location']}, not to sign in"
        if problem:
            crash = crash_of(response)
            line = f"{self.facts.state} {self.role}: {method} {address} {problem}"
            self.wrong.append(line + (f": {crash}" if crash else ""))
            if status == 500:
                self.crashes.append(f"{method} {address}: {crash}")
        return response

    def visit(self, key, address):
        """GET the page, then post back each of its forms as rendered; where the page was
        refused, a post of nothing must be refused the same way."""
        response = self.ask("GET", address, key=key)
        sent_here = False
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for action, data in posted_forms(address, response.body.decode()):
                action = path_of(action)
                sent_here |= action.split("?")[0] == address.split("?")[0]
                once = (action, tuple(sorted(data.items())))
                if once in self.posted:
                    continue
                self.posted.add(once)
                self.ask("POST", action, data, opened=True)
        if not sent_here and self.who != "staff" and response.status_code != 200:
            self.ask("POST", address, {}, key=key)

    def admin_pages(self, models):
        """(key, address, statuses of a GET, statuses of a post of its forms) of the admin's
        index, each model's list and add form, and the change form of a few models' latest
        row in the user's list (their committee's). A user who may only view a row is shown it
        without a way to save it: a post of its form as rendered is refused."""
        request = RequestFactory().get("/admin/")
        request.user = self.user
        pages = [("admin:index", reverse("admin:index"), {200}, {200, 302})]
        registry = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
        for model, model_admin in registry:
            if model not in models:
                continue
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            listed = ok(model_admin.has_view_or_change_permission(request))
            added = ok(model_admin.has_add_permission(request))
            pages.append((f"{name}_changelist", reverse(f"{name}_changelist"), listed, listed))
            pages.append((f"{name}_add", reverse(f"{name}_add"), added, added))
        for model, model_admin in self.rng.sample(registry, 2):
            latest = model_admin.get_queryset(request).order_by("-pk").first()
            if latest is not None:
                name = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
                shown = ok(model_admin.has_view_or_change_permission(request, latest))
                saved = ok(model_admin.has_change_permission(request, latest))
                pages.append((name, reverse(name, args=[latest.pk]), shown, saved))
        return pages

    def walk_admin(self, models):
        for key, address, shown, saved in self.admin_pages(models):
            response = self.ask("GET", address, key=key, expected=shown)
            if response.status_code != 200:
                continue
            for action, data in posted_forms(address, response.body.decode()):
                action = path_of(action)
                if action.startswith("/admin/") and not action.startswith("/admin/logout/"):
                    self.ask("POST", action, data, key=key, expected=saved | {302})

    def report(self):
        return (
            f"seed {self.seed} (LIFE_SEED={self.seed} replays this sample); "
            f"{sum(self.statuses.values())} requests; {len(self.wrong)} wrong:\n"
            + "\n".join(self.wrong[:60])
        )


def urlsplit_path(address):
    return address.split("?")[0]


def ok(allowed):
    return {200} if allowed else {403}


def is_cell_page(route):
    try:
        kinds = argument_kinds(route)
    except LookupError:
        return False  # unfilled: the test names it
    return bool({"cell", "task"} & set(kinds.values()))


def part_of(seed, state):
    """The patterns asked at ``state``: one of PARTS parts, the others at the states beside it."""
    return deal(url_patterns(), PARTS, seed, "parts")[STATES.index(state) % PARTS]


def secretary_at(seed, state, turn):
    """The cell secretary (chiboN) who walks at ``state`` in ``turn``: five of the ten at a
    state, the other five at the states beside it."""
    order = deal(NUMBERS, 1, seed, "secretaries' turns")[0]
    at = STATES.index(state) * WALKING + TURNS.index(turn)
    return f"chibo{order[at % len(order)]}"


def secretary_pairs(routes=None):
    """(route, whether of the secretary's own cell) for every pattern of ``routes`` (else of
    all): a cell's page twice."""
    return [
        (route, own)
        for route in (url_patterns() if routes is None else routes)
        for own in ((True, False) if is_cell_page(route) else (None,))
    ]


def secretaries_hands(seed, state):
    """The state's part, each cell's page for the secretary's own cell and another's, in a
    hand for each secretary who walks at the state."""
    return deal(secretary_pairs(part_of(seed, state)), WALKING, seed, state, "secretaries")


def office_hands(seed, state):
    """The state's part, in two hands: the office's and the superuser's."""
    return deal(part_of(seed, state), len(OFFICE), seed, state, "office")


def admin_models(seed, state, role):
    """The admin's models whose list and add form ``role`` opens at ``state``: each model at
    one state of the run, for each of the two roles."""
    models = sorted(admin.site._registry, key=lambda model: model._meta.label)
    return deal(models, len(STATES), seed, "admin", role)[STATES.index(state)]


def requests_of(walk, seed):
    """[(route, year, cell number)] the role asks for at the state."""
    facts = walk.facts
    if walk.who == "secretary":
        turn = next(t for t in TURNS if secretary_at(seed, facts.state, t) == walk.role)
        mine = secretaries_hands(seed, facts.state)[TURNS.index(turn)]
        chosen = mine + walk.rng.sample(secretary_pairs(), EXTRA)
        others = [number for number in NUMBERS if number != walk.own]
        return [
            (
                route,
                walk.rng.choice(facts.years),
                walk.own if own in (True, None) else walk.rng.choice(others),
            )
            for route, own in chosen
        ]
    if walk.who == "anonymous":
        return [
            (route, facts.years[0], walk.rng.choice(NUMBERS))
            for route in part_of(seed, facts.state)
        ]
    # Each hand in each year walked: the office one, the superuser the other (in two years,
    # the other way round in the second).
    hands = office_hands(seed, facts.state)
    me = OFFICE.index(walk.role)
    return [
        (route, year, walk.rng.choice(NUMBERS))
        for turn, year in enumerate(facts.years)
        for route in hands[(me + turn) % len(hands)]
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_state_of_the_year_answers_each_role_as_it_may(
    facts, role, seed, db, stored_evidence, request
):
    started = time.process_time()
    walk = Walk(facts, role, seed)
    unfilled = []
    for route, year, number in requests_of(walk, seed):
        try:
            address = walk.address(route, year, number)
        except LookupError as error:
            unfilled.append(str(error))
            continue
        walk.visit(route.key, address)
    if walk.who == "staff":
        walk.walk_admin(admin_models(seed, facts.state, role))
    else:
        walk.ask("GET", reverse("admin:index"), key="admin:index", expected={302})
    request.node.user_properties.append(
        tally(walk, time.process_time() - started, facts.build_seconds)
    )
    assert not unfilled, "patterns the harness cannot fill:\n" + "\n".join(sorted(set(unfilled)))
    assert not walk.wrong, walk.report()


def test_every_pattern_is_asked_for_at_each_state_by_the_office_and_by_the_secretaries(seed):
    """What the sampling promises: the parts of the states hold every pattern; at each
    state the office's two hands hold its part, and so do the walking secretaries' shares,
    each cell's page for their own cell and another's; each secretary walks at four states;
    the admin's every model, for each of the two roles, over the states."""
    every = sorted(r.route for r in url_patterns())
    assert sorted(r.route for state in STATES[:PARTS] for r in part_of(seed, state)) == every
    walked = Counter()
    for state in STATES:
        part = sorted(r.route for r in part_of(seed, state))
        assert sorted(r.route for hand in office_hands(seed, state) for r in hand) == part
        shares = secretaries_hands(seed, state)
        assert sorted((r.route, own) for share in shares for r, own in share) == sorted(
            (r.route, own) for r, own in secretary_pairs(part_of(seed, state))
        )
        walked.update(secretary_at(seed, state, turn) for turn in TURNS)
    assert walked == {f"chibo{number}": 4 for number in NUMBERS}
    for role in OFFICE:
        dealt = [model for state in STATES for model in admin_models(seed, state, role)]
        assert sorted(m._meta.label for m in dealt) == sorted(
            m._meta.label for m in admin.site._registry
        )


@pytest.mark.parametrize("facts", ["set_up"], indirect=True)
def test_a_page_that_crashes_is_reported_with_its_exception_and_where(
    facts, seed, db, stored_evidence
):
    walk = Walk(facts, "ward staff", seed)
    dashboard = f"/cau-thia/{facts.years[0]}/"
    with mock.patch.object(YearReport, "for_year", side_effect=RuntimeError("the sums broke")):
        walk.visit("targets:dashboard", dashboard)
    [crash] = walk.crashes
    assert re.fullmatch(
        rf"GET {dashboard}: RuntimeError: the sums broke \(at targets/views\.py:\d+\)", crash
    )
    assert walk.wrong == [
        f"set_up ward staff: GET {dashboard} answered 500, expected 200/302: "
        + crash.split(": ", 1)[1]
    ]
