import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from cells.models import CellYear, Task
from targets.models import Figure, FigureChange, Year, YearEvent
from targets.numbers import format_number, format_percent

from .helpers import CAU_THIA, form_data, rows_of, signed_in, task_url, text_of


def close(client, year=2023):
    """Close ``year`` as the office does: from its review, the confirmation ticked."""
    url = reverse("targets:close", args=[CAU_THIA, year])
    return client.post(url, form_data(client.get(url)) | {"confirm": "on"})


def workbook_of(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(ws):
    """(STT, name, unit, plan, actual, percent, assessment) of each target row."""
    return [
        row[:7]
        for row in ws.iter_rows(values_only=True)
        if isinstance(row[0], int) and isinstance(row[1], str)
    ]


def shown(value):
    """A workbook value written as the page writes it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return format_number(Decimal(str(value)))


def test_the_workbook_and_the_dashboard_never_disagree(bithu):
    response = bithu.get(reverse("targets:report_workbook", args=[CAU_THIA, 2023]))
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-2023.xlsx"'
    workbook = workbook_of(response)
    assert workbook.sheetnames == ["Chỉ tiêu", "Chi bộ"]
    from_sheet = [
        (
            str(stt),
            name,
            unit or "",
            shown(plan) or "–",
            shown(actual) or "–",
            percent if isinstance(percent, str) else format_percent(Decimal(str(percent)), 2),
            assessment,
        )
        for stt, name, unit, plan, actual, percent, assessment in sheet_rows(workbook["Chỉ tiêu"])
    ]
    page = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2023]))
    from_page = []
    for row in rows_of(page):
        cells = row.split(" | ")
        if len(cells) >= 7 and cells[0].isdigit():
            actual = cells[4].replace(" minh họa", "")
            from_page.append(
                (cells[0], cells[1], cells[2], cells[3], actual, cells[5], cells[6][2:])
            )
    assert len(from_sheet) == 40
    assert from_sheet == from_page


def test_the_cells_sheet_has_each_cell_and_the_derived_totals(bithu):
    ws = workbook_of(bithu.get(reverse("targets:report_workbook", args=[CAU_THIA, 2023])))["Chi bộ"]
    values = [value for row in ws.iter_rows(values_only=True) for value in row if value]
    assert "Chi bộ tổ dân phố số 2" in values and "Đồng Thị Dưỡng" in values
    assert "10/10 chi bộ hoàn thành tốt nhiệm vụ trở lên" in values
    share = next(
        row[3]
        for row in ws.iter_rows(values_only=True)
        if row[0] == "Đảng viên hoàn thành tốt nhiệm vụ trở lên"
    )
    assert Decimal(str(share)) == 86
    assert "172 trên 200 đảng viên được xếp loại" in values


def test_the_print_view_is_the_report_with_its_annexes(bithu):
    response = bithu.get(reverse("targets:report", args=[CAU_THIA, 2023]))
    text = text_of(response)
    for words in (
        "ĐẢNG BỘ THỊ XÃ NGHĨA LỘ",
        "ĐẢNG ỦY PHƯỜNG CẦU THIA",
        "Số 125-BC/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Cầu Thia, ngày 05 tháng 01 năm 2024",
        "BÁO CÁO",
        "kết quả thực hiện các chỉ tiêu chủ yếu năm 2023, phương hướng, nhiệm vụ năm 2024",
        "I- KẾT QUẢ THỰC HIỆN",
        "thành lập mới 03 tổ hợp tác, bằng 150% kế hoạch",
        "II- HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN",
        "III- PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024",
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
        "Bùi Xuân Vượng",
        "- Thường trực Thị ủy (b/c),",
        "- Lưu Văn phòng Đảng ủy.",
        "PHỤ LỤC I",
        "(Kèm theo Báo cáo số 125-BC/ĐU, ngày 05/01/2024 của Đảng ủy phường Cầu Thia)",
        "Tổng số 40 chỉ tiêu: 19 chỉ tiêu vượt kế hoạch, 09 chỉ tiêu đạt kế hoạch",
        "PHỤ LỤC II",
        "10/10 chi bộ hoàn thành tốt nhiệm vụ trở lên; 86% đảng viên",
    ):
        assert words in text, words
    # Nothing of the press, the software or the cap on "xuất sắc" is printed.
    printed_never = (
        "Số liệu tạm thời",
        "khóa sổ",
        "báo Yên Bái",
        "ứng dụng hiển thị",
        "xuất sắc nhiệm vụ” không quá",
    )
    for words in (*printed_never, "124-QĐ"):
        assert words.lower() not in text.lower(), words
    assert "Nơi nhận:" in text.replace("Nơi nhận :", "Nơi nhận:")
    rows = rows_of(response)
    assert (
        "18 | Tỷ lệ dân số tham gia bảo hiểm y tế | % | 96 | 95,77 | 99,76% | Chưa đạt"
        in "\n".join(rows)
    )


def test_closing_2023_then_editing_a_figure_is_refused_and_changes_nothing(bithu):
    assert close(bithu).status_code == 302
    assert Year.objects.get(committee__slug=CAU_THIA, year=2023).is_closed
    figure = Figure.objects.get(
        target__slug="bao-hiem-y-te", year__committee__slug=CAU_THIA, year__year=2023
    )
    changes = FigureChange.objects.count()
    response = bithu.post(
        reverse("targets:edit", args=[CAU_THIA, 2023, "bao-hiem-y-te"]),
        {"plan": "96", "actual": "97", "note": "", "version": figure.version},
        follow=True,
    )
    assert "đã chốt số liệu" in text_of(response)
    after = Figure.objects.get(pk=figure.pk)
    assert (after.actual, after.version) == (figure.actual, figure.version)
    assert FigureChange.objects.count() == changes
    sheet = workbook_of(bithu.get(reverse("targets:report_workbook", args=[CAU_THIA, 2023])))[
        "Chỉ tiêu"
    ]
    bhyt = next(row for row in sheet_rows(sheet) if row[0] == figure.target.position)
    assert Decimal(str(bhyt[4])) == figure.actual


def test_a_closed_year_is_read_only_in_the_admin_too(bithu):
    assert close(bithu).status_code == 302
    figure = Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2023).first()
    response = bithu.post(
        reverse("admin:targets_figure_change", args=[figure.pk]),
        {
            "target": figure.target_id,
            "year": figure.year_id,
            "plan": "1",
            "actual": "1",
            "note": "",
            "version": figure.version,
        },
    )
    assert response.status_code == 403
    assert Figure.objects.get(pk=figure.pk).plan == figure.plan


def test_reopening_needs_a_reason_and_is_in_the_history(bithu):
    assert close(bithu).status_code == 302
    refused = bithu.post(
        reverse("targets:reopen", args=[CAU_THIA, 2023]), {"reason": "  "}, follow=True
    )
    assert "lý do" in text_of(refused)
    assert Year.objects.get(committee__slug=CAU_THIA, year=2023).is_closed
    bithu.post(
        reverse("targets:reopen", args=[CAU_THIA, 2023]), {"reason": "Sửa số liệu BHYT theo BHXH"}
    )
    assert not Year.objects.get(committee__slug=CAU_THIA, year=2023).is_closed
    events = list(
        YearEvent.objects.filter(year__committee__slug=CAU_THIA, year__year=2023).order_by(
            "at", "pk"
        )
    )
    assert [(e.action, e.by.username) for e in events] == [("close", "bithu"), ("reopen", "bithu")]
    assert events[1].reason == "Sửa số liệu BHYT theo BHXH"
    page = text_of(bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2023])))
    assert "Sửa số liệu BHYT theo BHXH" in page


def test_a_closed_year_refuses_tasks_and_ratings_as_well(bithu):
    assert close(bithu).status_code == 302
    task = Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2023).first()
    bithu.post(
        task_url(task),
        {"target": task.target_id, "description": "x", "responsible": "y", "status": "done"},
    )
    bithu.post(
        reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2023, "number": 1}),
        {"members": "1"},
    )
    assert Task.objects.get(pk=task.pk).description == task.description
    assert (
        CellYear.objects.get(
            year__committee__slug=CAU_THIA, year__year=2023, cell__number=1
        ).members
        == 22
    )


def test_a_cell_secretary_downloads_their_own_task_sheet_only(secretary):
    own = signed_in(secretary(2))
    response = own.get(
        reverse("cells:task_sheet", kwargs={"committee": CAU_THIA, "year": 2023, "number": 2})
    )
    ws = workbook_of(response).active
    texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert any(text.startswith("Chi bộ tổ dân phố số 2") for text in texts)
    assert len([row for row in ws.iter_rows(values_only=True) if isinstance(row[0], int)]) == 3
    assert own.get(reverse("cells:task_sheet", args=[CAU_THIA, 2023, 3])).status_code == 404
    assert own.get(reverse("targets:report_workbook", args=[CAU_THIA, 2023])).status_code == 403
