"""Small makers of model rows for tests that do not need the whole demo ward."""

from decimal import Decimal

from django.db.models import Max

from targets.models import Area, Figure, Target, Year


def make_year(year=2023, **fields):
    fields = {
        "committee_name": "Đảng bộ phường Cầu Thia",
        "superior_party_body": "Thị ủy Nghĩa Lộ",
        "place_name": "Cầu Thia",
        **fields,
    }
    return Year.objects.get_or_create(year=year, defaults=fields)[0]


def make_area(position=1, name=None):
    return Area.objects.get_or_create(
        position=position, defaults={"name": name or f"Area {position}"}
    )[0]


def make_target(position=None, area=None, **fields):
    """A target numbered after every existing one (the demo ward's are 1 to 40)."""
    if position is None:
        position = (Target.objects.aggregate(last=Max("position"))["last"] or 0) + 1
    fields = {
        "slug": f"target-{position}",
        "name": f"Target {position}",
        "unit": "tổ",
        "kind": "count",
        "direction": "higher",
        **fields,
    }
    return Target.objects.create(area=area or make_area(), position=position, **fields)


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
