"""generate_nation makes an illustrative country, small here (2 provinces of 3 communes, 2 years):
the tree from the nation down to the communes, every name marked illustrative, the figures a
real country has (a commune late with the latest year, a retired target, figures without a
plan), once however often it runs, and nothing of Cầu Thia's touched. generate_communes keeps
its keys, and takes others under --prefix."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from cells.models import Cell, CellYear
from committees.models import Account, Committee
from targets.models import Area, Figure, FigureChange, Target, Year
from targets.stages import Stage

from .helpers import CAU_THIA, signed_in

pytestmark = pytest.mark.django_db

NATION = "toan-quoc-minh-hoa"
PROVINCES = ["tinh-minh-hoa-1", "tinh-minh-hoa-2"]
COMMUNES = [f"xa-minh-hoa-{m}-{n}" for m in (1, 2) for n in (1, 2, 3)]
MODELS = [Committee, Area, Target, Year, Figure, FigureChange, Cell, CellYear, Account]


def generate(**options):
    out = StringIO()
    options = {"communes": 6, "provinces": 2, "years": 2, "template": CAU_THIA} | options
    call_command("generate_nation", stdout=out, **options)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def cau_thia():
    """Everything of Cầu Thia's a run could change: its years, targets, cells and figures with
    their values and versions, and the committees under its province."""
    figures = Figure.objects.filter(year__committee__slug=CAU_THIA).order_by("pk")
    return {
        "figures": list(figures.values_list("pk", "plan", "actual", "actual_half", "version")),
        "changes": FigureChange.objects.filter(figure__in=figures).count(),
        "years": list(Year.objects.filter(committee__slug=CAU_THIA).values_list("pk", "year")),
        "targets": list(Target.objects.filter(committee__slug=CAU_THIA).values_list("pk", "slug")),
        "cells": list(Cell.objects.filter(committee__slug=CAU_THIA).values_list("pk", "name")),
        "below lao-cai": sorted(
            Committee.objects.filter(superior__slug="lao-cai").values_list("slug", flat=True)
        ),
    }


def figures_of(key, year):
    return Figure.objects.filter(year__committee__slug=key, year__year=year)


def test_the_country_from_the_nation_down_to_its_communes(demo):
    printed = generate()

    nation = Committee.objects.get(slug=NATION)
    assert nation.superior is None
    provinces = list(nation.subordinates.order_by("slug"))
    assert [p.slug for p in provinces] == PROVINCES
    for province in provinces:
        communes = province.subordinates.order_by("slug")
        number = province.slug.rsplit("-", 1)[1]
        assert [c.slug for c in communes] == [f"xa-minh-hoa-{number}-{n}" for n in (1, 2, 3)]
        # A province takes the template's targets, in its order, and keeps no year.
        assert list(province.targets.values_list("slug", flat=True)) == list(
            Target.objects.filter(committee__slug=CAU_THIA).values_list("slug", flat=True)
        )
        assert not province.years.exists()
    commune = Committee.objects.get(slug="xa-minh-hoa-2-1")
    assert commune.lineage == f"{nation.lineage}{commune.superior.pk}/{commune.pk}/"
    # The two years ending with the template's latest, three cells rated in each.
    assert list(commune.years.order_by("year").values_list("year", flat=True)) == [2023, 2024]
    assert commune.cells.count() == 3
    assert CellYear.objects.filter(cell__committee=commune).count() == 6
    assert figures_of("xa-minh-hoa-2-1", 2024).count() == 40
    office = Account.objects.get(user__username="xa-minh-hoa-2-1-vp")
    assert office.committee == commune
    assert Account.objects.get(user__username=f"{NATION}-vp").committee == nation
    assert "6 created" in printed and "figures, each with its first history row: 478" in printed


def test_every_name_and_figure_is_marked_illustrative(demo):
    generate()

    made = Committee.objects.filter(lineage__startswith=Committee.objects.get(slug=NATION).lineage)
    assert made.count() == 1 + 2 + 6
    assert all(name.endswith("(minh họa)") for name in made.values_list("name", flat=True))
    assert Committee.objects.get(slug="xa-minh-hoa-1-3").name == (
        "Đảng bộ xã Minh Họa 1-3 (minh họa)"
    )
    figures = Figure.objects.filter(year__committee__in=made)
    assert figures.count() == 478
    assert not figures.filter(illustrative=False).exists()
    assert not Cell.objects.filter(committee__in=made, illustrative=False).exists()
    assert not CellYear.objects.filter(cell__committee__in=made, illustrative=False).exists()


def test_some_communes_are_late_some_retired_a_target_some_figures_have_no_plan(demo):
    generate()

    # Commune 3 of each province is late with 2024: no full-year figure yet; 2023 is whole.
    for late in ("xa-minh-hoa-1-3", "xa-minh-hoa-2-3"):
        assert not figures_of(late, 2024).filter(actual__isnull=False).exists()
        assert not figures_of(late, 2023).filter(actual__isnull=True).exists()
    # The others have every stage of every figure they keep.
    on_time = figures_of("xa-minh-hoa-1-1", 2024)
    for stage in Stage:
        assert not on_time.filter(**{f"{stage.field}__isnull": True}).exists()
    # Commune 2 of each province retired one target: kept in 2023, no figure of it in 2024.
    for retiring in ("xa-minh-hoa-1-2", "xa-minh-hoa-2-2"):
        assert figures_of(retiring, 2023).count() == 40
        assert figures_of(retiring, 2024).count() == 39
    assert Figure.objects.filter(year__committee__slug__in=COMMUNES, plan__isnull=True).exists()
    # Each figure has its first history row, as Figure.save writes it.
    generated = Figure.objects.filter(year__committee__slug__in=COMMUNES)
    assert not generated.annotate(n=Count("changes")).exclude(n=1).exists()
    change = FigureChange.objects.select_related("figure").get(
        figure=generated.filter(plan__isnull=True).first()
    )
    figure = change.figure
    assert (change.version, change.changed_at) == (1, figure.updated_at)
    assert (change.old_plan, change.new_plan) == (None, None)
    for stage in Stage:
        assert getattr(change, f"new_{stage.field}") == figure.actual_at(stage)
    assert (change.new_note, change.old_note) == (figure.note, "")


def test_running_twice_adds_nothing_and_cau_thia_is_untouched(demo):
    before = cau_thia()
    generate()
    once = counts()

    printed = generate()

    assert counts() == once
    assert " 1 created" not in printed and "in all" in printed
    assert all(line.split(": ")[1].startswith("0 created") for line in printed.splitlines()[1:-1])
    assert cau_thia() == before


def test_the_offices_of_a_commune_and_of_the_nation_open_the_communes_pages(demo):
    generate()
    User = get_user_model()
    address = reverse("targets:dashboard", args=["xa-minh-hoa-2-3", 2024])

    for username in ("xa-minh-hoa-2-3-vp", f"{NATION}-vp"):
        response = signed_in(User.objects.get(username=username)).get(address)
        assert response.status_code == 200, username
        assert "Đảng bộ xã Minh Họa 2-3" in response.content.decode()
    # The office of another province reads none of them.
    other = signed_in(User.objects.get(username="tinh-minh-hoa-1-vp"))
    assert other.get(address).status_code == 404


@pytest.mark.parametrize(
    "options, message",
    [
        ({"communes": 1, "provinces": 2}, "--communes must be between 2 and 2000"),
        ({"provinces": 0}, "--provinces must be between 1 and 100"),
        ({"template": "khong-co"}, "--template"),
    ],
)
def test_what_cannot_be_made_is_refused(demo, options, message):
    before = counts()
    with pytest.raises(CommandError, match=message):
        generate(**options)
    assert counts() == before


def test_generate_communes_keeps_its_keys_and_takes_a_prefix(demo):
    # The commune every test has beside Cầu Thia (tests/conftest.py) keeps its key and name.
    assert Committee.objects.get(slug="xa-minh-hoa-1").name == "Đảng bộ xã Minh Họa 1 (minh họa)"
    options = {"superior": "lao-cai", "template": CAU_THIA, "cells": 0, "years": [2024]}

    call_command("generate_communes", count=2, prefix="xa-minh-hoa-9", verbosity=0, **options)

    made = Committee.objects.filter(slug__startswith="xa-minh-hoa-9-").order_by("slug")
    assert list(made.values_list("slug", "name")) == [
        ("xa-minh-hoa-9-1", "Đảng bộ xã Minh Họa 9-1 (minh họa)"),
        ("xa-minh-hoa-9-2", "Đảng bộ xã Minh Họa 9-2 (minh họa)"),
    ]
    assert made[0].years.get().place_name == "Minh Họa 9-1"
    with pytest.raises(CommandError, match="--prefix"):
        call_command("generate_communes", count=1, prefix="Xã A", verbosity=0, **options)
