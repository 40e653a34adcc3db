"""A province's roll-up of its communes, read through its pages and recounted by brute force.

Each sample adds illustrative communes under Lào Cai beside Cầu Thia (generate_communes, with a
printed seed), then disturbs them as real communes are: a target retired (no figure of the
year), a plan not given, a stage not reported, a unit of their own, a commune that has not set
the year up. The roll-up's counts must be, target by target, the number of communes whose own
dashboard shows that verdict; its total, median, lowest and highest those of the figures in the
shared target's unit; its completeness the figures each commune has entered.
"""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from cells.roles import CELL_SECRETARIES, WARD_STAFF
from committees.models import Account, Committee
from rollup.counting import ADDED_UP
from targets.forms import NextYearForm
from targets.models import Figure, Target, Year
from targets.progress import Kind
from targets.stages import Stage

from .helpers import CAU_THIA, signed_in, text_of
from .sampling import run_seed
from .test_malformed import DRAWN, MALFORMED

pytestmark = pytest.mark.django_db

PROVINCE = "lao-cai"
YEAR = 2024


@pytest.fixture
def seed(pytestconfig):
    """The run's seed of the generated communes: printed at the end, ROLLUP_SEED replays it."""
    return run_seed(pytestconfig, "ROLLUP_SEED")


def staff_of(key, name=None):
    """An office user of the committee keyed ``key``."""
    user = get_user_model().objects.create_user(name or f"vp-{key}", is_staff=True)
    user.groups.add(Group.objects.get(name=WARD_STAFF))
    Account.objects.create(user=user, committee=Committee.objects.get(slug=key))
    return user


def disturbed_communes(seed, count):
    """``count`` illustrative communes more under Lào Cai, the last two without 2024, and the
    rest disturbed at random: retired targets, plans and stages missing, units of their own.

    A retired target is one a commune did not carry into 2024 when it set the year up (history
    is kept for good, so no figure is ever deleted): 2024 is opened from 2023 as the office
    opens it, without a tenth of the targets, and given 2023's figures."""
    rng = random.Random(seed)
    common = ["--superior=lao-cai", f"--template={CAU_THIA}", f"--seed={seed}", "--cells=0"]
    before = list(Committee.objects.values_list("pk", flat=True))
    call_command("generate_communes", f"--count={count}", *common, "--years", "2023", verbosity=0)
    communes = list(Committee.objects.exclude(pk__in=before).order_by("slug"))
    fields = ["plan", *(stage.field for stage in Stage)]
    for commune in communes[: count - 2]:
        last = commune.years.get(year=YEAR - 1)
        figures = {figure.target_id: figure for figure in last.figures.all()}
        targets = list(commune.targets.filter(pk__in=figures))
        carried = [t for t in targets if rng.random() >= 0.1]
        names = {name: getattr(last, name) for name in NextYearForm.Meta.fields}
        following = last.open_following(names=names, carried=carried, new_targets=[], by=None)
        copied = list(following.figures.all())
        for figure in copied:
            for field in fields:
                setattr(figure, field, getattr(figures[figure.target_id], field))
        Figure.objects.bulk_update(copied, fields)
    figures = list(
        Figure.objects.filter(year__year=YEAR, year__committee__slug__startswith="xa-minh-hoa")
    )
    changes = {}
    for figure in figures:
        draw = rng.random()
        if draw < 0.1:
            changes.setdefault("plan", []).append(figure.pk)
        elif draw < 0.3:
            changes.setdefault(rng.choice(list(Stage)).field, []).append(figure.pk)
    for field, pks in changes.items():
        Figure.objects.filter(pk__in=pks).update(**{field: None})
    targets = list(Target.objects.filter(committee__slug__startswith="xa-minh-hoa"))
    for target in rng.sample(targets, len(targets) // 20):
        target.unit = f"{target.unit} (riêng)"
        target.save(update_fields=["unit"])


def verdicts_on_dashboards(client, stage):
    """{target key: [(commune key, assessment, target unit, kind, direction, actual)]} read
    from each commune's own dashboard of 2024 at ``stage``."""
    seen = {}
    for year in Year.objects.filter(year=YEAR, committee__superior__slug=PROVINCE):
        key = year.committee.slug
        response = client.get(f"/{key}/{YEAR}/?stage={stage.value}")
        assert response.status_code == 200
        for row in response.context["report"].rows:
            target = row.figure.target
            seen.setdefault(target.slug, []).append(
                (key, row.assessment, target.unit, target.kind, target.direction, row.actual)
            )
    return seen


def seen_communes(seen):
    return {key for rows in seen.values() for key, *_ in rows}


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    mean = (ordered[middle - 1] + ordered[middle]) / 2
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("stage", [Stage.HALF, Stage.ESTIMATE, Stage.FINAL])
def test_the_counts_and_figures_are_those_of_the_communes_own_pages(demo, seed, stage):
    disturbed_communes(f"{seed}-{stage.value}", count=7)
    province = signed_in(staff_of(PROVINCE))
    response = province.get(f"/{PROVINCE}/rollup/{YEAR}/?stage={stage.value}")
    assert response.status_code == 200
    seen = verdicts_on_dashboards(province, stage)
    names = dict(Committee.objects.values_list("slug", "name"))
    rollups = response.context["rollups"]
    assert [r.target.slug for r in rollups] == list(
        Target.objects.filter(committee__slug=CAU_THIA)
        .order_by("position")
        .values_list("slug", flat=True)
    )
    for found in rollups:
        target = found.target
        rows = seen.get(target.slug, [])
        expected = {verdict: 0 for verdict in found.counts}
        for _key, assessment, *_ in rows:
            expected[assessment] += 1
        assert found.counts == expected, target.slug
        assert found.tracking == len(rows)
        compared = sorted(
            (actual, names[key])
            for key, _a, unit, kind, direction, actual in rows
            if (unit.casefold(), kind, direction)
            == (target.unit.casefold(), target.kind, target.direction)
            and actual is not None
        )
        if target.kind == Kind.MILESTONE or not compared:
            assert (found.median, found.lowest, found.highest) == (None, None, None)
        else:
            assert found.median == median([actual for actual, _ in compared])
            assert (found.lowest.actual, found.lowest.commune.name) == compared[0]
            assert (found.highest.actual, found.highest.commune.name) == compared[-1]
        total = sum((actual for actual, _ in compared), Decimal(0))
        assert found.total == (total if target.kind in ADDED_UP and compared else None)
    # The sample has what it is meant to: retired targets, plans not given, units of their own.
    entries = [e for r in rollups for e in r.entries]
    assert any(r.tracking < len(seen_communes(seen)) for r in rollups)
    assert any(e.plan is None for e in entries) and any(not e.comparable for e in entries)
    # What the page shows of it: each count a link to the communes behind it.
    bhyt = next(r for r in rollups if r.target.slug == "bao-hiem-y-te")
    for verdict, count in bhyt.counts.items():
        if count:
            communes = province.get(
                reverse("rollup:target", args=[PROVINCE, YEAR, "bao-hiem-y-te"]),
                {"stage": stage.value, "verdict": verdict.value},
            )
            assert communes.context["page"].paginator.count == count
            shown = {e.commune.slug for e in communes.context["page"].object_list}
            assert shown == {key for key, a, *_ in seen["bao-hiem-y-te"] if a == verdict}


def test_completeness_counts_what_each_commune_entered(demo, seed):
    disturbed_communes(f"{seed}-completeness", count=6)
    province = signed_in(staff_of(PROVINCE))
    response = province.get(f"/{PROVINCE}/rollup/{YEAR}/completeness/?stage=half")
    assert response.status_code == 200
    reports = {r.commune.slug: r for r in response.context["page"].object_list}
    communes = Committee.objects.filter(superior__slug=PROVINCE)
    assert set(reports) == set(communes.values_list("slug", flat=True))
    for commune in communes:
        report = reports[commune.slug]
        year = commune.years.filter(year=YEAR).first()
        if year is None:
            assert report.state(Stage.HALF) == "no_year"
            continue
        planned = [f for f in year.figures.all() if f.plan is not None]
        assert report.planned == len(planned)
        for stage in Stage:
            done = sum(getattr(f, stage.field) is not None for f in planned)
            assert report.reported[stage] == done
            state = report.state(stage)
            assert state == ("complete" if done == len(planned) else "partial" if done else "none")
        assert report.last_change == max(f.updated_at for f in year.figures.all())
    complete = sum(r.state(Stage.HALF) == "complete" for r in reports.values())
    assert f"{complete}/{len(reports)} xã, phường đã báo cáo đủ số liệu 6 tháng" in text_of(
        response
    )


def test_a_committee_above_the_province_counts_the_communes_of_every_province_under_it(demo, seed):
    disturbed_communes(f"{seed}-nation", count=4)
    nation = Committee.objects.create(name="Toàn quốc (minh họa)", slug="toan-quoc")
    province = Committee.objects.get(slug=PROVINCE)
    province.superior = nation
    province.save()
    above = signed_in(staff_of("toan-quoc")).get(f"/toan-quoc/rollup/{YEAR}/?stage=final")
    below = signed_in(staff_of(PROVINCE)).get(f"/{PROVINCE}/rollup/{YEAR}/?stage=final")
    assert [(r.target.slug, r.counts, r.median) for r in above.context["rollups"]] == [
        (r.target.slug, r.counts, r.median) for r in below.context["rollups"]
    ]


def test_who_reads_a_roll_up(demo, admin_user):
    commune = staff_of(CAU_THIA, "vp-cau-thia")
    secretary = get_user_model().objects.create_user("cb-lao-cai")
    secretary.groups.add(Group.objects.get(name=CELL_SECRETARIES))
    Account.objects.create(user=secretary, committee=Committee.objects.get(slug=PROVINCE))
    address = f"/{PROVINCE}/rollup/{YEAR}/"

    def status(user, address=address, post=False):
        client = signed_in(user)
        return (client.post if post else client.get)(address).status_code

    answers = {
        "province staff": status(staff_of(PROVINCE)),
        "superuser": status(admin_user),
        "commune staff": status(commune),
        "province cell secretary": status(secretary),
        "a commune's own roll-up": status(commune, f"/{CAU_THIA}/rollup/{YEAR}/"),
        "a year no commune keeps": status(admin_user, f"/{PROVINCE}/rollup/1999/"),
        "posted to": status(admin_user, post=True),
    }
    assert answers == {
        "province staff": 200,
        "superuser": 200,
        "commune staff": 404,
        "province cell secretary": 403,
        "a commune's own roll-up": 404,
        "a year no commune keeps": 404,
        "posted to": 405,
    }


def test_the_province_lands_on_its_latest_roll_up_and_reads_a_commune_from_it(demo):
    province = signed_in(staff_of(PROVINCE))
    assert province.get("/").url == f"/{PROVINCE}/rollup/"
    latest = max(
        Year.objects.filter(committee__superior__slug=PROVINCE).values_list("year", flat=True)
    )
    assert province.get(f"/{PROVINCE}/rollup/").url == f"/{PROVINCE}/rollup/{latest}/"
    page = province.get(f"/{PROVINCE}/rollup/{YEAR}/?stage=final")
    lowest = next(r.lowest for r in page.context["rollups"] if r.lowest is not None)
    commune = province.get(f"/{lowest.commune.slug}/{YEAR}/?stage=final")
    assert commune.status_code == 200
    assert province.post(f"/{lowest.commune.slug}/{YEAR}/grid/").status_code == 403


# Every roll-up page asks, as a province's office opens it: 1 the session, 2 the signed-in
# user, 3-4 the user's and their groups' permissions (office staff?), 5 the committee, 6 the
# user's account (may they read it?), 7 the years its communes keep; and last, the user's own
# committee for the menu.
DOOR = 7
PAGES = {
    # name: (address, queries)
    # 8 the committee whose targets are the shared set, 9 those targets with their areas, 10
    # the communes, 11 their figures, 12 the completeness counts, 13 the communes for them
    "rollup": (f"/{PROVINCE}/rollup/{YEAR}/", DOOR + 6 + 1),
    # 8 the completeness counts, 9 the communes for them
    "completeness": (f"/{PROVINCE}/rollup/{YEAR}/completeness/", DOOR + 2 + 1),
    # 8 the shared set's committee, 9 its targets, 10 the communes, 11 their figures
    "target": (f"/{PROVINCE}/rollup/{YEAR}/targets/bao-hiem-y-te/", DOOR + 4 + 1),
}


@pytest.mark.parametrize("page", PAGES)
def test_each_roll_up_page_costs_the_same_queries_for_two_communes_and_for_twelve(
    demo, page, django_assert_num_queries
):
    address, queries = PAGES[page]
    province = signed_in(staff_of(PROVINCE))
    province.get(address)  # the session, warmed
    with django_assert_num_queries(queries):
        assert province.get(address).status_code == 200
    common = ["--superior=lao-cai", f"--template={CAU_THIA}", "--cells=0"]
    call_command("generate_communes", "--count=10", *common, verbosity=0)
    with django_assert_num_queries(queries):
        assert province.get(address).context["committee"].slug == PROVINCE


# The parameters each roll-up page reads.
READ_BY = {
    "rollup": ["stage", "area", "verdict", "sort"],
    "completeness": ["stage", "state", "page"],
    "target": ["stage", "verdict", "page"],
    "print": ["stage"],
    "workbook": ["stage"],
}


def test_a_malformed_parameter_of_a_roll_up_page_is_never_a_server_error(demo, seed):
    """Each parameter a roll-up page reads, given a sample of the malformed values the rest of
    the app is tried with (tests/test_malformed.py), answers a page or a refusal, never a
    crash (the test client raises on one)."""
    rng = random.Random(f"{seed}-malformed")
    disturbed_communes(f"{seed}-malformed", count=3)
    province = signed_in(staff_of(PROVINCE))
    tried = 0
    for name, parameters in READ_BY.items():
        extra = ["bao-hiem-y-te"] if name == "target" else []
        address = reverse(f"rollup:{name}", args=[PROVINCE, YEAR, *extra])
        for parameter in parameters:
            for value in rng.sample(MALFORMED, DRAWN):
                response = province.get(address, {"stage": "final"} | {parameter: value})
                assert response.status_code in (200, 400, 404), (address, parameter, value)
                tried += 1
    assert tried == sum(map(len, READ_BY.values())) * DRAWN


def test_every_roll_up_page_may_read_the_replica():
    """Every address under /<committee>/rollup/ reads nothing it writes: each is marked for the
    replica (core.replica), the documents as much as the pages."""
    from django.urls import get_resolver, resolve

    from core.replica import is_marked

    _prefix, resolver = get_resolver().namespace_dict["rollup"]
    names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    assert names == {*READ_BY, "latest"}  # a new page is added to READ_BY too
    unmarked = [
        name
        for name in names
        if not is_marked(resolve(reverse(f"rollup:{name}", kwargs=arguments_of(name))).func)
    ]
    assert unmarked == []


def arguments_of(name):
    """The arguments of the roll-up's page ``name``: Lào Cai's, in 2024."""
    if name == "latest":
        return {"committee": PROVINCE}
    target = {"target": "bao-hiem-y-te"} if name == "target" else {}
    return {"committee": PROVINCE, "year": YEAR} | target
