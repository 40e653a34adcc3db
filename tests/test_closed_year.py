"""A closed year stays closed by every path: the admin (change, move, delete, bulk delete), the
models, the management commands, and what its report prints. Each test tries what an attacker
or a careless hand would, and finds nothing changed."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cells.models import Cell, CellYear, Task
from cells.roles import WARD_STAFF
from committees.models import Account, Committee
from targets.models import Area, Figure, Target, Year, YearClosed
from targets.report import YearReport
from targets.xlsx import build_workbook, workbook_bytes

from .helpers import CAU_THIA, text_of


def snapshot():
    """Every row of every model of the project's apps."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for app in ("targets", "cells")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def closed_2023(demo, django_user_model):
    """The demo with 2023 closed by the ward secretary, and a task of 2024 beside it."""
    task = Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2023).first()
    task.pk, task.year = None, Year.objects.get(committee__slug=CAU_THIA, year=2024)
    task.save()
    bithu = django_user_model.objects.get(username="bithu")
    Year.objects.get(committee__slug=CAU_THIA, year=2023).close(by=bithu)
    return Year.objects.get(committee__slug=CAU_THIA, year=2023)


@pytest.fixture
def superuser(django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-1234")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_admin(django_user_model):
    user = django_user_model.objects.create_user("vanphong", is_staff=True)
    user.groups.add(Group.objects.get(name=WARD_STAFF))
    Account.objects.create(user=user, committee=Committee.objects.get(slug=CAU_THIA))
    client = Client()
    client.force_login(user)
    return client


def task_form(task, **changes):
    return {
        "cell": task.cell_id,
        "target": task.target_id,
        "year": task.year_id,
        "description": task.description,
        "responsible": task.responsible,
        "due_date": task.due_date.strftime("%d/%m/%Y") if task.due_date else "",
        "status": task.status,
        "note": task.note,
    } | changes


# --- The admin ----------------------------------------------------------------------------------


def test_the_admin_cannot_move_an_open_years_task_into_a_closed_year(staff_admin, closed_2023):
    task = Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2024).first()
    before = snapshot()
    response = staff_admin.post(
        reverse("admin:cells_task_change", args=[task.pk]), task_form(task, year=closed_2023.pk)
    )
    assert response.status_code == 200  # the form again, with the refusal
    assert "đã chốt số liệu" in text_of(response)
    assert snapshot() == before


def test_the_admin_cannot_move_a_closed_years_task_out_of_it(staff_admin, superuser, closed_2023):
    task = Task.objects.filter(year=closed_2023).first()
    open_year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    before = snapshot()
    for client in (staff_admin, superuser):
        url = reverse("admin:cells_task_change", args=[task.pk])
        assert client.post(url, task_form(task, year=open_year.pk)).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("model", ["cells.task", "cells.cellyear"])
def test_not_even_a_superuser_deletes_a_closed_years_task_or_rating(superuser, closed_2023, model):
    app, name = model.split(".")
    record = apps.get_model(model).objects.filter(year=closed_2023).first()
    before = snapshot()
    url = reverse(f"admin:{app}_{name}_delete", args=[record.pk])
    assert superuser.get(url).status_code == 403
    assert superuser.post(url, {"post": "yes"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("model", ["cells.task", "cells.cellyear"])
def test_a_bulk_delete_that_includes_a_closed_year_deletes_nothing(superuser, closed_2023, model):
    app, name = model.split(".")
    records = apps.get_model(model).objects.order_by("pk")
    if model == "cells.task":  # a task with progress notes is protected by them anyway
        records = records.filter(notes__isnull=True)
    assert {record.year.is_closed for record in records} == {True, False}
    before = snapshot()
    url = reverse(f"admin:{app}_{name}_changelist")
    data = {
        "action": "delete_selected",
        "_selected_action": [record.pk for record in records],
        "post": "yes",
    }
    confirmation = superuser.post(url, data | {"post": ""})
    assert "2023" in text_of(confirmation)
    assert superuser.post(url, data).status_code == 403
    assert snapshot() == before


def test_a_closed_years_number_and_names_cannot_be_edited_in_the_admin(superuser, closed_2023):
    url = reverse("admin:targets_year_change", args=[closed_2023.pk])
    before = snapshot()
    data = {
        "year": 2023,
        "committee_name": "Đảng bộ phường Cầu Thia",
        "superior_party_body": "Thị ủy Nghĩa Lộ",
        "place_name": "Cầu Thia",
        "report_number": "999-BC/ĐU",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    assert superuser.post(url, data).status_code == 403
    assert snapshot() == before


def test_the_admin_does_not_offer_to_move_a_figure_to_another_target_or_year(superuser, demo):
    figure = Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2024).first()
    html = superuser.get(reverse("admin:targets_figure_change", args=[figure.pk])).content
    assert b'name="target"' not in html and b'name="year"' not in html


# --- The models -----------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Task, CellYear])
def test_the_models_refuse_to_delete_a_closed_years_records_one_by_one_or_in_bulk(
    closed_2023, model
):
    before = snapshot()
    with pytest.raises(YearClosed):
        model.objects.filter(year=closed_2023).first().delete()
    with pytest.raises(YearClosed):
        model.objects.all().delete()
    assert snapshot() == before


def test_a_closed_year_itself_cannot_be_changed_by_code(closed_2023):
    closed_2023.report_number = "999-BC/ĐU"
    with pytest.raises(YearClosed):
        closed_2023.save()
    assert Year.objects.get(committee__slug=CAU_THIA, year=2023).report_number == "125"


def test_a_figure_cannot_be_moved_to_another_year_by_code(demo):
    figure = Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2024).first()
    figure.year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    before = snapshot()
    with pytest.raises(ValidationError):
        figure.save()
    assert snapshot() == before


# --- What the closed report prints ---------------------------------------------------------------

BHYT = "bao-hiem-y-te"
BHYT_NAME = "Tỷ lệ dân số tham gia bảo hiểm y tế"


def test_renaming_a_target_keeps_the_name_a_closed_report_printed(bithu, closed_2023):
    def names_in(year):
        sheet = load_workbook_of(year)["Chỉ tiêu"]
        return {row[1] for row in sheet.iter_rows(values_only=True)}

    target = Target.objects.get(committee__slug=CAU_THIA, slug=BHYT)
    target.name = "Tỷ lệ bao phủ bảo hiểm y tế toàn dân"
    target.unit = "% dân số"
    target.save()

    assert BHYT_NAME in names_in(2023)
    assert target.name not in names_in(2023)
    assert target.name in names_in(2024)
    page = text_of(bithu.get(reverse("targets:report", args=[CAU_THIA, 2023])))
    assert BHYT_NAME in page and target.name not in page
    assert BHYT_NAME in text_of(bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2023])))


def load_workbook_of(year):
    from io import BytesIO

    report = YearReport.for_year(Year.objects.get(committee__slug=CAU_THIA, year=year))
    return load_workbook(BytesIO(workbook_bytes(build_workbook(report))))


@pytest.mark.parametrize(
    ("field", "value"), [("kind", "count"), ("direction", "lower"), ("position", 99)]
)
def test_what_decides_a_closed_reports_numbers_cannot_change(closed_2023, field, value):
    target = Target.objects.get(committee__slug=CAU_THIA, slug=BHYT)
    setattr(target, field, value)
    before = snapshot()
    with pytest.raises(ValidationError, match="2023"):
        target.save()
    assert snapshot() == before


def test_an_area_or_a_cell_number_printed_in_a_closed_report_cannot_change(closed_2023):
    area = Area.objects.get(committee__slug=CAU_THIA, position=2)
    area.name = "Văn hóa"
    cell = Cell.objects.get(committee__slug=CAU_THIA, number=2)
    cell.number = 12
    before = snapshot()
    for record in (area, cell):
        with pytest.raises(ValidationError):
            record.save()
    assert snapshot() == before


def test_renaming_a_cell_keeps_the_name_of_the_closed_years_sheet(closed_2023):
    cell = Cell.objects.get(committee__slug=CAU_THIA, number=2)
    cell.name = "Chi bộ tổ dân phố Cầu Thia 2"
    cell.save()
    sheet = load_workbook_of(2023)["Chi bộ"]
    names = {row[1] for row in sheet.iter_rows(values_only=True)}
    assert "Chi bộ tổ dân phố số 2" in names and cell.name not in names
    # 2024, open, prints today's name once a rating is decided (no ratings sheet before).
    CellYear.objects.filter(cell=cell, year__year=2024).update(rating="good")
    assert cell.name in {
        row[1] for row in load_workbook_of(2024)["Chi bộ"].iter_rows(values_only=True)
    }


# --- The management commands ---------------------------------------------------------------------


def test_load_demo_reset_refuses_to_touch_a_closed_year(closed_2023):
    figure = Figure.objects.get(target__slug=BHYT, year=closed_2023)
    before = snapshot()
    with pytest.raises(CommandError, match="2023"):
        call_command("load_demo", "--reset", verbosity=0)
    assert snapshot() == before
    assert Year.objects.get(committee__slug=CAU_THIA, year=2023).is_closed
    assert Figure.objects.get(pk=figure.pk).version == figure.version


def test_load_demo_leaves_a_closed_year_as_it_is_and_says_so(closed_2023, capsys):
    before = snapshot()
    call_command("load_demo")
    assert "2023" in capsys.readouterr().out
    assert snapshot() == before


# --- Reopening ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [".", "\u200b", "   ", "-- ", "ok"])
def test_a_reopening_needs_a_reason_that_says_something(bithu, closed_2023, reason):
    before = snapshot()
    response = bithu.post(
        reverse("targets:reopen", args=[CAU_THIA, 2023]), {"reason": reason}, follow=True
    )
    assert "lý do" in text_of(response).lower()
    assert snapshot() == before


def test_a_reopening_reason_that_is_too_long_is_refused_not_cut(bithu, closed_2023):
    before = snapshot()
    response = bithu.post(
        reverse("targets:reopen", args=[CAU_THIA, 2023]),
        {"reason": "Điều chỉnh số liệu. " * 200},
        follow=True,
    )
    assert "quá dài" in text_of(response)
    assert snapshot() == before
