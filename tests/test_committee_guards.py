"""The database refuses a row that mixes committees, whoever writes it: every table the guards
of cells/migrations/0012_one_committee_per_row.py name (read from the migration, so that a new
guard is tried here without a test naming it), through each of the ways its rows reach a
committee, on SQLite and PostgreSQL alike. The writes go straight to the database (a queryset's
update, bulk_create), past the models' own checks.

Each try takes a row of Cầu Thia's and points one way of it at Minh Hòa's (tests/committees.py):
the update and the insert are refused, and nothing changes; the row as it is, within its one
committee, is written. A root row (year, area, target, cell) does not move to another
committee, even with all it points at moved along.
"""

import importlib
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import DatabaseError, IntegrityError, transaction

from cells.models import CellYear, RatingStep
from committees.models import Committee

from . import committees
from .committees import MINH_HOA, OWN_CELL, YEAR, copied
from .helpers import CAU_THIA

GUARDS = importlib.import_module("cells.migrations.0012_one_committee_per_row")
ONE_COMMITTEE = ["committee_id"]  # a way that is the row's own column


@pytest.fixture
def two(demo):
    """Minh Hòa beside Cầu Thia, and a rating step of each committee's cell, which the demo
    has none of: {key: committee}."""
    committees.build()
    for key in (CAU_THIA, MINH_HOA):
        cell_year = CellYear.objects.get(
            cell__committee__slug=key, cell__number=OWN_CELL, year__year=YEAR
        )
        RatingStep(
            cell_year=cell_year, step=RatingStep.Step.SELF, rating="good", members_good=1
        ).save()
    return {key: Committee.objects.get(slug=key) for key in (CAU_THIA, MINH_HOA)}


def model_of(table):
    return next(model for model in apps.get_models() if model._meta.db_table == table)


def field_of(model, column):
    return next(field for field in model._meta.concrete_fields if field.column == column)


def column_of(way):
    """The column of the guarded row a way starts from."""
    return way[0] if way == ONE_COMMITTEE else way[0][0]


def leading_to(way, committee):
    """The values of the way's first column that lead to ``committee``, in order."""
    if way == ONE_COMMITTEE:
        return [committee.pk]
    (_column, table, *key), *hops = way
    model, path = model_of(table), []
    for column, _table in hops:
        field = field_of(model, column)
        path.append(field.name)
        model = field.related_model
    rows = model_of(table).objects.filter(**{"__".join([*path, "committee"]): committee})
    return list(rows.order_by("pk").values_list(key[0] if key else "pk", flat=True))


def a_row_of(table, committee):
    """A row of ``table`` whose every way leads to ``committee``: the first found along the
    first way, each empty way (a change not imported) pointed at the committee's own rows."""
    model, ways = model_of(table), GUARDS.GUARDED[table]
    first = field_of(model, column_of(ways[0])).attname
    found = model.objects.filter(**{f"{first}__in": leading_to(ways[0], committee)})
    row = found.order_by("pk").first()
    assert row is not None, f"{table} has no row of {committee.slug}"
    for way in ways[1:]:
        attname = field_of(model, column_of(way)).attname
        if getattr(row, attname) is None:
            setattr(row, attname, leading_to(way, committee)[0])
    return row


def stored(model, pk):
    return model.objects.filter(pk=pk).values().first()


@contextmanager
def refused(*messages):
    """Assert the database refuses the write within, with one of ``messages``."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    assert any(message in str(error.value) for message in messages), error.value


def written_within_one(model, row, values):
    """Write the row with ``values`` (each way pointed at its own committee's row): update
    it, or where the database takes no update of the table (PostgreSQL keeps the history of
    figures and the tasks' progress notes append-only) insert it anew, as the next version
    where the history numbers them. Returns whether the table takes updates."""
    try:
        with transaction.atomic():
            model.objects.filter(pk=row.pk).update(**values)
    except DatabaseError as error:
        assert "append-only" in str(error), error
        numbered = {"version": row.version + 1} if hasattr(row, "version") else {}
        model.objects.bulk_create([copied(row, **values, **numbered)])
        return False
    return True


def ways_of(table):
    """{attname of the column a way starts from: the way} of a guarded table's row."""
    model = model_of(table)
    return {field_of(model, column_of(way)).attname: way for way in GUARDS.GUARDED[table]}


@pytest.mark.parametrize("table", list(GUARDS.GUARDED))
def test_a_row_pointing_at_two_committees_is_refused_and_within_one_is_written(two, table):
    """Each way of a row of Cầu Thia's pointed at Minh Hòa's row in turn: the update and the
    insert are refused, and the table is as it was. (Where the database takes no update of
    the table at all, only the insert is tried.)"""
    model, ways = model_of(table), ways_of(table)
    row = a_row_of(table, two[CAU_THIA])
    updated = written_within_one(model, row, {name: getattr(row, name) for name in ways})
    before, count = stored(model, row.pk), model.objects.count()
    for name, way in ways.items():
        elsewhere = leading_to(way, two[MINH_HOA])[0]
        if updated:
            # A root row's own committee is guarded twice: as mixing, and as moving.
            moving = (GUARDS.MOVED,) if way == ONE_COMMITTEE else ()
            with refused(GUARDS.REFUSED, *moving):
                model.objects.filter(pk=row.pk).update(**{name: elsewhere})
        with refused(GUARDS.REFUSED):
            model.objects.bulk_create([copied(row, **{name: elsewhere})])
        assert (stored(model, row.pk), model.objects.count()) == (before, count), name


@pytest.mark.parametrize("table", GUARDS.ROOTS)
def test_a_root_row_stays_with_its_committee(two, table):
    """Moved with everything it points at, so that it mixes nothing: still refused."""
    model = model_of(table)
    row = model.objects.filter(committee=two[CAU_THIA]).order_by("pk").first()
    model.objects.filter(pk=row.pk).update(committee=two[CAU_THIA])  # staying is no move
    before = stored(model, row.pk)
    moved = {"committee_id": two[MINH_HOA].pk}
    if table in GUARDS.GUARDED:
        moved |= {name: leading_to(way, two[MINH_HOA])[0] for name, way in ways_of(table).items()}
    with refused(GUARDS.MOVED):
        model.objects.filter(pk=row.pk).update(**moved)
    assert stored(model, row.pk) == before
