from decimal import Decimal

import pytest

from targets.models import Figure, FigureChange, StaleFigure

from .factories import make_figure


def test_creating_a_figure_records_its_first_values(db, alice):
    figure = make_figure(by=alice)
    change = figure.changes.get()
    assert (change.version, change.changed_by, change.old_actual, change.new_actual) == (
        1,
        alice,
        None,
        Decimal("3"),
    )


def test_a_change_records_who_when_old_and_new(db, alice):
    figure = make_figure()
    figure.actual = Decimal("4")
    figure.note = "Báo cáo quý IV"
    assert figure.save(changed_by=alice)
    change = figure.changes.order_by("-version").first()
    assert (change.version, change.old_actual, change.new_actual) == (2, Decimal(3), Decimal(4))
    assert (change.changed_by, change.old_note, change.new_note) == (alice, "", "Báo cáo quý IV")
    assert Figure.objects.get(pk=figure.pk).version == 2


def test_saving_without_a_change_writes_nothing(db):
    figure = make_figure()
    assert figure.save() is False
    assert figure.changes.count() == 1
    assert Figure.objects.get(pk=figure.pk).version == 1


def test_a_save_against_an_older_version_is_refused_and_changes_nothing(db, alice):
    figure = make_figure()
    first = Figure.objects.get(pk=figure.pk)
    second = Figure.objects.get(pk=figure.pk)
    first.actual = Decimal(5)
    first.save(changed_by=alice, expected_version=1)
    second.actual = Decimal(6)
    with pytest.raises(StaleFigure) as refused:
        second.save(expected_version=1)
    assert refused.value.current.actual == Decimal(5)
    assert refused.value.current.updated_by == alice
    assert Figure.objects.get(pk=figure.pk).actual == Decimal(5)
    assert FigureChange.objects.filter(figure=figure).count() == 2
