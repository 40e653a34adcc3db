"""A closed year's documents are a function of that year's stored rows: the Word report, the
workbook and the print view of the closed 2023 read the same, word for word, whatever is done
later outside the year: a cell deactivated in the admin or cells added by a command, a target
rephrased or renamed, an area renamed, a cell's name marked illustrative, a user renamed. The
open 2024 follows the same edits, and 2023 follows them again once reopened.

2023 is closed as an office that never saved its report's text would close it: the report is
the draft written from the figures, kept as it stood at the closing."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from cells.models import CellYear, Level
from committees.models import Committee
from targets.models import Change, Figure, ReportText

from .helpers import CAU_THIA, form_data, plain_text, row_for, text_of

REPORTS = {
    "docx": "targets:report_docx",
    "xlsx": "targets:report_workbook",
    "print": "targets:report",
}


def docx_text(content):
    """Every paragraph of a Word file's body, then every row of its tables, cells joined."""
    document = Document(io.BytesIO(content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return lines


def workbook_values(content):
    """{sheet's title: its cells' values, row by row} of every sheet of a workbook."""
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in workbook.worksheets
    }


def articles(html):
    """The text of each document (the report, then each annex) of the print view."""
    return [plain_text(part) for part in re.findall(r"<article\b[^>]*>(.*?)</article>", html, re.S)]


READERS = {"docx": docx_text, "xlsx": workbook_values, "print": lambda c: articles(c.decode())}


def cau_thia():
    return Committee.objects.get(slug=CAU_THIA)


def texts_of(year):
    """The saved report texts of Cầu Thia's ``year``."""
    return ReportText.objects.filter(year__committee__slug=CAU_THIA, year__year=year)


def documents(client, year, stage=None, kinds=tuple(REPORTS)):
    """The report of ``year`` as the ward staff download and print it: the Word file's text,
    the workbook's values and the print view's documents (those of ``kinds``)."""
    query = {"stage": stage} if stage else {}
    found = {}
    for kind in kinds:
        response = client.get(reverse(REPORTS[kind], args=[CAU_THIA, year]), query)
        assert response.status_code == 200, (kind, response.status_code)
        found[kind] = READERS[kind](response.content)
    return found


def closed_report(client, kinds=tuple(REPORTS)):
    return documents(client, 2023, "final", kinds)


def open_report(client, kinds=tuple(REPORTS)):
    return documents(client, 2024, kinds=kinds)


def printed_text(client, year, stage=None):
    """Sections I–III of the print view, with the report's heading and signature."""
    return documents(client, year, stage, ["print"])["print"][0]


def lacking(words, report):
    """The documents of ``report`` that do not say ``words``."""
    texts = {
        "docx": lambda lines: "\n".join(lines),
        "xlsx": lambda sheets: "\n".join(
            str(value) for rows in sheets.values() for row in rows for value in row
        ),
        "print": lambda parts: "\n".join(parts),
    }
    return [kind for kind, found in report.items() if words not in texts[kind](found)]


def close(client, year):
    """Close ``year`` as the office does: the review, its warnings confirmed."""
    url = reverse("targets:close", args=[CAU_THIA, year])
    return client.post(url, form_data(client.get(url)) | {"confirm": "on"})


@pytest.fixture
def closed_2023(bithu):
    """The ward staff's client, with 2023 closed through the review and its report never saved
    by the office (the demo's issued text taken away)."""
    texts_of(2023).delete()
    assert close(bithu, 2023).status_code == 302
    assert cau_thia().years.get(year=2023).is_closed
    return bithu


@pytest.fixture
def superuser(django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-1234")
    client = Client()
    client.force_login(user)
    return client


def admin_change(client, record, **changes):
    """Post ``record``'s admin change form as the page fills it, with ``changes`` (None takes a
    field out, as an unticked box is)."""
    name = f"admin:{record._meta.app_label}_{record._meta.model_name}_change"
    url = reverse(name, args=[record.pk])
    page = client.get(url)
    data = form_data(page, {"id": f"{record._meta.model_name}_form"})
    # A ticked box with no value attribute: a browser sends "on" (form_data sends "").
    for box in re.findall(r'<input type="checkbox" name="(\w+)"[^>]*\bchecked\b', page.text):
        data[box] = "on"
    for field, value in changes.items():
        if value is None:
            data.pop(field, None)
        else:
            data[field] = value
    return client.post(url, data)


# --- The closing keeps the draft ----------------------------------------------------------------


def test_closing_keeps_the_drafted_report_as_it_read_and_says_who_closed(bithu, django_user_model):
    texts_of(2023).delete()
    before = closed_report(bithu)
    assert "DỰ THẢO" in before["docx"]
    assert close(bithu, 2023).status_code == 302
    assert closed_report(bithu) == before
    text = texts_of(2023).get()
    bithu_user = django_user_model.objects.get(username="bithu")
    assert (text.stage, text.is_final, text.version, text.updated_by) == (
        "final",
        False,
        0,
        bithu_user,
    )
    created = Change.objects.get(object_id=text.pk, content_type__model="reporttext")
    assert (created.action, created.changed_by) == ("created", bithu_user)


def test_a_text_the_office_saved_is_kept_as_saved_and_no_draft_is_added(bithu):
    saved = texts_of(2023).get()
    assert close(bithu, 2023).status_code == 302
    assert list(texts_of(2023)) == [saved]
    kept = ReportText.objects.get(pk=saved.pk)
    assert (kept.results, kept.version, kept.is_final) == (saved.results, saved.version, True)


def test_a_draft_too_long_to_keep_refuses_the_closing_with_words_not_a_crash(bithu):
    texts_of(2023).delete()
    explained = [
        f
        for f in Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2023)
        if f.reason
    ]
    assert len(explained) >= 11
    for number, figure in enumerate(explained):
        words = f"Chủ quan: nguyên nhân số {number}, " + "công tác chỉ đạo còn chậm, " * 80
        figure.reason = words[:1990]
        figure.save()
    refused = close(bithu, 2023)
    assert refused.status_code == 400
    assert "bản dự thảo báo cáo lập từ số liệu (thực hiện cả năm) quá dài" in text_of(refused)
    assert not cau_thia().years.get(year=2023).is_closed
    assert not texts_of(2023).exists()


# --- What is done outside the closed year --------------------------------------------------------


def test_a_cell_deactivated_in_the_admin_leaves_the_closed_report_as_filed(closed_2023, superuser):
    before = closed_report(closed_2023)
    assert lacking("10/10 chi bộ hoàn thành tốt nhiệm vụ trở lên", before) == []
    cell = cau_thia().cells.get(number=10)
    review = reverse("targets:close", args=[CAU_THIA, 2024])
    assert cell.name in text_of(closed_2023.get(review))
    assert admin_change(superuser, cell, is_active=None).status_code == 302
    cell.refresh_from_db()
    assert not cell.is_active
    assert closed_report(closed_2023) == before
    # The open year's review no longer waits for the inactive cell's rating.
    assert cell.name not in text_of(closed_2023.get(review))


def ratings_and_text(report):
    """What the cells' command may not touch in a closed report: the text (sections I–III), the
    ratings' annex of the print view and its sheet in the workbook."""
    return {
        "text": report["print"][0],
        "annex": [part for part in report["print"] if "XẾP LOẠI" in part],
        "sheet": report["xlsx"].get("Chi bộ"),
    }


def test_cells_added_by_the_command_leave_the_closed_ratings_and_text_as_filed(closed_2023):
    before = closed_report(closed_2023)
    assert ratings_and_text(before)["sheet"]
    call_command("generate_ward", "--scale", "2", verbosity=0)
    assert cau_thia().cells.count() == 20
    after = closed_report(closed_2023)
    assert ratings_and_text(after) == ratings_and_text(before)
    assert lacking("10/10 chi bộ hoàn thành tốt nhiệm vụ trở lên", after) == []
    # The open year has its new cells' ratings, out of its twenty cells.
    assert CellYear.objects.filter(year__committee__slug=CAU_THIA, year__year=2024).count() == 20
    following = open_report(closed_2023, ["xlsx", "print"])
    assert lacking("/20 chi bộ hoàn thành tốt nhiệm vụ trở lên", following) == []


def test_a_year_added_before_the_closed_one_leaves_its_table_as_filed(closed_2023):
    before = closed_report(closed_2023, ["print"])
    call_command("generate_ward", "--scale", "2", verbosity=0)
    assert closed_report(closed_2023, ["print"]) == before


def test_next_years_plan_revised_leaves_the_closed_report_as_filed(closed_2023, django_user_model):
    before, open_before = closed_report(closed_2023), printed_text(closed_2023, 2024)
    figure = cau_thia().years.get(year=2024).figures.get(target__slug="giam-ho-ngheo")
    figure.plan = figure.plan + 7
    figure.save(changed_by=django_user_model.objects.get(username="bithu"))
    assert closed_report(closed_2023) == before
    assert printed_text(closed_2023, 2024) != open_before  # the open year shows its new plan


def test_a_target_rephrased_and_renamed_in_the_admin_leaves_the_closed_report_as_filed(
    closed_2023, superuser
):
    target = cau_thia().targets.get(slug="giam-ho-ngheo")
    before, open_before = closed_report(closed_2023), printed_text(closed_2023, 2024)
    assert lacking("Giảm hộ nghèo", before) == []
    response = admin_change(
        superuser,
        target,
        name="Giảm hộ nghèo theo chuẩn đa chiều",
        report_phrase="giảm được {actual} hộ nghèo trên địa bàn",
    )
    assert response.status_code == 302
    assert closed_report(closed_2023) == before
    # The open year's report follows: the new phrase in its text, the new name in its table.
    following = open_report(closed_2023)
    assert lacking("Giảm hộ nghèo theo chuẩn đa chiều", following) == []
    assert "giảm được 08 hộ nghèo trên địa bàn" in following["print"][0]
    assert "giảm được 08 hộ nghèo trên địa bàn" not in open_before


def test_an_area_of_the_closed_report_is_not_renamed_in_the_admin(closed_2023, superuser):
    area = cau_thia().areas.get(position=1)
    before, open_before = closed_report(closed_2023), open_report(closed_2023, ["print"])
    response = admin_change(superuser, area, name="Phát triển kinh tế")
    assert response.status_code == 200
    assert "năm đã chốt số liệu (2023" in text_of(response)
    area.refresh_from_db()
    assert area.name == "Kinh tế"
    assert closed_report(closed_2023) == before
    assert open_report(closed_2023, ["print"]) == open_before


def decide(cell_year):
    """A rating of the open year decided, so that its report carries the ratings' annex."""
    cell_year.rating = Level.GOOD
    cell_year.members_good = cell_year.members
    cell_year.save()


def cell_line(client, year, cell):
    """The cell's line in the print view's table of ratings."""
    url = reverse("targets:report", args=[CAU_THIA, year])
    return row_for(client.get(url, {"stage": "final"} if year == 2023 else {}), cell.name)


def test_a_cells_name_marked_illustrative_in_the_admin_leaves_the_closed_report_as_filed(
    closed_2023, superuser
):
    cell = cau_thia().cells.get(number=2)
    assert not cell.illustrative
    decide(CellYear.objects.get(cell=cell, year__year=2024))
    before, open_before = closed_report(closed_2023), cell_line(closed_2023, 2024, cell)
    assert admin_change(superuser, cell, illustrative="on").status_code == 302
    cell.refresh_from_db()
    assert cell.illustrative
    assert closed_report(closed_2023) == before
    # In the open year the cell's line now says its name is illustrative.
    assert "Minh họa: tên chi bộ" in cell_line(closed_2023, 2024, cell)
    assert "Minh họa: tên chi bộ" not in open_before


def test_a_user_renamed_in_the_admin_leaves_the_closed_report_as_filed(
    closed_2023, superuser, django_user_model
):
    before = closed_report(closed_2023)
    user = django_user_model.objects.get(username="bithu")
    # No permission chosen, as the page shows (form_data sends a multiple choice's first).
    renamed = admin_change(superuser, user, first_name="Nguyễn Văn Đổi", user_permissions=None)
    assert renamed.status_code == 302
    assert django_user_model.objects.get(pk=user.pk).first_name == "Nguyễn Văn Đổi"
    assert closed_report(closed_2023) == before


# --- Reopened, the year follows again ------------------------------------------------------------


def test_reopened_the_year_is_drafted_again_and_the_next_closing_keeps_what_it_reads_then(
    closed_2023, superuser
):
    committee = cau_thia()
    target, cell = committee.targets.get(slug="giam-ho-ngheo"), committee.cells.get(number=2)
    before, line = closed_report(closed_2023, ["print"]), cell_line(closed_2023, 2023, cell)
    phrase = "giảm được {actual} hộ nghèo trên địa bàn"
    assert admin_change(superuser, target, report_phrase=phrase).status_code == 302
    assert admin_change(superuser, cell, illustrative="on").status_code == 302
    assert closed_report(closed_2023, ["print"]) == before

    reason = {"reason": "Điều chỉnh số liệu hộ nghèo theo kết quả rà soát cuối năm."}
    assert (
        closed_2023.post(reverse("targets:reopen", args=[CAU_THIA, 2023]), reason).status_code
        == 302
    )
    assert not texts_of(2023).exists()
    reopened = printed_text(closed_2023, 2023, "final")
    assert "giảm được" in reopened and "giảm được" not in before["print"][0]

    assert close(closed_2023, 2023).status_code == 302
    closed_again = closed_report(closed_2023, ["print"])
    assert closed_again["print"][0] == reopened
    assert "Minh họa: tên chi bộ" in cell_line(closed_2023, 2023, cell)
    assert "Minh họa: tên chi bộ" not in line
    assert admin_change(superuser, cell, illustrative=None).status_code == 302
    assert admin_change(superuser, target, report_phrase="").status_code == 302
    assert closed_report(closed_2023, ["print"]) == closed_again
