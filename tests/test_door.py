"""One door to a year (targets.access): every view of a year asks it which year the request is
about and what the user may do there, every template reads its answer as ``access``, and the
admin asks it the same of a record's year. The first tests list each place that decides for
itself instead; the others check the door's answer for each role in an open and a closed year,
as the pages show it."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from cells.models import SHARED_KINDS, Cell, Share, Task
from targets.models import Figure, Year

from .helpers import CAU_THIA, signed_in, text_of

ROOT = Path(__file__).resolve().parent.parent
DOOR = Path("targets/access.py")
VIEWS = [Path("targets/views.py"), Path("cells/views.py")]
# The role's declaration names the ward-wide view of cells among the ward staff's permissions.
ROLES = Path("cells/roles.py")
PACKAGES = ["targets", "cells", "core", "cauthia"]


def view_bypasses(source, name):
    """(where, what) for each place of a view module that decides what the door answers."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            func, args = node.func, node.args
            if (
                isinstance(func, ast.Name)
                and func.id == "get_object_or_404"
                and args
                and isinstance(args[0], ast.Name)
                and args[0].id == "Year"
            ):
                found.append((where, "get_object_or_404(Year, …): the year is year_for's"))
            if isinstance(func, ast.Attribute) and func.attr == "has_perm":
                found.append((where, "has_perm(…): ask the door what the user may do"))
            for keyword in node.keywords:
                if keyword.arg and keyword.arg.endswith("year__year"):
                    found.append((where, f"{keyword.arg}=…: narrow to the year with of_year"))
        elif isinstance(node, ast.Attribute):
            if (
                node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id == "Year"
            ):
                found.append((where, "Year.objects: the years are the door's (year, years)"))
            # A year's state may say "closed already"; beside a permission or as a page's flag,
            # it rebuilds an ability the door answers.
            parent = parents.get(node)
            if node.attr == "is_closed" and not (
                isinstance(parent, ast.If) and parent.test is node
            ):
                found.append((where, "is_closed in a condition or a page's flag: ask the door"))
    return found


def codename_bypasses(source, name):
    """(where, what) for each use of the ward-wide view of cells as a string in Python."""
    return [
        (f"{name}:{node.lineno}", "cells.view_cell: ask is_cell_secretary or the door")
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and node.value == "cells.view_cell"
    ]


IF_TAG = re.compile(r"{%-?\s*(?:el)?if\b(?P<condition>.*?)%}", re.S)
TEMPLATE_READS = [
    (re.compile(r"\bperms\."), "perms.…: read access.…"),
    (re.compile(r"\buser\.cell_secretary\b"), "user.cell_secretary: read access.own_cell"),
]


def template_bypasses(text, name):
    """(where, what) for each place of a template that rebuilds what ``access`` answers."""

    def line(offset):
        return f"{name}:{text.count(chr(10), 0, offset) + 1}"

    found = [
        (line(match.start()), what)
        for pattern, what in TEMPLATE_READS
        for match in pattern.finditer(text)
    ]
    for match in IF_TAG.finditer(text):
        condition = match["condition"]
        if "is_closed" in condition and re.search(r"\b(?:perms|access|can_\w+)\b", condition):
            found.append((line(match.start()), "is_closed beside a permission: read access.can_…"))
    return found


def project_bypasses():
    found = []
    for path in VIEWS:
        found += view_bypasses((ROOT / path).read_text(), str(path))
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative in (DOOR, ROLES) or "migrations" in relative.parts:
                continue
            found += codename_bypasses(path.read_text(), str(relative))
    for path in sorted((ROOT / "templates").rglob("*.html")):
        found += template_bypasses(path.read_text(), str(path.relative_to(ROOT)))
    return found


def test_no_view_template_or_model_decides_for_itself_what_the_door_answers():
    offenders = project_bypasses()
    assert not offenders, "decided outside targets/access.py:\n" + "\n".join(
        f"  {where}: {what}" for where, what in offenders
    )


def test_the_scan_finds_each_way_of_going_around_the_door():
    view = """
def page(request, year, slug):
    year = get_object_or_404(Year, year=year)
    years = Year.objects.all()
    figure = Figure.objects.get(year__year=year, target__slug=slug)
    can_edit = request.user.has_perm("targets.change_figure") and not year.is_closed
    if year.is_closed:
        return None
    return render(request, "page.html", {"years": years, "can_text": not year.is_closed})
"""
    found = {where for where, _what in view_bypasses(view, "v")}
    assert found == {"v:3", "v:4", "v:5", "v:6", "v:9"}
    assert codename_bypasses('user.has_perm("cells.view_cell")\n# cells.view_cell', "m") == [
        ("m:1", "cells.view_cell: ask is_cell_secretary or the door")
    ]
    template = (
        "{% if year.is_closed %}closed{% endif %}\n"
        "{% if perms.targets.change_figure and not year.is_closed %}edit{% endif %}\n"
        "{% elif can_edit and not year.is_closed %}\n"
        "{{ user.cell_secretary.cell.name }}"
    )
    assert sorted(where for where, _what in template_bypasses(template, "t")) == [
        "t:2",
        "t:2",
        "t:3",
        "t:4",
    ]


# --- What the door answers, as the pages show it -------------------------------------------------

YEAR = 2023  # open in the demo, and closable as it is
IN_YEAR = {"committee": CAU_THIA, "year": YEAR}  # the arguments of its pages' addresses
OWN = 3  # the cell of the demo's secretary chibo3
SLUG = "bao-hiem-y-te"
COMMENT = "Đối chiếu lại với BHXH thị xã"

# What each role may do in the year, by the year's state; the rest is refused.
WARD_ALWAYS = {"keeps_figures", "can_export", "can_set_up_years", "can_see_evidence"}
WARD_OPEN = {"can_enter", "can_write_text", "can_close", "can_rate", "can_manage_tasks"}
WARD_OPEN |= {"can_split", "can_report_progress", "can_report_shares", "can_self_assess"}
EXPECTED = {
    ("ward", "open"): WARD_ALWAYS | WARD_OPEN | {"sees_every_cell"},
    ("ward", "closed"): WARD_ALWAYS | {"can_reopen", "sees_every_cell"},
    # For their own cell, the only one they see.
    ("secretary", "open"): {
        "is_cell_secretary",
        "can_report_progress",
        "can_report_shares",
        "can_self_assess",
    },
    ("secretary", "closed"): {"is_cell_secretary"},
}
# A user with no role lacks the ward-wide view of cells: by the one rule, a cell secretary, of
# no cell (own_cell is None, and every cell's page answers 404).
EXPECTED |= {(None, state): EXPECTED["secretary", state] for state in ("open", "closed")}
ABILITIES = sorted(set().union(*EXPECTED.values()))
ROLES_OF = {"bithu": "ward", "alice": "ward", "chibo3": "secretary", "bob": None}


@pytest.fixture(params=ROLES_OF)
def who(request, demo, django_user_model):
    """(login, role, user) of each persona: the ward secretary, ward staff, a cell secretary, a
    user with no role."""
    login = request.param
    if login in ("alice", "bob"):
        user = request.getfixturevalue(login)
    else:
        user = django_user_model.objects.get(username=login)
    return login, ROLES_OF[login], user


@pytest.fixture(params=["open", "closed"])
def state(request, demo, django_user_model):
    """The year open, or closed by the ward secretary; either way with a working comment on
    SLUG's figure and a share of a ward figure for the cell OWN (the demo splits the year
    after's only), written while it was open."""
    bithu = django_user_model.objects.get(username="bithu")
    year = Year.objects.get(committee__slug=CAU_THIA, year=YEAR)
    figures = Figure.objects.filter(year=year)
    figures.filter(target__slug=SLUG).update(comment=COMMENT)
    figure = figures.filter(target__kind__in=SHARED_KINDS).first()
    Share(cell=own_cell(), figure=figure).write({"plan": Decimal(5)}, bithu, 0)
    if request.param == "closed":
        year.close(by=bithu)
    year.refresh_from_db()
    assert year.is_closed == (request.param == "closed")
    return request.param


def own_cell():
    """The demo ward's cell OWN."""
    return Cell.objects.get(committee__slug=CAU_THIA, number=OWN)


def allowed(access):
    return {name for name in ABILITIES if getattr(access, name)}


def links(response, name, *args, **kwargs):
    """Whether the page links (or posts a form) to the URL ``name``, whatever its query."""
    url = re.escape(reverse(name, args=args, kwargs=kwargs))
    return bool(re.search(rf'(?:href|action)="{url}(?:\?[^"]*)?"', response.content.decode()))


def test_the_dashboard_shows_what_the_door_answers_for_each_role_and_state(who, state):
    login, role, user = who
    page = signed_in(user).get(reverse("targets:dashboard", kwargs=IN_YEAR))
    assert page.status_code == 200
    access = page.context["access"]
    assert access is page.wsgi_request.access  # the view's answer, not one made again
    assert access.year.year == YEAR
    assert allowed(access) == EXPECTED[role, state], login
    own = access.own_cell
    assert (own.number if own else None) == (OWN if role == "secretary" else None)
    shown = {
        "keeps_figures": links(page, "targets:grid", **IN_YEAR),
        "can_enter": links(page, "targets:import_upload", **IN_YEAR),
        "can_export": links(page, "targets:report", **IN_YEAR),
        "can_write_text": links(page, "targets:report_text", **IN_YEAR),
        "can_close": links(page, "targets:close", **IN_YEAR),
        "can_reopen": links(page, "targets:reopen", **IN_YEAR),
        "sees_every_cell": links(page, "cells:overview", **IN_YEAR),
    }
    assert shown == {name: getattr(access, name) for name in shown}, login
    assert links(page, "cells:cell", **IN_YEAR, number=OWN) == (role == "secretary")


def test_a_target_page_shows_what_the_door_answers_for_each_role_and_state(who, state):
    login, role, user = who
    page = signed_in(user).get(reverse("targets:target", kwargs=IN_YEAR | {"slug": SLUG}))
    assert page.status_code == 200
    access = page.context["access"]
    assert access is page.wsgi_request.access
    assert access.can_enter == ((role, state) == ("ward", "open"))
    assert access.keeps_figures == access.can_see_evidence == (role == "ward")
    assert links(page, "targets:edit", **IN_YEAR, slug=SLUG) == access.can_enter, login
    uploads = links(page, "targets:evidence_upload", **IN_YEAR, slug=SLUG)
    assert uploads == access.can_enter, login
    assert (COMMENT in text_of(page)) == access.keeps_figures, login


def test_a_cells_page_shows_what_the_door_answers_for_each_role_and_state(who, state):
    login, role, user = who
    own = IN_YEAR | {"number": OWN}
    address = reverse("cells:cell", kwargs=own)
    page = signed_in(user).get(address)
    if role is None:
        assert page.status_code == 404  # no cell of their own, and no view of the others
        return
    assert page.status_code == 200
    access = page.context["access"]
    assert allowed(access) == EXPECTED[role, state], login
    assert links(page, "cells:task_add", **own) == access.can_manage_tasks
    assert links(page, "cells:rating_edit", **own) == access.can_rate
    of_own = {"cell": own_cell(), "year": access.year}
    assert Share.objects.filter(**of_own).exists()
    assert links(page, "cells:shares", **own) == access.can_report_shares
    task = Task.objects.filter(**of_own).order_by("pk").first()
    progress = links(page, "cells:task_progress", **own, pk=task.pk)
    assert progress == access.can_report_progress, login


def test_the_menu_and_the_refusal_lead_a_cell_secretary_to_their_own_cell_and_no_one_else(
    who, state
):
    login, role, user = who
    client = signed_in(user)
    menu = client.get(reverse("password_change"))  # a page of no year
    assert menu.context["access"].year is None
    assert links(menu, "cells_home") == (role is not None), login
    refused = client.get(reverse("targets:report", kwargs=IN_YEAR))
    if role == "ward":
        assert refused.status_code == 200
        return
    assert refused.status_code == 403
    assert (own_cell().name in text_of(refused)) == (role == "secretary"), login


def test_a_year_that_was_never_set_up_is_not_found_on_every_kind_of_page(who):
    login, _role, user = who
    client = signed_in(user)
    never = {"committee": CAU_THIA, "year": 2099}
    for address in (
        reverse("targets:dashboard", kwargs=never),
        reverse("targets:target", kwargs=never | {"slug": SLUG}),
        reverse("cells:cell", kwargs=never | {"number": OWN}),
        reverse("cells:task_sheet", kwargs=never | {"number": OWN}),
    ):
        assert client.get(address).status_code == 404, (login, address)


def test_the_admin_asks_the_door_whether_a_years_records_may_be_changed(alice, state):
    client = signed_in(alice)
    year = Year.objects.get(committee__slug=CAU_THIA, year=YEAR)
    figure = Figure.objects.get(year=year, target__slug=SLUG)
    page = client.get(reverse("admin:targets_figure_change", args=[figure.pk]))
    assert page.status_code == 200
    assert ('name="_save"' in page.content.decode()) == (state == "open")
    page = client.get(reverse("admin:targets_year_change", args=[year.pk]))
    assert ('name="_save"' in page.content.decode()) == (state == "open")
