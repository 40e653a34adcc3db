"""Every URL of the project, enumerated from the URLconf: who may read, who may write."""

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from cells.models import Cell, Task
from targets import imports
from targets.models import Evidence, Figure, Import, Target, Year
from targets.stages import Stage

from .helpers import CAU_THIA, report_workbook

# Sample values for each URL argument, by name.
ARGUMENTS = {
    "committee": CAU_THIA,
    "year": 2023,
    "slug": "bao-hiem-y-te",
    "target": "bao-hiem-y-te",
    "number": 3,
    "pk": 1,
}

# Pages any signed-in user may read (a cell secretary only for their own cell).
READ = {
    "home",
    "targets:dashboard",
    "targets:target",
    "cells:overview",
    "cells:cell",
    "cells:task_sheet",
    "cells:digest",
}
# Pages that only office staff may read: the ward's year-end report, the committees they read.
STAFF_READ = {
    "committees:list",
    "targets:report",
    "targets:report_docx",
    "targets:report_workbook",
    "targets:evidence",
}
# Pages that change the ward's data: ward staff only.
WRITE = {
    "targets:edit",
    "targets:grid",
    "targets:evidence_upload",
    "targets:next_year",
    "targets:report_text",
    "targets:import_upload",
    "targets:import",
    "cells:task_add",
    "cells:task_edit",
    "cells:task_delete",
    "cells:rating_edit",
    "cells:rating_proposal",
    "cells:share_split",
    "cells:adopt_sum",
    "cells:apply_rating",
    "targets:close",
    "targets:take_estimates",
    "targets:reopen",
    "start_committee",
}
# A superior committee's roll-up of its communes: its office staff read it (not found for a
# committee with no communes, such as Cầu Thia), a cell's secretary is refused.
ROLLUP = {
    "rollup:latest",
    "rollup:rollup",
    "rollup:completeness",
    "rollup:target",
    "rollup:print",
    "rollup:workbook",
}
# What a cell secretary reports for their own cell (ward staff may too): a task's progress, the
# cell's figures for its shares, its self-assessment.
REPORT = {"cells:task_progress", "cells:shares", "cells:rating_self"}
# Pages about one's own account, and the language switch.
ACCOUNT = {"login", "logout", "password_change", "password_change_done", "set_language"}
# The year pages open on: for the menu of a page of no year, and at a committee's own address.
CURRENT = {"cells_home", "committee"}
# Open to anyone: the load balancer's health check answers "ok" and shows no data.
PUBLIC = {"health"}
# The addresses of before (targets/legacy.py, cells/legacy.py), unnamed: each sends a
# signed-in user on to its page in their own committee, for now (302: another user's committee
# is another address); that page checks what the user may see. The old address of a task looks
# the task up among the user's own cells first: another cell's is not found.
MOVED = {
    "^(?P<rest>[0-9]{4}/.*)$",
    "targets/<year:year>/",
    "targets/<year:year>/grid/",
    "targets/<year:year>/report/",
    "targets/<year:year>/report.xlsx",
    "targets/<year:year>/<slug:slug>/",
    "targets/<year:year>/<slug:slug>/edit/",
    "cells/<id:number>/",
    "cells/<id:number>/tasks.xlsx",
    "cells/<id:number>/tasks/add/",
    "cells/<id:number>/<year:year>/rating/",
    "cells/tasks/<id:pk>/edit/",
}
LOOKED_UP = {"cells/tasks/<id:pk>/edit/"}
# The addresses that name no committee and mean the user's own (targets.legacy): for a user who
# works for none (a superuser), the only one that keeps years; none, not found, where several do.
MEANING_OWN = MOVED | {"cells_home"}
# Write pages that are only posted to, from a form on another page: a GET is refused (405).
POST_ONLY = {
    "targets:reopen",
    "targets:take_estimates",
    "targets:evidence_upload",
    "cells:task_delete",
    "cells:adopt_sum",
    "cells:apply_rating",
}
# What the account pages answer a signed-in user, by method: the sign-in and password forms
# show themselves again with their errors when posted as rendered (empty); signing out is a POST.
ACCOUNT_ANSWERS = {
    "login": {"GET": {200}, "POST": {200}},
    "logout": {"GET": {405}, "POST": {302}},
    "password_change": {"GET": {200}, "POST": {200}},
    "password_change_done": {"GET": {200}, "POST": {405}},
    "set_language": {"GET": {302}, "POST": {302}},
}
# The pages that need no sign-in, as they answer a visitor; every other page sends them to sign
# in (302 to the sign-in page).
SIGNED_OUT_ANSWERS = {
    "health": {"GET": {200}, "POST": {405}},
    "login": {"GET": {200}, "POST": {200}},
    "set_language": {"GET": {302}, "POST": {302}},
}
# A page of no committee that takes no post refuses one before it asks who sends it.
METHOD_FIRST = {"committees:list"}
OPENED = {200, 302}  # the page, or on to the next one (a saved form, a closed year's refusal)


@dataclass(frozen=True)
class Route:
    """A URL pattern of the project: its name ("targets:edit"), or None for an unnamed one; its
    whole route ("<year:year>/targets/<slug:slug>/edit/"); its arguments' names, in order."""

    name: str | None
    route: str
    params: tuple

    @property
    def key(self):
        """What the classification calls the pattern: its name, else its route."""
        return self.name or self.route


# URL patterns that are not walked, and why: the admin's pages are Django's own, with
# arguments of their own (test_year_life opens the index and each model's list and add form);
# the API answers tokens as well as sessions, JSON rather than pages, and walks its own
# (tests/test_api.py). No pattern serves static files (WhiteNoise does, before the URLconf) or
# media.
NOT_WALKED = {"admin", "api"}


def url_patterns():
    """Every URL pattern of the project outside NOT_WALKED, named or not, found by walking the
    resolver: a pattern added to a URLconf is here without a test naming it."""
    found = []

    def walk(patterns, namespace, above, route):
        for pattern in patterns:
            converters = [*above, *pattern.pattern.converters]
            here = route + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.app_name in NOT_WALKED:
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace, converters, here)
            elif isinstance(pattern, URLPattern):
                name = pattern.name and (
                    f"{namespace}:{pattern.name}" if namespace else pattern.name
                )
                found.append(Route(name, here, tuple(converters)))

    walk(get_resolver().url_patterns, None, [], "")
    return found


def project_urls():
    """{name: argument names} for every named URL outside the admin."""
    return {route.name: list(route.params) for route in url_patterns() if route.name}


def expected_answers(key, who, method, own=None):
    """The statuses ``who`` may be answered by ``method`` ("GET", or "POST" of what the page's
    form sends as rendered) at the page ``key`` (a URL name, or an unnamed pattern's route).

    ``who`` is "anonymous", "secretary" (of a cell) or "staff" (the ward's office, and a
    superuser alike); ``own`` says whether the page is of the secretary's own cell, None for a
    page of no cell. A 302 to a visitor is the way to sign in (the caller checks where it
    leads)."""
    if who == "anonymous":
        return SIGNED_OUT_ANSWERS.get(key, {}).get(method, {302})
    if key in PUBLIC:
        return SIGNED_OUT_ANSWERS[key][method]
    if key in ACCOUNT:
        return ACCOUNT_ANSWERS[key][method]
    if key in METHOD_FIRST and method == "POST":
        return {405}
    if key in CURRENT | MOVED:
        if method == "POST":
            return {405}
        return {404} if key in LOOKED_UP and own is False else {302}
    if key in ROLLUP:
        if method == "POST":
            return {405}
        return {403} if who == "secretary" else {200, 302, 404}
    if who == "secretary":
        if key in STAFF_READ | WRITE:
            return {403}  # the permission is checked before the cell is looked up
        if key in READ and method == "POST":
            return {405}
        if own is False and key in READ | REPORT:
            return {404}  # another cell's page, as if it did not exist
    if key in READ | STAFF_READ:
        return OPENED if method == "GET" else {405}
    if key in WRITE | REPORT:
        return {405} if method == "GET" and key in POST_ONLY else OPENED
    raise LookupError(f"{key} is not classified: add it to READ, WRITE, … in tests/test_access.py")


# What an argument of a route stands for: a year or a cell by the argument's name; a slug or a
# primary key by the nearest word of the route before it (/tasks/<pk>/ is a task's,
# /cells/shares/<slug>/ a target whose plan the cells share). An argument this does not place
# leaves its pattern unfilled, and the harness fails on it by name.
BY_NAME = {"committee": "committee", "year": "year", "number": "cell"}
BY_WORD = {
    ("slug", "targets"): "target",
    ("target", "targets"): "target",
    ("slug", "shares"): "shared_target",
    ("pk", "tasks"): "task",
    ("pk", "import"): "import",
    ("pk", "evidence"): "evidence",
}
ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<param>\w+)>")
# A pattern written as a regular expression names its arguments as groups: what each group
# stands for, and how its value is written (an address of before without its committee,
# /2024/…, is filled as the year's dashboard, /2024/).
BY_GROUP = {"rest": ("year", "{}/")}
GROUP = re.compile(r"\(\?P<(?P<param>\w+)>[^)]*\)")


def is_regex(route):
    return route.route.startswith("^")


def argument_kinds(route):
    """{argument: what it stands for} of a Route; LookupError naming the pattern for one that
    stands for nothing known."""
    if is_regex(route):
        kinds = {}
        for found in GROUP.finditer(route.route):
            if found["param"] not in BY_GROUP:
                raise LookupError(f"{route.key}: nothing known fills <{found['param']}>")
            kinds[found["param"]] = BY_GROUP[found["param"]][0]
        return kinds
    kinds, word = {}, None
    for segment in re.split(r"[/.]", route.route):
        found = ARGUMENT.fullmatch(segment)
        if found is None:
            word = segment or word
            continue
        param = found["param"]
        kind = BY_NAME.get(param) or BY_WORD.get((param, word))
        if kind is None:
            raise LookupError(f"{route.key}: nothing known fills <{param}> after {word!r}")
        kinds[param] = kind
    return kinds


def implied_by(obj):
    """The arguments an object's address carries besides its own key: a task's cell and year,
    an evidence file's target and year, an import's year."""
    if isinstance(obj, Task):
        return {"number": obj.cell.number, **year_address(obj.year)}
    if isinstance(obj, Evidence):
        return {"slug": obj.figure.target.slug, **year_address(obj.figure.year)}
    if isinstance(obj, Import):
        return year_address(obj.year)
    return {}


def year_address(year):
    """The year's number, and its committee's key where it has one (an unsaved example year
    may have none)."""
    return year.address if year.committee_id else {"year": year.year}


def url_of(route, values):
    """The address of ``route`` with its arguments from ``values`` ({what it stands for: value},
    see argument_kinds; a task, an evidence file or an import is given as the object, whose
    address it implies). LookupError naming the pattern where one cannot be filled."""
    kwargs, implied = {}, {}
    for param, kind in argument_kinds(route).items():
        if values.get(kind) is None:
            raise LookupError(f"{route.key}: no {kind} to fill <{param}> with")
        value = values[kind]
        if isinstance(value, models.Model):
            implied |= implied_by(value)
            value = value.pk
        kwargs[param] = value
    kwargs |= {param: value for param, value in implied.items() if param in kwargs}
    if is_regex(route):
        written = GROUP.sub(
            lambda found: BY_GROUP[found["param"]][1].format(kwargs[found["param"]]), route.route
        )
        return "/" + written.strip("^$")
    return "/" + ARGUMENT.sub(lambda found: str(kwargs[found["param"]]), route.route)


def url_for(name):
    """The address of the page ``name`` in Cầu Thia, of a year and rows it has something on."""
    in_2024 = {"committee": CAU_THIA, "year": 2024}
    if name in ("targets:import_upload", "targets:next_year", "targets:take_estimates"):
        # 2024: an open year, the latest (the one a next year follows), with estimates to take
        # as final.
        return reverse(name, kwargs=in_2024)
    if name == "targets:import":
        return an_import().get_absolute_url()
    if name == "targets:evidence":
        return evidence_of_bhyt().get_absolute_url()
    if name in ("cells:task_edit", "cells:task_progress", "cells:task_delete"):
        task = (
            Task.objects.filter(cell__committee__slug=CAU_THIA, cell__number=3, year__year=2023)
            .order_by("pk")
            .first()
        )
        return reverse(
            name, kwargs={"committee": CAU_THIA, "year": 2023, "number": 3, "pk": task.pk}
        )
    if name in ("cells:share_split", "cells:adopt_sum"):
        # 2024: its plan of trees is split among the cells, seven of which reported at six months.
        return reverse(name, kwargs=in_2024 | {"slug": "trong-cay-phan-tan"})
    if name in ("cells:shares", "cells:rating_self", "cells:rating_proposal"):
        # 2024: cell 3 has shares to report, and its rating is not decided yet.
        return reverse(name, kwargs=in_2024 | {"number": 3})
    # Fill each route's arguments by name: <committee:committee>, <year:year>, <slug:slug>, …
    return reverse(name, kwargs={param: ARGUMENTS[param] for param in project_urls()[name]})


def an_import():
    """A preview of Cầu Thia's 2024 report workbook with one plan changed, uploaded by alice
    where the test has her, else by the ward secretary (made the first time it is asked for)."""
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    imported = Import.objects.filter(year=year, confirmed_at=None).first()
    if imported is None:
        users = get_user_model().objects
        uploader = users.filter(username="alice").first() or users.get(username="bithu")
        imported = make_import(year, uploader, {"trong-cay-phan-tan": {"plan": 3100}})
    return imported


def make_import(year, uploader, changes, stage=Stage.FINAL):
    """A preview, not yet written, of ``year``'s report workbook with ``changes`` typed in."""
    imported = Import(
        year=year,
        stage=stage,
        file_name=f"bao-cao-{year.year}.xlsx",
        content=report_workbook(year.year, stage, changes),
        uploaded_by=uploader,
    )
    preview = imports.read(bytes(imported.content), imported.year, imported.stage)
    imported.sheet, imported.preview = preview.sheet, preview.as_json()
    imported.save()
    return imported


def evidence_of_bhyt():
    """An evidence file of Cầu Thia's 2023 BHYT figure (made the first time it is asked for)."""
    figure = Figure.objects.get(
        year__committee__slug=CAU_THIA, year__year=2023, target__slug="bao-hiem-y-te"
    )
    return figure.evidence.first() or make_evidence(
        figure, get_user_model().objects.get(username="bithu")
    )


EVIDENCE_CONTENT = b"%PDF-1.4\n"


def make_evidence(figure, uploader):
    """A small PDF as an evidence file of ``figure``, in the evidence storage of the moment."""
    evidence = Evidence(
        figure=figure,
        name="bien-ban.pdf",
        content_type="application/pdf",
        size=len(EVIDENCE_CONTENT),
        uploaded_by=uploader,
    )
    evidence.file.save("bien-ban.pdf", ContentFile(EVIDENCE_CONTENT), save=False)
    evidence.save()
    return evidence


def snapshot():
    """Every row of every model of the project's apps, to show nothing changed."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for app in ("committees", "targets", "cells")
        for model in apps.get_app_config(app).get_models()
    }


def test_every_url_is_classified():
    assert set(project_urls()) == (
        READ | STAFF_READ | WRITE | REPORT | ACCOUNT | PUBLIC | CURRENT | ROLLUP
    )


def test_every_unnamed_url_is_an_address_of_before():
    assert {route.route for route in url_patterns() if route.name is None} == MOVED


def test_every_url_can_be_filled_and_its_filled_address_leads_to_it():
    values = {
        "committee": CAU_THIA,
        "year": 2024,
        "cell": 3,
        "target": "bao-hiem-y-te",
        "shared_target": "trong-cay-phan-tan",
        "task": Task(pk=7, cell=Cell(number=3), year=Year(year=2024)),
        "import": Import(pk=8, year=Year(year=2024)),
        "evidence": Evidence(
            pk=9, figure=Figure(target=Target(slug="ho-ngheo"), year=Year(year=2024))
        ),
    }
    for route in url_patterns():
        url = url_of(route, values)
        assert resolve(url).route == route.route, url
        if route.name:
            assert url == reverse(route.name, kwargs=resolve(url).kwargs)
    pattern = "<committee:committee>/<year:year>/targets/<slug:slug>/evidence/<id:pk>/"
    evidence = url_of(Route("e", pattern, ()), values)
    assert evidence == "/cau-thia/2024/targets/ho-ngheo/evidence/9/"  # the evidence's own target
    [of_before] = [route for route in url_patterns() if is_regex(route)]
    assert url_of(of_before, values) == "/2024/"  # a year's page without its committee


def test_an_argument_nothing_known_fills_names_its_pattern():
    with pytest.raises(LookupError, match="targets:photo"):
        argument_kinds(Route("targets:photo", "<year:year>/photos/<id:pk>/", ("year", "pk")))
    with pytest.raises(LookupError, match=r"\^\(\?P<page>"):
        argument_kinds(Route(None, "^(?P<page>[a-z]+/)$", ()))


@pytest.mark.parametrize(
    "name", sorted(READ | STAFF_READ | WRITE | {"password_change", "password_change_done"})
)
def test_anonymous_requests_are_sent_to_sign_in(demo, name):
    for method in ("get", "post"):
        response = getattr(Client(), method)(url_for(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(WRITE))
def test_a_cell_secretary_on_a_write_url_gets_403_and_nothing_changes(secretary, name):
    client = Client()
    client.force_login(secretary(3))  # even on their own cell
    url = url_for(name)
    before = snapshot()
    assert client.get(url).status_code in (403, 405)
    assert (
        client.post(
            url,
            {
                "actual": "1",
                "description": "x",
                "members": "1",
                "target": "bao-hiem-y-te",
                "version": "1",
            },
        ).status_code
        == 403
    )
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(STAFF_READ))
def test_a_cell_secretary_cannot_read_the_wards_report(secretary, name):
    client = Client()
    client.force_login(secretary(3))
    assert client.get(url_for(name)).status_code == 403


def test_signing_in_with_the_demo_password_and_out_again(db):
    from django.core.management import call_command

    call_command("load_demo", "--password", "mat-khau-thu-2024", verbosity=0)
    client = Client()
    response = client.post(
        reverse("login"), {"username": "chibo2", "password": "mat-khau-thu-2024"}
    )
    assert response.status_code == 302
    assert client.get(reverse("cells:cell", args=[CAU_THIA, 2023, 2])).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # signing out is a POST
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("cells:cell", args=[CAU_THIA, 2023, 2])).status_code == 302


def test_a_wrong_password_is_refused_in_vietnamese(demo):
    response = Client().post(reverse("login"), {"username": "bithu", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_the_health_check_needs_no_sign_in_and_shows_nothing(db):
    response = Client().get(reverse("health"))
    assert (response.status_code, response.content) == (200, b"ok")


def test_the_sign_in_page_and_language_switch_need_no_sign_in(demo):
    assert Client().get(reverse("login")).status_code == 200
    response = Client().post(
        reverse("set_language"), {"language": "en", "next": "/accounts/login/"}
    )
    assert response.status_code == 302
