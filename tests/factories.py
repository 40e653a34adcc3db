"""Small makers of model rows for tests that do not need the whole demo ward."""

from decimal import Decimal

from django.db.models import Max

from committees.models import Committee
from targets.models import Area, Figure, Target, Year

from .helpers import CAU_THIA


def cau_thia():
    """The demo's committee, whose rows these are unless a committee is given."""
    return Committee.objects.get_or_create(
        slug=CAU_THIA, defaults={"name": "Đảng bộ phường Cầu Thia"}
    )[0]


def make_year(year=2023, committee=None, **fields):
    fields = {
        "committee_name": "Đảng bộ phường Cầu Thia",
        "superior_party_body": "Thị ủy Nghĩa Lộ",
        "place_name": "Cầu Thia",
        **fields,
    }
    return Year.objects.get_or_create(
        committee=committee or cau_thia(), year=year, defaults=fields
    )[0]


def make_area(position=1, name=None, committee=None):
    return Area.objects.get_or_create(
        committee=committee or cau_thia(),
        position=position,
        defaults={"name": name or f"Area {position}"},
    )[0]


def make_target(position=None, area=None, **fields):
    """A target of ``area``'s committee numbered after every one it has (the demo ward's are 1
    to 40)."""
    area = area or make_area()
    if position is None:
        last = area.committee.targets.aggregate(last=Max("position"))["last"]
        position = (last or 0) + 1
    fields = {
        "slug": f"target-{position}",
        "name": f"Target {position}",
        "unit": "tổ",
        "kind": "count",
        "direction": "higher",
        **fields,
    }
    return Target.objects.create(committee=area.committee, area=area, position=position, **fields)


def make_figure(target=None, year=None, plan="2", actual="3", by=None, **fields):
    figure = Figure(
        target=target or make_target(),
        year=year or make_year(),
        plan=None if plan is None else Decimal(plan),
        actual=None if actual is None else Decimal(actual),
        **fields,
    )
    figure.save(changed_by=by)
    return figure
