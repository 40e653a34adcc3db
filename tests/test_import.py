"""Figures brought in from Excel, through the pages the office uses: upload, preview, write.

Every workbook is built here with openpyxl, in the layouts a ward's sheets come in; each test
reads the preview as the page shows it, then the stored figures and their history after the
office confirms.
"""

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets.models import Figure, FigureChange, Import, Year
from targets.numbers import MAX_AMOUNT, format_number
from targets.stages import Stage

from .helpers import CAU_THIA, form_data, plain_text, report_workbook, signed_in
from .test_access import snapshot

YEAR = 2024
UPLOAD = reverse("targets:import_upload", args=[CAU_THIA, YEAR])
CHECKOUT = Path(__file__).resolve().parent.parent


def figure(position, year=YEAR):
    return Figure.objects.select_related("target").get(
        year__committee__slug=CAU_THIA, year__year=year, target__position=position
    )


def workbook(rows, *, title="Biểu", merges=(), formats=None, sheets=None):
    """The bytes of a workbook whose sheet ``title`` holds ``rows`` from A1 (None leaves a cell
    empty), with ``merges`` ("A1:F1") and ``formats`` ({"E7": "0.00%"}); ``sheets`` adds
    further sheets {title: rows}."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    for address, number_format in (formats or {}).items():
        ws[address].number_format = number_format
    for name, more in (sheets or {}).items():
        other = book.create_sheet(name)
        for row in more:
            other.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cached_values(content, values):
    """``content`` (an .xlsx) with ``values`` ({"E7": "1300"}) saved as its formulas' computed
    values, as Excel saves them; openpyxl writes a formula without one."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                for address, value in values.items():
                    text, found = re.subn(
                        rf'(<c r="{address}"[^>]*>)(<f>[^<]*</f>)<v\s*(?:/>|></v>)',
                        rf"\g<1>\g<2><v>{value}</v>",
                        text,
                    )
                    assert found == 1, address
                data = text.encode()
            target.writestr(item, data)
    return buffer.getvalue()


def upload(client, content, name="bang-so-lieu.xlsx", stage=Stage.FINAL, year=YEAR):
    """Post a file as the upload form sends it; the answer, followed to the preview."""
    return client.post(
        reverse("targets:import_upload", args=[CAU_THIA, year]),
        {"file": SimpleUploadedFile(name, content), "stage": stage.value},
        follow=True,
    )


def preview_rows(page):
    """{sheet row: (status, [target, plan, actual, note, reason, result])} as the preview's
    table shows them."""
    html = page.content.decode()
    rows = {}
    for number, status, cells in re.findall(
        r'<tr id="sheet-row-(\d+)" class="import-(\w+)">(.*?)</tr>', html, re.S
    ):
        texts = [plain_text(cell) for cell in re.findall(r"<t[dh]\b.*?</t[dh]>", cells, re.S)]
        rows[int(number)] = (status, texts[1:])
    return rows


def changed(page):
    """{sheet row: [target, plan, actual, note]} of the rows the preview would change."""
    return {
        row: cells[:4] for row, (status, cells) in preview_rows(page).items() if status == "changed"
    }


def write(client, page):
    """Press the preview's write button."""
    data = form_data(page, {"class": "write-form"}) | {"action": "write"}
    return client.post(page.request["PATH_INFO"], data, follow=True)


def history_from(figure_, name):
    change = figure_.changes.order_by("-version").first()
    assert change.imported_from is not None and change.imported_from.file_name == name
    return change


@pytest.fixture
def office(bithu):
    return bithu


# --- Layouts ------------------------------------------------------------------------------------


def test_the_apps_own_workbook_comes_back_as_nothing_to_change_at_every_stage(office):
    for stage in Stage:
        content = office.get(
            reverse("targets:report_workbook", args=[CAU_THIA, YEAR]) + f"?stage={stage}"
        ).content
        before = snapshot()
        page = upload(office, content, name=f"bao-cao-{YEAR}.xlsx", stage=stage)
        rows = preview_rows(page)
        assert len(rows) == 40, stage
        assert {status for status, _cells in rows.values()} == {"same"}, stage
        assert "Không có gì cần thay đổi" in plain_text(page.content.decode()), stage
        assert 'class="write-form"' not in page.content.decode()
        imported = Import.objects.get(uploaded_by__username="bithu", confirmed_at=None)
        assert imported.stage == stage and imported.sheet == "Chỉ tiêu"
        after = snapshot()
        del after["targets.Import"], before["targets.Import"]
        assert after == before, stage


def test_the_apps_own_workbook_edited_offline_writes_what_was_changed(office):
    content = report_workbook(
        YEAR,
        Stage.ESTIMATE,
        {"trong-cay-phan-tan": {"actual": 3456}, "bao-hiem-y-te": {"plan": 96.8}},
    )
    page = upload(office, content, name="bao-cao-sua.xlsx", stage=Stage.ESTIMATE)
    rows = changed(page)
    assert [cells for cells in rows.values()] == [
        ["9. Trồng cây phân tán", "3.000", "3.280 → 3.456", "–"],
        ["18. Tỷ lệ dân số tham gia bảo hiểm y tế", "96,5 → 96,8", "97,42", "–"],
    ]
    dashboard = write(office, page)
    assert dashboard.request["PATH_INFO"] == reverse("targets:dashboard", args=[CAU_THIA, YEAR])
    assert "bao-cao-sua.xlsx" in plain_text(dashboard.content.decode())
    trees, bhyt = figure(9), figure(18)
    assert (trees.actual_estimate, bhyt.plan) == (Decimal(3456), Decimal("96.8"))
    change = history_from(trees, "bao-cao-sua.xlsx")
    assert (change.old_actual_estimate, change.new_actual_estimate) == (3280, 3456)
    assert change.changed_by.username == "bithu"
    history = office.get(trees.get_absolute_url()).content.decode()
    assert "bao-cao-sua.xlsx" in plain_text(history)


def hand_made_sheet():
    """The office's own sheet: merged title rows, the header on row 4, a row of column numbers,
    Roman-numeral area rows, the numbers as numbers."""
    return workbook(
        [
            ["ĐẢNG BỘ PHƯỜNG CẦU THIA"],
            ["BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2024"],
            [None],
            ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Thực hiện", "Ghi chú"],
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
            ["I", "VỀ KINH TẾ"],
            [1, "Tổng sản lượng lương thực có hạt", "tấn", 1260, 1291.5, "Vụ mùa được giá"],
            [2, "Diện tích gieo cấy lúa cả năm", "ha", 212, 214, None],
            ["II", "VỀ VĂN HÓA – XÃ HỘI"],
            [18, "Tỷ lệ dân số tham gia bảo hiểm y tế", "%", 96.5, 95.77, None],
            [25, "Duy trì đạt chuẩn phổ cập giáo dục", None, "Duy trì", "Đạt", None],
            [None, "Tổng cộng: 4 chỉ tiêu"],
        ],
        merges=["A1:F1", "A2:F2", "B6:F6", "B9:F9"],
    )


def test_a_hand_made_sheet_with_a_merged_title_and_area_rows(office):
    page = upload(office, hand_made_sheet())
    assert changed(page) == {
        7: ["1. Tổng sản lượng lương thực có hạt", "1.260", "– → 1.291,5", "– → Vụ mùa được giá"],
        8: ["2. Diện tích gieo cấy lúa cả năm", "212", "– → 214", "–"],
        10: ["18. Tỷ lệ dân số tham gia bảo hiểm y tế", "96,5", "– → 95,77", "–"],
        11: ["25. Duy trì đạt chuẩn phổ cập giáo dục", "Duy trì", "– → Đạt", "–"],
    }
    assert "36 chỉ tiêu của năm không có trong bảng" in plain_text(page.content.decode())
    write(office, page)
    assert [figure(n).actual for n in (1, 2, 18, 25)] == [
        Decimal("1291.5"),
        214,
        Decimal("95.77"),
        1,
    ]
    assert figure(1).note == "Vụ mùa được giá"
    for position in (1, 2, 18, 25):
        history_from(figure(position), "bang-so-lieu.xlsx")


def test_columns_in_another_order_names_without_accents_and_no_numbers(office):
    """Matched by name where the number is missing, accents and capitals forgiven; the
    headings abbreviated, the plan after the actual, other columns left aside."""
    content = workbook(
        [
            ["Ghi chú", "Nội dung chỉ tiêu", "TH", "Tỷ lệ % so KH", "KH", "TT"],
            [None, "TRONG CAY PHAN TAN", 3120, 1.04, 3000, None],
            ["Đã kiểm tra", "giảm hộ nghèo", 9, 1.125, 8, 13],
            [None, "Kết nạp đảng viên mới", 6, None, None, "32."],
        ]
    )
    page = upload(office, content, stage=Stage.ESTIMATE)
    assert changed(page) == {
        2: ["9. Trồng cây phân tán", "3.000", "3.280 → 3.120", "–"],
        3: ["13. Giảm hộ nghèo", "8", "8 → 9", "– → Đã kiểm tra"],
        4: ["32. Kết nạp đảng viên mới", "5", "5 → 6", "–"],
    }
    write(office, page)
    assert [figure(n).actual_estimate for n in (9, 13, 32)] == [3120, 9, 6]
    assert figure(13).note == "Đã kiểm tra"


def test_numbers_written_as_text_the_vietnamese_way(office):
    content = workbook(
        [
            ["STT", "Tên chỉ tiêu", "Kế hoạch năm 2024", "Ước thực hiện năm 2024"],
            ["1", "Tổng sản lượng lương thực có hạt", "1.260", "1.234,5"],
            ["3", "Giá trị sản xuất công nghiệp – tiểu thủ công nghiệp", "50.000", "48.250"],
            ["18", "Tỷ lệ dân số tham gia bảo hiểm y tế", "96,5", "95,77%"],
            ["9", "Trồng cây phân tán", "3.000", "–"],
        ]
    )
    page = upload(office, content, stage=Stage.ESTIMATE)
    assert changed(page) == {
        2: ["1. Tổng sản lượng lương thực có hạt", "1.260", "– → 1.234,5", "–"],
        3: [
            "3. Giá trị sản xuất công nghiệp – tiểu thủ công nghiệp",
            "50.000",
            "– → 48.250",
            "–",
        ],
        4: ["18. Tỷ lệ dân số tham gia bảo hiểm y tế", "96,5", "97,42 → 95,77", "–"],
    }
    assert preview_rows(page)[5][0] == "same"  # "3.000" is the stored 3.000; "–" leaves it be
    write(office, page)
    assert [figure(n).actual_estimate for n in (1, 3, 18, 9)] == [
        Decimal("1234.5"),
        48250,
        Decimal("95.77"),
        3280,
    ]


def test_percent_formatted_cells_are_read_as_the_percent_they_show(office):
    content = workbook(
        [
            ["STT", "Chỉ tiêu", "ĐVT", "KH", "KQ thực hiện"],
            [18, "Tỷ lệ dân số tham gia bảo hiểm y tế", "%", 0.965, 0.9577],
            [10, "Tỷ lệ hộ dân sử dụng nước sạch", "%", 0.992, 1],
        ],
        formats={"D2": "0.0%", "E2": "0.00%", "D3": "0.0%", "E3": "0%"},
    )
    page = upload(office, content)
    assert changed(page) == {
        2: ["18. Tỷ lệ dân số tham gia bảo hiểm y tế", "96,5", "– → 95,77", "–"],
        3: ["10. Tỷ lệ hộ dân sử dụng nước sạch", "99,2", "– → 100", "–"],
    }
    write(office, page)
    assert (figure(18).actual, figure(10).actual) == (Decimal("95.77"), 100)


def formula_sheet():
    return workbook(
        [
            ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Ghi chú"],
            [13, "Giảm hộ nghèo", 8, "=4+5", None],
            [14, "Giảm hộ cận nghèo", 12, "=SUM(5,6)", None],
        ]
    )


def test_a_formula_with_its_saved_value_is_read_as_that_value(office):
    content = with_cached_values(formula_sheet(), {"D2": "9", "D3": "11"})
    page = upload(office, content)
    assert changed(page) == {
        2: ["13. Giảm hộ nghèo", "8", "– → 9", "–"],
        3: ["14. Giảm hộ cận nghèo", "12", "– → 11", "–"],
    }
    write(office, page)
    assert (figure(13).actual, figure(14).actual) == (9, 11)


def test_a_formula_without_a_saved_value_refuses_its_row_and_nothing_can_be_written(office):
    content = with_cached_values(formula_sheet(), {"D2": "9"})
    before = snapshot()
    page = upload(office, content)
    rows = preview_rows(page)
    assert rows[2][0] == "changed"
    assert rows[3][0] == "refused"
    text = plain_text(page.content.decode())
    assert "D3: công thức chưa có giá trị" in text
    assert 'class="write-form"' not in page.content.decode()
    after = snapshot()
    del after["targets.Import"], before["targets.Import"]
    assert after == before


def test_a_header_over_two_rows_under_a_merged_year(office):
    content = workbook(
        [
            ["TT", "Các chỉ tiêu chủ yếu", "Đơn vị tính", "Năm 2024", None, "GC"],
            [None, None, None, "Chỉ tiêu NQ", "Thực hiện 6 tháng", None],
            [9, "Trồng cây phân tán", "cây", 3000, 1400, None],
        ],
        merges=["D1:E1"],
    )
    page = upload(office, content, stage=Stage.HALF)
    assert changed(page) == {3: ["9. Trồng cây phân tán", "3.000", "1.298 → 1.400", "–"]}


def test_a_sheet_of_another_stage_is_refused(office):
    """By its actual column's heading, or by the line the app's own workbook prints."""
    six_months = workbook(
        [
            ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện 6 tháng"],
            [9, "Trồng cây phân tán", 3000, 1400],
        ]
    )
    estimate = report_workbook(YEAR, Stage.ESTIMATE)
    before = snapshot()
    for content, said in [(six_months, "thực hiện 6 tháng"), (estimate, "ước thực hiện cả năm")]:
        page = upload(office, content, stage=Stage.FINAL)
        assert page.status_code == 400
        assert f"số liệu kỳ “{said}”, không phải kỳ “thực hiện cả năm”" in plain_text(
            page.content.decode()
        )
    assert snapshot() == before


def test_rows_that_match_no_target_are_listed_and_never_guessed(office):
    content = workbook(
        [
            ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện"],
            [9, "Trồng cây xanh đô thị", 3000, 3100],  # number 9 is another name
            [None, "Số hộ dùng điện", 100, 99],  # no such target
            [77, None, 5, 5],  # no such number
            [13, "Giảm hộ nghèo", 8, 8],
            [13, "Giảm hộ nghèo", 8, 9],  # the same target twice
        ]
    )
    page = upload(office, content)
    text = plain_text(page.content.decode())
    assert "3 dòng không khớp với chỉ tiêu nào" in text
    assert "số 9 là “Trồng cây phân tán”" in text
    rows = preview_rows(page)
    assert rows[5][0] == "changed" and rows[6][0] == "refused"
    assert "dòng 5 đã cho số liệu của chỉ tiêu này" in rows[6][1][-1]
    assert 'class="write-form"' not in page.content.decode()


def test_a_value_that_cannot_be_read_names_its_cell(office):
    content = workbook(
        [
            ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện"],
            [1, "Tổng sản lượng lương thực có hạt", 1260, "95.77"],
            [2, "Diện tích gieo cấy lúa cả năm", 212, -3],
            [25, "Duy trì đạt chuẩn phổ cập giáo dục", "Duy trì", 7],
            [18, "Tỷ lệ dân số tham gia bảo hiểm y tế", 96.5, 95.771],
        ]
    )
    page = upload(office, content)
    rows = preview_rows(page)
    assert {row: status for row, (status, _c) in rows.items()} == {
        2: "refused",
        3: "refused",
        4: "refused",
        5: "refused",
    }
    assert rows[2][1][-1].startswith("D2: “95.77”: dấu chấm chỉ dùng để tách hàng nghìn")
    assert rows[3][1][-1].startswith("D3: Số không được âm")
    assert rows[4][1][-1].startswith("D4:")
    assert rows[5][1][-1].startswith("D5: Tối đa 2 chữ số")


def test_rows_of_numbers_only_are_targets_not_column_numbers(office):
    content = workbook(
        [
            ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Ghi chú"],
            [5, None, 2, 3, None],
            [6, None, 1, 2, "x" * 2001],
        ]
    )
    page = upload(office, content, stage=Stage.ESTIMATE)
    rows = preview_rows(page)
    assert rows[2] == (
        "changed",
        ["5. Thành lập mới tổ hợp tác", "2", "2 → 3", "–", "–", "sẽ thay đổi"],
    )
    assert rows[3][0] == "refused"
    assert rows[3][1][-1] == "E3: văn bản quá dài: 2.001 ký tự, tối đa 2.000."


# --- What is refused ----------------------------------------------------------------------------


def encrypted_file():
    """What Excel saves with a password: an OLE container holding an "EncryptedPackage"."""
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "EncryptedInfo".encode("utf-16-le")
        + b"\0" * 64
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 1024
    )


def zipped(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_parts(content, parts):
    """``content`` (an .xlsx) with ``parts`` added to its zip."""
    source = zipfile.ZipFile(io.BytesIO(content))
    return zipped({name: source.read(name) for name in source.namelist()} | parts)


def docx():
    return zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def with_broken_sheet():
    """A workbook whose sheet's XML stops halfway: its table of contents is whole."""
    source = zipfile.ZipFile(io.BytesIO(hand_made_sheet()))
    parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    return zipped(parts | {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]})


def bomb():
    """A valid workbook with a part that expands to 60 MB: a few kilobytes as uploaded."""
    return with_parts(hand_made_sheet(), {"xl/media/padding.bin": b"\0" * (60 * 1024 * 1024)})


BAD_FILES = {
    "text": (lambda: b"STT;Chi tieu;Ke hoach\n1;Luong thuc;1260\n", "không phải là sổ tính Excel"),
    "pdf": (lambda: b"%PDF-1.4\n%%EOF\n", "không phải là sổ tính Excel"),
    "word": (docx, "là văn bản Word"),
    "old excel": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048, "(.xls)"),
    "password": (encrypted_file, "đặt mật khẩu"),
    "macros": (
        lambda: with_parts(hand_made_sheet(), {"xl/vbaProject.bin": b"\0" * 64}),
        "có macro",
    ),
    "damaged": (lambda: hand_made_sheet()[:2000], "Không đọc được tệp"),
    "broken sheet": (with_broken_sheet, "Không đọc được tệp"),
    "zip bomb": (bomb, "giãn ra tới 60 MB"),
    "empty sheet": (lambda: workbook([]), "Trang tính “Biểu” không có dữ liệu"),
    "no header": (
        lambda: workbook([["Số liệu"], [1, "Lương thực", 1260, 1300]]),
        "Không tìm thấy bảng chỉ tiêu",
    ),
    "empty file": (lambda: b"", "Tệp trống"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_stored(office, kind):
    make, message = BAD_FILES[kind]
    before = snapshot()
    page = upload(office, make(), name="bang-so-lieu.xlsx")
    assert page.status_code == 400
    assert page.redirect_chain == []
    assert message in plain_text(page.content.decode())
    assert snapshot() == before


def test_a_file_over_the_size_limit_is_refused(office, settings):
    settings.IMPORT_MAX_BYTES = 4 * 1024
    content = report_workbook(YEAR)
    before = snapshot()
    page = upload(office, content)
    assert page.status_code == 400
    assert "Tệp quá lớn" in plain_text(page.content.decode())
    assert snapshot() == before


def test_several_sheets_with_a_table_ask_which_one(office):
    table = [["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện"], [9, "Trồng cây phân tán", 3000, 3010]]
    other = [["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện"], [9, "Trồng cây phân tán", 3000, 2990]]
    content = workbook(table, title="Phường", sheets={"Ghi nhớ": [["ghi chú"]], "Năm trước": other})
    page = upload(office, content)
    assert "Nên đọc trang tính nào" in plain_text(page.content.decode())
    assert 'class="write-form"' not in page.content.decode()
    data = form_data(page, {"class": "sheet-form"}) | {"sheet": "Năm trước", "action": "sheet"}
    page = office.post(page.request["PATH_INFO"], data, follow=True)
    assert changed(page) == {2: ["9. Trồng cây phân tán", "3.000", "– → 2.990", "–"]}
    write(office, page)
    assert figure(9).actual == 2990


# --- Writing ------------------------------------------------------------------------------------


def test_a_figure_changed_after_the_preview_refuses_the_whole_import_and_names_it(office, alice):
    page = upload(office, hand_made_sheet())
    rice = figure(1)
    rice.actual = Decimal(1280)
    rice.save(changed_by=alice)  # someone else, meanwhile
    before = snapshot()
    answer = write(office, page)
    assert answer.status_code == 409
    text = plain_text(answer.content.decode())
    assert "Chưa ghi gì" in text and "1. Tổng sản lượng lương thực có hạt" in text
    assert snapshot() == before
    again = office.post(
        answer.request["PATH_INFO"],
        form_data(answer, {"class": "again-form"}) | {"action": "again"},
        follow=True,
    )
    assert changed(again)[7][2] == "1.280 → 1.291,5"
    write(office, again)
    assert figure(1).actual == Decimal("1291.5")


def test_a_preview_is_written_once(office):
    page = upload(office, hand_made_sheet())
    write(office, page)
    count = FigureChange.objects.count()
    again = write(office, page)
    assert "đã được ghi" in plain_text(again.content.decode())
    assert FigureChange.objects.count() == count


def test_a_closed_year_refuses_an_import_and_the_writing_of_a_preview_made_before(office):
    content = report_workbook(2023, changes={"trong-cay-phan-tan": {"actual": 3001}})
    page = upload(office, content, year=2023)
    assert len(changed(page)) == 1
    Year.objects.get(committee__slug=CAU_THIA, year=2023).close(by=page.wsgi_request.user)
    before = snapshot()
    refused = write(office, page)
    assert "Năm 2023 đã chốt số liệu" in plain_text(refused.content.decode())
    again = office.get(reverse("targets:import_upload", args=[CAU_THIA, 2023]), follow=True)
    assert "Năm 2023 đã chốt số liệu" in plain_text(again.content.decode())
    upload(office, content, year=2023)
    assert snapshot() == before


def test_a_cell_secretary_may_not_import(secretary):
    client = signed_in(secretary(3))
    before = snapshot()
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, hand_made_sheet()).status_code == 403
    assert snapshot() == before


def test_another_users_preview_is_not_found_until_written(office, alice):
    page = upload(office, hand_made_sheet())
    address = page.request["PATH_INFO"]
    other = signed_in(alice)
    assert other.get(address).status_code == 404
    assert other.post(address, {"action": "write"}).status_code == 404
    write(office, page)
    written = other.get(address)
    assert written.status_code == 200
    assert changed(written)[7] == [  # as it was previewed, the value it replaced included
        "1. Tổng sản lượng lương thực có hạt",
        "1.260",
        "– → 1.291,5",
        "– → Vụ mùa được giá",
    ]
    assert "đã ghi" in preview_rows(written)[7][1][-1]


@pytest.mark.parametrize("size", [4, 16, 36])
def test_writing_runs_a_bounded_number_of_queries_per_row(office, size):
    """Each changed figure costs the same few queries (its history row included), whatever the
    size of the sheet; the rest is constant."""
    positions = [n for n in range(1, 41) if n not in (25, 35)][:size]
    rows = [["STT", "Chỉ tiêu", "Kế hoạch"]]
    rows += [[n, None, int(figure(n).plan or 0) + 1] for n in positions]
    page = upload(office, workbook(rows))
    assert len(changed(page)) == size
    data = form_data(page, {"class": "write-form"}) | {"action": "write"}
    with CaptureQueriesContext(connection) as queries:
        answer = office.post(page.request["PATH_INFO"], data)
    assert answer.status_code == 302
    assert len(queries) == CONSTANT_QUERIES + QUERIES_PER_ROW * size


# The session, the user, the user's and their groups' permissions, the committee the address
# names and the user's account (may they read it?), the import, the year's figures, the year's
# lock, the import's update and the transaction's savepoints; a figure's own write: its stored
# version, the year's lock, the update, its history row, and the savepoint around them.
CONSTANT_QUERIES = 12
QUERIES_PER_ROW = 6


def test_the_preview_runs_the_same_queries_whatever_the_number_of_rows(office):
    counts = []
    for size in (4, 36):
        rows = [["STT", "Chỉ tiêu", "Kế hoạch"]] + [[n, None, 1] for n in range(1, size + 1)]
        page = upload(office, workbook(rows))
        with CaptureQueriesContext(connection) as queries:
            assert office.get(page.request["PATH_INFO"]).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The laws -----------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=MAX_AMOUNT - Decimal("0.01"), places=2)


def one_row_sheet(value, number_format=None, as_text=False):
    cell = format_number(value) if as_text else value
    return workbook(
        [["STT", "Chỉ tiêu", "Thực hiện"], [1, "Tổng sản lượng lương thực có hạt", cell]],
        formats={"C2": number_format} if number_format else None,
    )


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=amounts, form=st.sampled_from(["number", "text", "percent"]))
def test_any_amount_comes_back_from_a_sheet_as_itself(office, value, form):
    """Written as a number (in the app's own number format), as Vietnamese text, or in a
    percent-formatted cell, an amount reads back as the amount."""
    if form == "percent":
        content = one_row_sheet(float(value / 100), "0.00%")
    else:
        content = one_row_sheet(value, "#,##0.0#", as_text=form == "text")
    page = upload(office, content)
    rows = preview_rows(page)
    stored = figure(1).actual
    expected = format_number(value)
    if value == stored:
        assert rows[2][0] == "same"
    else:
        assert rows[2][0] == "changed", rows
        assert rows[2][1][2] == f"{format_number(stored) or '–'} → {expected}"


notes = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=40
)


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.dictionaries(
        st.sampled_from([1, 3, 9, 13, 18, 30]), st.tuples(amounts, amounts, notes), min_size=1
    ),
    stage=st.sampled_from(list(Stage)),
    language=st.sampled_from(["vi", "en"]),
)
def test_any_figures_saved_exported_and_imported_back_change_nothing(
    office, values, stage, language
):
    """Save, export, import (in either language of the page): the preview has nothing to
    change."""
    for position, (plan, actual, note) in values.items():
        saved = figure(position)
        saved.plan, saved.note = plan, note
        setattr(saved, Stage(stage).field, actual)
        saved.save()
    address = reverse("targets:report_workbook", args=[CAU_THIA, YEAR]) + f"?stage={stage}"
    content = office.get(address).content
    office.cookies["django_language"] = language
    page = upload(office, content, stage=stage)
    del office.cookies["django_language"]
    statuses = {status for status, _cells in preview_rows(page).values()}
    assert statuses == {"same"}, values


def test_the_sample_in_fixtures_reads_without_a_refusal(office):
    content = (CHECKOUT / "fixtures" / "mau-nhap-so-lieu-2024.xlsx").read_bytes()
    page = upload(office, content, name="mau-nhap-so-lieu-2024.xlsx", stage=Stage.ESTIMATE)
    statuses = [status for status, _cells in preview_rows(page).values()]
    assert (len(statuses), statuses.count("changed")) == (40, 3)
    assert set(statuses) == {"changed", "same"}
