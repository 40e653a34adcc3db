"""Text from the outside world (pasted from Word, typed in the admin, loaded by a command) is made
safe where it lands: no control or bidirectional override character reaches a page, a workbook
or the database, and every text keeps the same length limit in the admin as in the forms."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from cells.models import Cell, CellYear
from cells.roles import WARD_STAFF
from committees.models import Account, Committee
from targets.models import Area, Figure, Target, Year
from targets.report import YearReport
from targets.text import clean_text
from targets.xlsx import MAX_ROW_HEIGHT, build_workbook, workbook_bytes

from .helpers import CAU_THIA, text_of

# What Word, a PDF or a web page leave in copied text: controls, a vertical tab, a form feed, an
# escape, C1 controls, bidirectional overrides and isolates, a byte order mark.
DIRT = "\x00\x01\x07\x0b\x0c\x1b\x7f\x85\x9f\u202a\u202b\u202d\u202e\u2066\u2067\u2069\ufeff"
FORBIDDEN = set(DIRT)


def dirty(text):
    return "\u202e".join(text[:3]) + DIRT + text[3:] + "\x0b"


@given(st.text())
def test_clean_text_leaves_no_control_or_override_character(text):
    cleaned = clean_text(text)
    assert not FORBIDDEN & set(cleaned)
    assert not {c for c in cleaned if ord(c) < 32 and c != "\n"}
    assert clean_text(cleaned) == cleaned  # cleaning twice changes nothing more


def test_names_saved_with_dirt_are_stored_clean(demo):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    year.committee_name = dirty("Đảng bộ phường Cầu Thia")
    year.save()
    bhyt = Target.objects.filter(committee__slug=CAU_THIA, slug="bao-hiem-y-te")
    bhyt.update(name=dirty("Bảo hiểm y tế"))
    year.refresh_from_db()
    assert year.committee_name == "Đảng bộ phường Cầu Thia"
    assert bhyt.get().name == "Bảo hiểm y tế"


def every_name_dirty(year):
    """The year's report with every name and note it prints full of dirt, in memory only."""
    report = YearReport.for_year(year)
    for name in ("committee_name", "superior_party_body", "place_name", "plan_document"):
        setattr(report.year, name, dirty(getattr(report.year, name) or "Kế hoạch"))
    report.year.secretary_name = dirty("Bùi Xuân Vượng")
    report.year.report_number = dirty("125")
    for area, rows in report.sections:
        area.name = dirty(area.name)
        for row in rows:
            figure = row.figure
            figure.target.name = dirty(figure.target.name)
            figure.target.unit = dirty(figure.target.unit or "hộ")
            figure.note = dirty(figure.note)
    return report


def test_a_workbook_with_dirt_in_every_name_opens_and_reads_clean(demo):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    CellYear.objects.filter(year=year).update(secretary_name="Lò Văn\u202eThắng")
    Cell.objects.filter(committee__slug=CAU_THIA, number=3).update(name="Chi bộ tổ dân phố số 3")
    workbook = load_workbook(BytesIO(workbook_bytes(build_workbook(every_name_dirty(year)))))
    texts = [
        value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    assert any("ĐẢNG BỘ THỊ XÃ NGHĨA LỘ" in text for text in texts)  # read, and clean
    assert not [text for text in texts if FORBIDDEN & set(text)]
    assert not FORBIDDEN & set(workbook.properties.creator or "")


def test_a_very_long_note_keeps_its_row_within_what_excel_accepts(demo):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    report = YearReport.for_year(year)
    report.rows[0].figure.note = "Một dòng ghi chú.\n" * 400
    sheet = build_workbook(report)["Chỉ tiêu"]
    assert max(d.height or 0 for d in sheet.row_dimensions.values()) == MAX_ROW_HEIGHT


# --- The admin takes what the forms take -------------------------------------------------------


@pytest.fixture
def staff_admin(django_user_model, demo):
    user = django_user_model.objects.create_user("vanphong", is_staff=True)
    user.groups.add(Group.objects.get(name=WARD_STAFF))
    Account.objects.create(user=user, committee=Committee.objects.get(slug=CAU_THIA))
    client = Client()
    client.force_login(user)
    return client


def figure_admin_form(figure, **values):
    return {
        "plan": "96",
        "actual": "95,77",
        "note": figure.note,
        "illustrative": "on",
        "version": figure.version,
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    } | values


def test_the_admin_refuses_a_note_longer_than_the_form_takes(staff_admin):
    figure = Figure.objects.get(
        target__slug="bao-hiem-y-te", year__committee__slug=CAU_THIA, year__year=2024
    )
    url = reverse("admin:targets_figure_change", args=[figure.pk])
    response = staff_admin.post(url, figure_admin_form(figure, note="x" * 1_000_000))
    assert response.status_code == 200
    assert "2000" in text_of(response) or "2.000" in text_of(response)
    assert Figure.objects.get(pk=figure.pk).version == figure.version


def test_a_name_typed_in_the_admin_loses_its_override_characters(demo, django_user_model):
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1234"))
    area = Area.objects.get(committee__slug=CAU_THIA, position=1)
    url = reverse("admin:targets_area_change", args=[area.pk])
    response = admin.post(
        url, {"committee": area.committee_id, "position": 1, "name": "Kinh\u202e tế\u0007"}
    )
    assert response.status_code == 302
    assert Area.objects.get(pk=area.pk).name == "Kinh tế"
