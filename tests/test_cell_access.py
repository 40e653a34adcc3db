"""Every pair of cell secretary and cell of 2024: a secretary opens their own cell's pages and
reports for it, finds no page of another cell (404, as if it did not exist), is refused the
ward office's actions (403) on every cell, their own included, and a refused request changes
nothing. Anonymous visitors are sent to sign in; the ward office opens every cell.

Where every secretary would send the same requests about a cell, the requests are dealt among
them instead, from the run's seed (CELL_ACCESS_SEED replays a run): each secretary sends some,
together they send every one, and over runs each secretary sends each."""

import re
from decimal import Decimal
from html import unescape
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.test import Client
from django.urls import resolve, reverse

from cells.models import Cell, CellYear, Level, Share, Task
from targets.models import Figure, Target
from targets.stages import Stage

from .helpers import CAU_THIA, form_data, plain_text, rows_of, signed_in
from .sampling import deal, run_seed
from .test_access import snapshot

YEAR = 2024  # open; every cell has tasks, shares and a rating not decided yet
NUMBERS = range(1, 11)
# 2024's targets whose plan the ward split among the cells: among all ten, among cells 1–8.
SHARED = ("trong-cay-phan-tan", "giam-ho-ngheo")

# A cell's pages that are only read, what its secretary reports for it, and what only the ward
# office does to it; the office's actions on a target's shares, which are no one cell's.
READ = ("cell", "digest", "task_sheet")
REPORT = ("shares", "rating_self", "task_progress")
WARD = ("task_add", "task_edit", "task_delete", "rating_proposal", "rating_edit")
WARD_TARGET = ("share_split", "adopt_sum")
WRITES = REPORT + WARD + WARD_TARGET

NOTE = "Đã họp chi bộ, phân công đảng viên phụ trách từng ngõ."
# Stands for the address of this cell's task put under the sending secretary's own cell.
UNDER_OWN = "under their own cell's number"


@pytest.fixture(scope="session")
def seed(pytestconfig):
    return run_seed(pytestconfig, "CELL_ACCESS_SEED")


def dealt(requests, senders, seed, *what):
    """{sender: their share of ``requests``}: every request sent, each sender sending at least
    one (a request sent twice where there are more senders than requests)."""
    pool = list(requests) * -(-len(senders) // len(requests))
    return dict(zip(senders, deal(pool, len(senders), seed, *what), strict=True))


def replay(seed):
    return f"(CELL_ACCESS_SEED={seed} replays this sample)"


def tasks_of(number):
    return Task.objects.filter(
        year__committee__slug=CAU_THIA, year__year=YEAR, cell__number=number
    ).order_by("pk")


def addresses(name, number, under=None, stages=tuple(Stage), tasks=None):
    """The addresses of the cell page ``name`` of cell ``number`` (put under the number ``under``
    instead, if given): one a stage for its shares, one a task for a task's page (its first
    ``tasks``, else all; for deleting, those a delete would remove: one with progress notes is
    kept)."""
    kwargs = {"committee": CAU_THIA, "year": YEAR, "number": number if under is None else under}
    if name == "shares":
        return [f"{reverse('cells:shares', kwargs=kwargs)}?stage={stage}" for stage in stages]
    if name in ("task_edit", "task_progress", "task_delete"):
        found = tasks_of(number)
        if name == "task_delete":
            found = found.filter(notes=None)
            assert found, f"cell {number} has no task a delete would remove: use `deletable`"
        return [reverse(f"cells:{name}", kwargs=kwargs | {"pk": task.pk}) for task in found[:tasks]]
    return [reverse(f"cells:{name}", kwargs=kwargs)]


@pytest.fixture
def deletable(demo):
    """A task without progress notes, one a delete would remove, in every cell: the demo's cell
    6 has none."""
    for number in NUMBERS:
        if not tasks_of(number).filter(notes=None).exists():
            task = tasks_of(number).first()
            Task.objects.create(
                cell=task.cell,
                year=task.year,
                target=task.target,
                description="Nhiệm vụ giao nhầm chi bộ",
                responsible=task.responsible,
            )


# A refusal comes before the stage or the task is read: one of each stands for all.
ONE = {"stages": [Stage.FINAL], "tasks": 1}


def every_address(name, **which):
    """The addresses of ``name`` over every cell, or over every split target."""
    if name in WARD_TARGET:
        return [
            reverse(f"cells:{name}", kwargs={"committee": CAU_THIA, "year": YEAR, "slug": slug})
            for slug in SHARED
        ]
    return [address for number in NUMBERS for address in addresses(name, number, **which)]


def filled(client, name, address):
    """What ``client``'s browser posts from the form at ``address`` with one value changed: a
    post that saves something when its sender may (see
    test_the_ward_office_saves_every_post_the_cell_secretaries_are_refused)."""
    if name == "task_delete":
        return {}
    if name == "adopt_sum":  # the button beside a stage of the target page's shares
        slug = resolve(address).kwargs["slug"]
        figure = Figure.objects.get(
            year__committee__slug=CAU_THIA, year__year=YEAR, target__slug=slug
        )
        return {"stage": Stage.HALF.value, "version": figure.version}
    page = client.get(address)
    assert page.status_code == 200, address
    if name in ("shares", "share_split"):
        data = form_data(page, {"class": "share-form"})
        field = next(key for key in data if f"initial-{key}" in data)
        data[field] = "8" if data[field] == "7" else "7"
        return data
    changes = {
        "rating_self": {"rating": Level.GOOD.value},
        "rating_proposal": {"rating": Level.GOOD.value},
        "rating_edit": {"rating": Level.GOOD.value},
        "task_progress": {"text": NOTE},
        "task_edit": {"description": NOTE},
        "task_add": {
            "target": str(Target.objects.get(committee__slug=CAU_THIA, slug=SHARED[0]).pk),
            "description": NOTE,
            "responsible": "Bí thư chi bộ",
        },
    }
    if name in ("rating_self", "rating_proposal"):
        # A step rates every member of the cell: its counts add up to the cell's members.
        number = resolve(address).kwargs["number"]
        members = CellYear.objects.get(
            year__committee__slug=CAU_THIA, year__year=YEAR, cell__number=number
        ).members
        changes[name] = changes[name] | {
            "members_excellent": "0",
            "members_good": str(members),
            "members_completed": "0",
            "members_not_completed": "0",
        }
    return form_data(page, {"class": "figure-form"}) | changes[name]


def changed_rows(before, after):
    """{model label: its rows that differ between two snapshots, as they are after (as they
    were, for a row removed)}."""
    changed = {}
    for label, rows in after.items():
        old = {row["id"]: row for row in before[label]}
        new = {row["id"]: row for row in rows}
        differ = [new.get(pk) or old[pk] for pk in old | new if old.get(pk) != new.get(pk)]
        if differ:
            changed[label] = differ
    return changed


def cell_names():
    """{number: name} of Cầu Thia's cells."""
    return dict(Cell.objects.filter(committee__slug=CAU_THIA).values_list("number", "name"))


def named(text, names):
    """The numbers of the cells whose name is in ``text`` ("… số 1" not within "… số 10")."""
    return [
        number for number, name in names.items() if re.search(re.escape(name) + r"(?!\d)", text)
    ]


def answers(client, requests):
    """[(method, address, status)] of ``requests`` [(method, address, data)], in order."""
    return [
        (method, address, getattr(client, method)(address, data).status_code)
        for method, address, data in requests
    ]


@pytest.mark.parametrize("own", NUMBERS)
def test_a_cell_secretary_opens_every_page_of_their_own_cell(secretary, own):
    """And a post to a page that is only read is refused (405), as on any cell."""
    client = signed_in(secretary(own))
    pages = [address for name in READ + REPORT for address in addresses(name, own)]
    read = [address for name in READ for address in addresses(name, own)]
    sent = [("get", address, None) for address in pages] + [("post", a, {}) for a in read]
    expected = [("get", address, 200) for address in pages] + [("post", a, 405) for a in read]
    before = snapshot()
    assert answers(client, sent) == expected
    assert snapshot() == before


@pytest.mark.parametrize("name", REPORT)
@pytest.mark.parametrize("own", NUMBERS)
def test_a_cell_secretary_reports_for_their_own_cell_and_only_it_changes(secretary, own, name):
    user = secretary(own)
    client = signed_in(user)
    cell_year = CellYear.objects.get(
        year__committee__slug=CAU_THIA, year__year=YEAR, cell__number=own
    )
    for address in addresses(name, own):
        data = filled(client, name, address)
        before = snapshot()
        assert client.post(address, data).status_code == 302, address
        changed = changed_rows(before, snapshot())
        changed.pop("targets.Change", None)  # the history of what changed
        if name == "shares":
            stage = Stage(parse_qs(urlsplit(address).query)["stage"][0])
            [typed] = [v for k, v in data.items() if v != data.get(f"initial-{k}", v)]
            [share] = changed.pop("cells.Share")
            assert share["cell_id"] == cell_year.cell_id
            assert share[Stage(stage).field] == Decimal(typed)
            assert share["updated_by_id"] == user.pk
        elif name == "rating_self":
            [step] = changed.pop("cells.RatingStep")
            assert (step["cell_year_id"], step["step"]) == (cell_year.pk, "self")
            assert (step["rating"], step["by_id"]) == (Level.GOOD, user.pk)
        else:
            [note] = changed.pop("cells.TaskNote")
            assert note["task_id"] == resolve(address).kwargs["pk"]
            assert (note["text"], note["written_by_id"]) == (NOTE, user.pk)
        assert changed == {}, address


@pytest.mark.parametrize("number", NUMBERS)
def test_no_other_cells_secretary_finds_a_page_of_this_cell_and_nothing_changes(
    secretary, bithu, number, seed
):
    """404, for a read and a post alike; a post to a page that is only read is refused (405)
    before any cell is looked up. This cell's task is not found under the secretary's own
    cell's number either. Each post is the ward office's form for this cell, a value changed.
    The requests are dealt among the nine other cells' secretaries."""
    posts = {
        address: filled(bithu, name, address)
        for name in REPORT
        for address in addresses(name, number, **ONE)
    }
    sent = []
    for name in READ:
        for address in addresses(name, number):
            sent += [("get", address, None, 404), ("post", address, {}, 405)]
    for address, data in posts.items():
        sent += [("get", address, None, 404), ("post", address, data, 404)]
    [task] = addresses("task_progress", number, **ONE)
    sent += [("get", UNDER_OWN, None, 404), ("post", UNDER_OWN, posts[task], 404)]
    others = [other for other in NUMBERS if other != number]
    before = snapshot()
    for other, hand in dealt(sent, others, seed, "another cell", number).items():
        [under_own] = addresses("task_progress", number, under=other, **ONE)
        requests = [
            (method, under_own if address == UNDER_OWN else address, data, status)
            for method, address, data, status in hand
        ]
        got = answers(signed_in(secretary(other)), [request[:3] for request in requests])
        expected = [(method, address, status) for method, address, _, status in requests]
        assert got == expected, f"chibo{other} {replay(seed)}"
    assert snapshot() == before


def test_another_cell_answers_a_cell_secretary_as_a_cell_that_does_not_exist(
    secretary, deletable, seed
):
    """Whatever the page and method: nothing tells the secretary the cell is there. The pages
    are dealt among the secretaries, each asking about the next cell."""
    missing = Cell.objects.filter(committee__slug=CAU_THIA).order_by("number").last().number + 1
    before = snapshot()
    for own, names in dealt(READ + REPORT + WARD, NUMBERS, seed, "no such cell").items():
        other = own % 10 + 1
        client = signed_in(secretary(own))
        for name in names:
            there = addresses(name, other, **ONE)
            absent = addresses(name, other, under=missing, **ONE)
            for method in ("get", "post"):
                requests = [(method, address, {}) for address in there + absent]
                got = [status for _, _, status in answers(client, requests)]
                assert got[: len(there)] == got[len(there) :], (own, name, method, replay(seed))
    assert snapshot() == before


@pytest.mark.parametrize("number", NUMBERS)
def test_the_ward_offices_actions_on_a_cell_answer_403_to_every_cell_secretary_and_change_nothing(
    secretary, bithu, deletable, number, seed
):
    """Their own cell's secretary included, who sends every request: the permission is checked
    before the cell is looked up. Each post is the one the office's own browser sends."""
    sent = []
    for name in WARD:
        for address in addresses(name, number, **ONE):
            sent += [("get", address, None), ("post", address, filled(bithu, name, address))]
    refused_to_every_secretary(secretary, sent, seed, "the office's", number, own=number)


def refused_to_every_secretary(secretary, sent, seed, *what, own=None):
    """Each cell's secretary sends a share of ``sent`` (the secretary of cell ``own`` all of
    it) and is answered 403 each time; nothing changes."""
    before = snapshot()
    others = [number for number in NUMBERS if number != own]
    hands = dealt(sent, others, seed, *what) | ({own: sent} if own else {})
    for of_cell, hand in hands.items():
        got = answers(signed_in(secretary(of_cell)), hand)
        expected = [(method, address, 403) for method, address, _ in hand]
        assert got == expected, f"chibo{of_cell} {replay(seed)}"
    assert snapshot() == before


@pytest.mark.parametrize("slug", SHARED)
def test_the_ward_offices_actions_on_a_targets_shares_answer_403_to_every_cell_secretary(
    secretary, bithu, slug, seed
):
    sent = []
    for name in WARD_TARGET:
        address = reverse(
            f"cells:{name}", kwargs={"committee": CAU_THIA, "year": YEAR, "slug": slug}
        )
        sent += [("get", address, None), ("post", address, filled(bithu, name, address))]
    refused_to_every_secretary(secretary, sent, seed, "the office's", slug)


@pytest.mark.parametrize("name", WRITES)
def test_the_ward_office_saves_every_post_the_cell_secretaries_are_refused(bithu, deletable, name):
    """What makes the refusals above mean something: the same posts, from the office, save."""
    before = snapshot()
    for address in every_address(name, **ONE):
        assert bithu.post(address, filled(bithu, name, address)).status_code == 302, address
        after = snapshot()
        assert after != before, address
        before = after


@pytest.mark.parametrize("name", READ + WRITES)
def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_cell_address(bithu, deletable, name):
    requests = [
        (
            method,
            address,
            filled(bithu, name, address) if method == "post" and name in WRITES else {},
        )
        for address in every_address(name, **ONE)
        for method in ("get", "post")
    ]
    before = snapshot()
    for method, address, data in requests:
        response = getattr(Client(), method)(address, data)
        assert response.status_code == 302, (method, address)
        sign_in = urlsplit(response.url)
        assert (sign_in.path, parse_qs(sign_in.query)) == (reverse("login"), {"next": [address]})
    assert snapshot() == before


@pytest.mark.parametrize("number", NUMBERS)
def test_the_ward_office_opens_every_page_of_every_cell(bithu, number):
    pages = [
        address
        for name in READ + REPORT + ("task_add", "task_edit", "rating_proposal", "rating_edit")
        for address in addresses(name, number)
    ]
    opened = answers(bithu, [("get", address, None) for address in pages])
    assert opened == [("get", address, 200) for address in pages]


@pytest.mark.parametrize("own", NUMBERS)
def test_a_cell_secretary_sees_no_other_cells_name_on_their_own_cells_pages(secretary, own):
    client = signed_in(secretary(own))
    names = cell_names()
    for name in ("cell", "digest", "shares", "rating_self", "task_progress"):
        for address in addresses(name, own):
            assert named(unescape(client.get(address).content.decode()), names) == [own], address
    workbook = openpyxl.load_workbook(BytesIO(client.get(addresses("task_sheet", own)[0]).content))
    text = "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert named(text, names) == [own]


def first_columns(page):
    """The first cell of each body row of the page's tables."""
    return [row.split(" | ")[0] for row in rows_of(page)]


def share_labels(page):
    """The label of each row of the page's shares form."""
    form = re.search(r'<form [^>]*class="share-form".*?</form>', page.content.decode(), re.S)
    return [plain_text(label) for label in re.findall(r"<label\b.*?</label>", form.group(0), re.S)]


@pytest.mark.parametrize("own", NUMBERS)
def test_a_cell_secretarys_pages_list_each_share_of_their_cell_once_and_no_other_cells(
    secretary, own
):
    """On the cell's page, its one-page digest and its shares page (at every stage): a row for
    each of the year's split targets the cell has a share of, none for the others."""

    def numbered(figure):  # as the cell's page and its shares form name a target
        return f"{figure.target.position}. {figure.name}"

    def plain(figure):  # as the digest does
        return figure.name

    client = signed_in(secretary(own))
    pages = [
        (first_columns(client.get(addresses("cell", own)[0])), numbered),
        (first_columns(client.get(addresses("digest", own)[0])), plain),
        *((share_labels(client.get(address)), numbered) for address in addresses("shares", own)),
    ]
    shares = Share.objects.filter(year__committee__slug=CAU_THIA, year__year=YEAR)
    shares = shares.select_related("figure__target")
    figures = {share.figure for share in shares}
    own_figures = {share.figure for share in shares.filter(cell__number=own)}
    for rows, label in pages:
        listed = {figure: sum(row.startswith(label(figure)) for row in rows) for figure in figures}
        assert listed == {figure: int(figure in own_figures) for figure in figures}, rows


@pytest.mark.parametrize("slug", SHARED)
def test_a_targets_shares_by_cell_are_shown_to_the_ward_office_and_to_no_cell_secretary(
    bithu, secretary, slug
):
    address = reverse("targets:target", kwargs={"committee": CAU_THIA, "year": YEAR, "slug": slug})
    names = cell_names()
    html = unescape(bithu.get(address).content.decode())
    section = re.search(r'<section aria-labelledby="cells-shares".*?</section>', html, re.S)
    assert section, "the office sees the cells' shares"
    shared = Share.objects.filter(
        year__committee__slug=CAU_THIA, year__year=YEAR, figure__target__slug=slug
    )
    assert named(section.group(0), names) == sorted(shared.values_list("cell__number", flat=True))
    for number in NUMBERS:
        page = signed_in(secretary(number)).get(address)
        assert page.status_code == 200
        html = unescape(page.content.decode())
        assert 'id="cells-shares"' not in html, number
        assert named(html, names) == [], number
