import pytest
from django.db import DataError, IntegrityError, connection, transaction

from targets.models import Figure

from .factories import make_figure


@pytest.mark.parametrize("column", ["plan", "actual"])
@pytest.mark.parametrize(
    "value",
    ["-1", "'NaN'", "'Infinity'", "1e999", "1000000000000"],
    ids=["negative", "nan", "infinity", "overflow", "too-large"],
)
def test_raw_sql_cannot_store_a_negative_or_non_finite_amount(db, column, value):
    figure = make_figure()
    table = Figure._meta.db_table
    # PostgreSQL's numeric(14, 2) refuses infinity and overflow itself (DataError); the CHECK
    # constraints refuse the rest, and everything on SQLite.
    refused = pytest.raises((IntegrityError, DataError))
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {value} WHERE id = %s", [figure.pk])
    assert Figure.objects.get(pk=figure.pk).actual == 3


def test_raw_sql_can_store_a_plain_amount(db):
    figure = make_figure()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Figure._meta.db_table} SET actual = 95.77 WHERE id = %s", [figure.pk]
        )
    assert str(Figure.objects.get(pk=figure.pk).actual) == "95.77"


def test_one_figure_per_target_and_year(db):
    figure = make_figure()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_figure(target=figure.target, year=figure.year)
