"""What the database itself refuses, whoever connects: a closed year's rows, forged closings,
history that shrinks or is rewritten, amounts no figure may hold. PostgreSQL enforces all of it
(triggers, and the rights of the app's own role); the checks on amounts hold on SQLite too."""

import threading
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import (
    Change,
    Figure,
    FigureChange,
    StaleFigure,
    Target,
    Year,
    YearClosed,
    YearEvent,
)

from .helpers import CAU_THIA

BHYT = "bao-hiem-y-te"


def execute(statement, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


# --- Amounts in the history: both databases ---------------------------------------------------


@pytest.mark.parametrize("column", ["old_plan", "new_plan", "old_actual", "new_actual"])
@pytest.mark.parametrize("amount", ["-1", "NaN", "1000000000000"])
def test_the_history_holds_no_amount_a_figure_could_not(demo, column, amount):
    change = FigureChange.objects.first()
    before = FigureChange.objects.count()
    with pytest.raises(DatabaseError):  # IntegrityError, or DataError where the type refuses
        execute(
            f"INSERT INTO targets_figurechange (figure_id, changed_at, version, {column}, "
            "old_note, new_note) VALUES (%s, %s, %s, %s, '', '')",
            [change.figure_id, change.changed_at, 999, Decimal(amount)],
        )
    assert FigureChange.objects.count() == before


# --- A closed year, straight at the database: PostgreSQL ------------------------------------


@pytest.fixture
def closed_2023(postgres, demo, django_user_model):
    Year.objects.get(committee__slug=CAU_THIA, year=2023).close(
        by=django_user_model.objects.get(username="bithu")
    )
    return Year.objects.get(committee__slug=CAU_THIA, year=2023)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE targets_figure SET actual = 1 WHERE year_id = %s",
        "DELETE FROM targets_figure WHERE year_id = %s",
        "UPDATE cells_task SET status = 'done' WHERE year_id = %s",
        "DELETE FROM cells_task WHERE year_id = %s",
        "UPDATE cells_cellyear SET members_good = 0 WHERE year_id = %s",
        "UPDATE targets_year SET report_number = '999-BC/ĐU' WHERE id = %s",
        "DELETE FROM targets_year WHERE id = %s",
    ],
)
def test_the_database_refuses_any_write_to_a_closed_year(closed_2023, statement):
    before = list(Figure.objects.filter(year=closed_2023).values()), closed_2023.report_number
    with pytest.raises(DatabaseError, match="closed"):
        execute(statement, [closed_2023.pk])
    after = list(Figure.objects.filter(year=closed_2023).values()), closed_2023.report_number
    assert after == before


def test_the_database_refuses_a_forged_closing(postgres, demo, django_user_model):
    bithu = django_user_model.objects.get(username="bithu")
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    with pytest.raises(DatabaseError, match="recorded only"):
        execute(
            "INSERT INTO targets_yearevent (year_id, action, reason, by_id, at) "
            "VALUES (%s, 'close', '', %s, now())",
            [year.pk, bithu.pk],
        )
    # Even with the year marked closed in the same transaction, an event needs the function.
    with pytest.raises(DatabaseError, match="recorded only"), transaction.atomic():
        Year.objects.filter(pk=year.pk).update(is_closed=True)
        YearEvent.objects.create(year=year, action="close", by=bithu, at=year_event_time())
    assert not YearEvent.objects.filter(year=year).exists()


def year_event_time():
    from django.utils import timezone

    return timezone.now()


# --- The app's own database role: PostgreSQL -----------------------------------------------------


def connected_app_role():
    """A new login role granted what the app needs by grant_app_role, and a connection as it;
    what drops the role again."""
    name = f"cauthia_app_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [password])
    call_command("grant_app_role", name, verbosity=0)
    database = connection.settings_dict
    role = psycopg.connect(
        dbname=database["NAME"],
        host=database["HOST"] or "localhost",
        port=database["PORT"] or "5432",
        user=name,
        password=password,
        autocommit=True,
    )

    def drop():
        role.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {name}")
            cursor.execute(f"DROP ROLE {name}")

    return role, drop


@pytest.fixture(scope="module")
def app_role(django_db_setup, django_db_blocker):
    """A login role granted what the app needs, connected as it, for the module's tests, which
    it may change nothing for: with the demo ward committed, as the role's connection sees it
    (a test's own transaction it cannot see)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")
    with django_db_blocker.unblock():
        if not Year.objects.exists():  # after a test with transactions of its own
            call_command("load_demo", verbosity=0)
        role, drop = connected_app_role()
    yield role
    with django_db_blocker.unblock():
        drop()


@pytest.fixture
def app_role_at_work(postgres, transactional_db):
    """A login role granted what the app needs, connected as it, for a test whose writes as the
    role are committed (and emptied after it)."""
    call_command("load_demo", verbosity=0)
    role, drop = connected_app_role()
    yield role
    drop()


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE targets_figurechange",
        "TRUNCATE targets_yearevent",
        "TRUNCATE targets_change",
        "DELETE FROM targets_change",
        "ALTER TABLE targets_change DISABLE TRIGGER targets_change_append_only",
        "ALTER TABLE targets_figurechange DISABLE TRIGGER ALL",
        "ALTER TABLE targets_figurechange DISABLE TRIGGER targets_figurechange_append_only",
        "DROP TRIGGER targets_figurechange_append_only ON targets_figurechange",
        "SET session_replication_role = replica",
        "UPDATE targets_figurechange SET new_actual = 1",
        "DELETE FROM targets_figurechange",
        "INSERT INTO targets_yearevent (year_id, action, reason, by_id, at) "
        "SELECT id, 'close', '', 1, now() FROM targets_year",
        "UPDATE targets_year SET is_closed = true",
        "ALTER TABLE targets_figure DROP CONSTRAINT figure_actual_range",
    ],
)
def test_the_app_role_cannot_erase_or_forge_history(app_role, django_db_blocker, statement):
    # Read outside a transaction: one held open would keep locks some refusals wait behind.
    with django_db_blocker.unblock():
        history = FigureChange.objects.count(), YearEvent.objects.count()
        assert history[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app_role.execute(statement)
        assert (FigureChange.objects.count(), YearEvent.objects.count()) == history
        assert not Year.objects.filter(is_closed=True).exists()


def test_the_app_role_does_its_work_and_closes_only_through_the_function(app_role_at_work):
    app_role = app_role_at_work
    figure = Figure.objects.get(target__slug=BHYT, year__committee__slug=CAU_THIA, year__year=2024)
    app_role.execute("UPDATE targets_figure SET actual = 96 WHERE id = %s", [figure.pk])
    app_role.execute(
        "INSERT INTO targets_figurechange (figure_id, changed_at, version, new_actual, old_note, "
        "new_note, old_reason, new_reason, old_comment, new_comment, confirmed_warnings) "
        "VALUES (%s, now(), 99, 96, '', '', '', '', '', '', '')",
        [figure.pk],
    )
    bithu = Figure.objects.model._meta.get_field("updated_by").related_model.objects.get(
        username="bithu"
    )
    # 2023 is finished: the role keeps its targets' names for the report, as Year.close does,
    # and closes it.
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    app_role.execute(
        "UPDATE targets_figure f SET target_name = t.name, target_unit = t.unit "
        "FROM targets_target t WHERE t.id = f.target_id AND f.year_id = %s",
        [year.pk],
    )
    closed = app_role.execute(
        "SELECT cauthia_set_year_closed(%s, true, %s, '')", [year.pk, bithu.pk]
    ).fetchone()[0]
    assert closed
    assert Year.objects.get(pk=year.pk).is_closed
    assert YearEvent.objects.get(year=year).action == "close"
    assert Figure.objects.get(pk=figure.pk).actual == 96


def test_saving_a_year_never_writes_whether_it_is_closed(demo):
    """The app's role may not write is_closed, so the ORM's UPDATE of a year must leave it out."""
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    year.report_number = "12-BC/ĐU"
    with CaptureQueriesContext(connection) as queries:
        year.save()
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and "report_number" in updates[0]
    assert "is_closed" not in updates[0]


# --- The app's role against the functions themselves: PostgreSQL --------------------------------

REASON = "Mở lại để điều chỉnh số liệu ước thực hiện"


@pytest.fixture
def as_app_role(postgres, demo):
    """Run a statement as a role granted what the app needs by grant_app_role, inside the test's
    own transaction (SET ROLE), in a savepoint of its own: ``as_app_role(statement, params)``
    returns the database's refusal, or None where the statement went through."""
    name = f"cauthia_app_{uuid.uuid4().hex[:8]}"
    execute(f"CREATE ROLE {name}")
    call_command("grant_app_role", name, verbosity=0)

    def run(statement, params=()):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL ROLE {name}")
                cursor.execute(statement, params)
                cursor.execute("RESET ROLE")
        except DatabaseError as refusal:
            return refusal
        return None

    return run


def current_schema():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def kept_of(year):
    """What a closed year's report and its history are made of, as they stand."""
    from cells.models import CellYear, Task, TaskNote

    return {
        "figures": list(Figure.objects.filter(year=year).order_by("pk").values()),
        "tasks": list(Task.objects.filter(year=year).order_by("pk").values()),
        "cells": list(CellYear.objects.filter(year=year).order_by("pk").values()),
        "history": [model.objects.count() for model in (FigureChange, Change, TaskNote)],
    }


# How the attacker makes a temporary table tell the functions what suits them: the closed year
# open, an unknown author active, no figure or target to block a closing, no history.
DOCTORED = {
    "targets_year": "UPDATE targets_year SET is_closed = false",
    "auth_user": "UPDATE auth_user SET id = %(ghost)s, is_active = true WHERE id = %(bithu)s",
}

ATTACKS = [
    "UPDATE targets_figure SET actual = 1 WHERE year_id = %(closed)s",
    "UPDATE {schema}.targets_figure SET actual = 1 WHERE year_id = %(closed)s",
    "DELETE FROM cells_task WHERE year_id = %(closed)s",
    "DELETE FROM {schema}.cells_task WHERE year_id = %(closed)s",
    "UPDATE {schema}.targets_year SET report_number = '99-BC/ĐU' WHERE id = %(closed)s",
    "UPDATE {schema}.targets_figurechange SET new_actual = 1",
    "DELETE FROM {schema}.targets_change",
    "DELETE FROM {schema}.cells_tasknote",
    "SELECT cauthia_set_year_closed(%(closed)s, false, %(bithu)s, '.')",
    "SELECT cauthia_set_year_closed(%(closed)s, false, %(ghost)s, %(reason)s)",
    "SELECT cauthia_set_year_closed(%(open)s, true, %(bithu)s, '')",
    # Last, a reopening the role may make: it must be recorded where the app reads it.
    "SELECT cauthia_set_year_closed(%(closed)s, false, %(bithu)s, %(reason)s)",
]


@pytest.mark.parametrize(
    "table",
    [
        "targets_year",
        "targets_figure",
        "targets_target",
        "cells_task",
        "targets_yearevent",
        "targets_figurechange",
        "targets_change",
        "cells_tasknote",
        "auth_user",
    ],
)
def test_a_temporary_table_named_like_the_apps_own_changes_nothing(
    as_app_role, closed_2023, django_user_model, table
):
    """The role shadows ``table`` with a temporary one (which its search path finds first) and
    writes to the closed year, rewrites history, closes and reopens: each write is refused or
    lands in its own temporary table, and the one reopening it may make is recorded."""
    schema = current_schema()
    bithu = django_user_model.objects.get(username="bithu")
    params = {
        "closed": closed_2023.pk,
        "open": Year.objects.get(committee__slug=CAU_THIA, year=2024).pk,
        "bithu": bithu.pk,
        "ghost": bithu.pk + 100_000,
        "reason": REASON,
    }
    before = kept_of(closed_2023)
    events = list(YearEvent.objects.order_by("pk").values())
    assert as_app_role(f"CREATE TEMP TABLE {table} AS SELECT * FROM {schema}.{table}") is None
    assert as_app_role(DOCTORED.get(table, f"DELETE FROM {table}"), params) is None
    for attack in ATTACKS:
        as_app_role(attack.format(schema=schema), params)
    assert as_app_role(f"DROP TABLE pg_temp.{table}") is None

    assert kept_of(closed_2023) == before
    assert not Year.objects.get(committee__slug=CAU_THIA, year=2024).is_closed
    reopened = YearEvent.objects.exclude(pk__in=[event["id"] for event in events])
    assert list(reopened.values_list("year", "action", "reason", "by")) == [
        (closed_2023.pk, "reopen", REASON, bithu.pk)
    ]
    assert not Year.objects.get(pk=closed_2023.pk).is_closed


def set_year_closed(as_app_role, year, closed, by, reason):
    return as_app_role(
        "SELECT cauthia_set_year_closed(%s, %s, %s, %s)", [year.pk, closed, by, reason]
    )


@pytest.mark.parametrize(
    "reason",
    [".", "  ...  ", "\u3164" * 8, "\u115f\u1160\u3164\uffa0\u3164", "\u200b" * 8, "a.b-c"],
    ids=["dot", "dots", "hangul-fillers", "mixed-fillers", "zero-width", "three-letters"],
)
def test_the_closing_function_reopens_only_with_a_reason(
    as_app_role, closed_2023, django_user_model, reason
):
    bithu = django_user_model.objects.get(username="bithu")
    refusal = set_year_closed(as_app_role, closed_2023, False, bithu.pk, reason)
    assert refusal is not None and "reason" in str(refusal)
    assert Year.objects.get(pk=closed_2023.pk).is_closed
    assert YearEvent.objects.filter(year=closed_2023).count() == 1


@pytest.mark.parametrize("author", ["unknown", "inactive"])
def test_the_closing_function_takes_only_an_active_user_as_author(
    as_app_role, closed_2023, django_user_model, author
):
    if author == "inactive":
        by = django_user_model.objects.create_user("cuu_can_bo", is_active=False).pk
    else:
        by = django_user_model.objects.order_by("pk").last().pk + 1
    refusal = set_year_closed(as_app_role, closed_2023, False, by, REASON)
    assert refusal is not None and "no such active user" in str(refusal)
    assert Year.objects.get(pk=closed_2023.pk).is_closed
    assert YearEvent.objects.filter(year=closed_2023).count() == 1


def ready_to_close(year):
    """``year`` as Year.close leaves it just before the closing function: every planned target
    met at its final figure, and the targets' names kept for the report."""
    figures = Figure.objects.filter(year=year)
    figures.filter(plan__isnull=False).update(actual=F("plan"), reason="")
    figures.update(
        target_name=Subquery(Target.objects.filter(pk=OuterRef("target_id")).values("name"))
    )


# Each leaves one thing unfinished in a year otherwise ready, and the message names it.
UNFINISHED = {
    "no-final-figure": ("bao-hiem-y-te", {"actual": None}, "no final figure"),
    "below-plan": ("bao-hiem-y-te", {"actual": Decimal("96.00")}, "fell short"),
    "estimate-below-plan": (
        "tiem-chung-day-du",
        {"actual": None, "actual_estimate": Decimal("97.72")},
        "no final figure",
    ),
    "ceiling-exceeded-blank-reason": (
        "sinh-con-thu-3",
        {"actual": Decimal("7.10"), "reason": "\u00a0\u3000 \n"},
        "fell short",
    ),
    "milestone-missed": ("pho-cap-giao-duc", {"actual": Decimal("0")}, "fell short"),
    "name-not-kept": ("bao-hiem-y-te", {"target_name": ""}, "names are not kept"),
}


@pytest.mark.parametrize("unfinished", list(UNFINISHED))
def test_the_closing_function_refuses_what_year_close_refuses(
    as_app_role, django_user_model, unfinished
):
    slug, values, message = UNFINISHED[unfinished]
    bithu = django_user_model.objects.get(username="bithu")
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    ready_to_close(year)
    Figure.objects.filter(year=year, target__slug=slug).update(**values)
    if unfinished != "name-not-kept":
        assert any(year.closing_blockers())  # the app refuses it too
    figures = list(Figure.objects.filter(year=year).order_by("pk").values())

    refusal = set_year_closed(as_app_role, year, True, bithu.pk, "")
    assert refusal is not None and message in str(refusal)
    assert not Year.objects.get(pk=year.pk).is_closed
    assert not YearEvent.objects.filter(year=year).exists()
    assert list(Figure.objects.filter(year=year).order_by("pk").values()) == figures


def test_the_closing_function_closes_and_reopens_a_finished_year(as_app_role, django_user_model):
    """What Year.close and Year.reopen accept, the function accepts: nothing blocks a finished
    year, and a reason of a few words (letters or digits) reopens it."""
    bithu = django_user_model.objects.get(username="bithu")
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    ready_to_close(year)
    assert year.closing_blockers() == ([], [])
    assert set_year_closed(as_app_role, year, True, bithu.pk, "") is None
    assert set_year_closed(as_app_role, year, False, bithu.pk, "Sửa số") is None
    assert list(
        YearEvent.objects.filter(year=year).order_by("pk").values_list("action", "reason")
    ) == [
        ("close", ""),
        ("reopen", "Sửa số"),
    ]
    assert not Year.objects.get(pk=year.pk).is_closed


# --- Races: PostgreSQL ----------------------------------------------------------------------------


def versions(year):
    return dict(Figure.objects.filter(year=year).values_list("pk", "version"))


@pytest.mark.django_db(transaction=True)
def test_no_save_ever_lands_in_a_year_after_it_closed(postgres, django_user_model):
    """Four editors save figures of 2024 as fast as they can while the year closes: whatever the
    timing, the figures after the race are those the closing saw."""
    call_command("load_demo", verbosity=0)
    bithu = django_user_model.objects.get(username="bithu")
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    for unfinished in Figure.objects.filter(year=year):
        # So that the year may close: its final figures, and a reason where one fell short.
        estimate = unfinished.actual_estimate
        unfinished.actual = estimate if estimate is not None else unfinished.plan
        unfinished.reason = unfinished.reason or "Nguồn lực còn hạn chế."
        unfinished.save()
    figures = list(Figure.objects.filter(year=year).select_related("target")[:8])
    stop = threading.Event()
    refused = []

    def keep_saving(offset):
        try:
            n = 0
            while not stop.is_set():
                figure = Figure.objects.select_related("target").get(
                    pk=figures[(n + offset) % 8].pk
                )
                figure.note = f"lần {n}"
                try:
                    figure.save(changed_by=bithu)
                except YearClosed:
                    refused.append(offset)
                except StaleFigure:
                    pass  # another saver took the same figure first
                n += 1
        finally:
            connection.close()

    savers = [threading.Thread(target=keep_saving, args=(k,)) for k in range(4)]
    for saver in savers:
        saver.start()
    try:
        threading.Event().wait(0.3)
        with transaction.atomic():
            year.close(by=bithu)
            seen_by_the_closing = versions(year)
        threading.Event().wait(0.3)
    finally:
        stop.set()
        for saver in savers:
            saver.join()
    assert refused, "the savers kept saving after the closing without being refused"
    assert versions(year) == seen_by_the_closing


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_saves_of_a_milestone_give_one_save_and_nine_conflict_pages(
    postgres, django_user_model
):
    call_command("load_demo", verbosity=0)
    bithu = django_user_model.objects.get(username="bithu")
    figure = Figure.objects.filter(
        target__kind="milestone", year__committee__slug=CAU_THIA, year__year=2024
    ).first()
    url = reverse("targets:edit", args=[CAU_THIA, 2024, figure.target.slug])
    barrier = threading.Barrier(10)
    statuses = []

    def save(value):
        client = Client(raise_request_exception=False)
        client.force_login(bithu)
        data = {"plan": "1", "actual": value, "note": "", "version": figure.version}
        try:
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(str(n % 2),)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] + [409] * 9
    assert Figure.objects.get(pk=figure.pk).version == figure.version + 1


# --- What the cells report, straight at the database: PostgreSQL -------------------------------


@pytest.fixture
def reported_then_closed(postgres, demo, django_user_model):
    """2023 with a cell's share, a progress note and a self-assessment, then closed."""
    from cells.models import Cell, CellYear, RatingStep, Share, Task, TaskNote

    bithu = django_user_model.objects.get(username="bithu")
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    trees = Figure.objects.get(target__slug="trong-cay-phan-tan", year=year)
    Share(cell=Cell.objects.get(committee__slug=CAU_THIA, number=1), figure=trees).write(
        {"plan": 300}, bithu, 0
    )
    task = Task.objects.filter(year=year).first()
    TaskNote(task=task, text="Đã trồng 300 cây.", written_by=bithu).save()
    RatingStep(
        cell_year=CellYear.objects.get(cell__number=1, year=year), step="self", rating="good"
    ).save()
    year.close(by=bithu)
    return year


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE cells_share SET actual = 1 WHERE year_id = %s",
        "DELETE FROM cells_share WHERE year_id = %s",
        "INSERT INTO cells_tasknote (task_id, year_id, text, written_at) "
        "SELECT id, year_id, 'Ghi sau', now() FROM cells_task WHERE year_id = %s LIMIT 1",
        "UPDATE cells_ratingstep SET rating = 'excellent' WHERE year_id = %s",
        "DELETE FROM cells_ratingstep WHERE year_id = %s",
    ],
)
def test_the_database_refuses_what_a_cell_reports_in_a_closed_year(reported_then_closed, statement):
    from cells.models import RatingStep, Share, TaskNote

    def rows():
        return [
            list(model.objects.filter(year=reported_then_closed).order_by("pk").values())
            for model in (Share, TaskNote, RatingStep)
        ]

    before = rows()
    with pytest.raises(DatabaseError, match="closed"):
        execute(statement, [reported_then_closed.pk])
    assert rows() == before


@pytest.mark.parametrize(
    "statement",
    ["UPDATE cells_tasknote SET text = 'Sửa lại'", "DELETE FROM cells_tasknote"],
)
def test_a_progress_note_once_written_is_kept_as_written(postgres, demo, statement):
    from cells.models import TaskNote

    before = list(TaskNote.objects.order_by("pk").values())
    assert before  # the demo's 2024 tasks have notes
    with pytest.raises(DatabaseError, match="append-only"):
        execute(statement)
    assert list(TaskNote.objects.order_by("pk").values()) == before
