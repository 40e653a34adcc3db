"""The report as a Word document, read back with python-docx the way Word would open it: the
Party header, number and date, the draft mark, the sections as the office edited them in the
browser, the signature and "Nơi nhận", the annexes with the article's figures, the page."""

import io
import itertools
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cells.models import CellYear
from targets.models import ReportText, Year
from targets.stages import Stage

from .helpers import CAU_THIA, form_data, text_of

FORM = {"class": "report-text-form"}


def docx_of(client, year=2023, stage=None):
    url = reverse("targets:report_docx", args=[CAU_THIA, year])
    response = client.get(url, {"stage": stage} if stage else {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    return Document(io.BytesIO(response.content))


def lines(cell_or_document):
    return [p.text for p in cell_or_document.paragraphs]


def paragraph(document, text):
    matches = [p for p in document.paragraphs if p.text == text]
    assert len(matches) == 1, f"{text!r} in {len(matches)} paragraphs"
    return matches[0]


def run_of(paragraph):
    """The one run a line of the form is written in."""
    runs = [run for run in paragraph.runs if run.text]
    assert len(runs) == 1, [run.text for run in runs]
    return runs[0]


def style(paragraph):
    run = run_of(paragraph)
    return (bool(run.bold), bool(run.italic), bool(run.underline), run.font.size)


def save_text(client, year=2023, stage=None, **values):
    """Post the report's text form as the page renders it, with ``values`` changed."""
    url = reverse("targets:report_text", args=[CAU_THIA, year])
    query = f"?stage={stage}" if stage else ""
    data = form_data(client.get(url + query), FORM) | values
    response = client.post(url + query, data)
    assert response.status_code == 302, text_of(response)[:2000]
    return response


def test_the_header_block_reads_in_order_with_its_case_weight_and_size(bithu):
    document = docx_of(bithu)
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert lines(left) == [
        "ĐẢNG BỘ THỊ XÃ NGHĨA LỘ",
        "ĐẢNG ỦY PHƯỜNG CẦU THIA",
        "*",
        "Số 125-BC/ĐU",
    ]
    assert [style(p) for p in left.paragraphs] == [
        (False, False, False, Pt(14)),  # the superior đảng bộ: upright, not bold
        (True, False, False, Pt(14)),  # the issuing committee: bold
        (False, False, False, Pt(14)),
        (False, False, False, Pt(14)),
    ]
    nation, *_blank, place_and_date = right.paragraphs
    assert nation.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert style(nation) == (True, False, False, Pt(15))  # its rule is a border, no underline
    assert place_and_date.text == "Cầu Thia, ngày 05 tháng 01 năm 2024"
    assert style(place_and_date) == (False, True, False, Pt(14))


def test_the_type_and_its_lower_case_subject_follow_the_header(bithu):
    document = docx_of(bithu)
    texts = lines(document)
    report = texts.index("BÁO CÁO")
    usual = "kết quả thực hiện các chỉ tiêu chủ yếu năm 2023, phương hướng, nhiệm vụ năm 2024"
    assert texts[report + 1 : report + 3] == [usual, "-----"]
    assert style(paragraph(document, "BÁO CÁO")) == (True, False, False, Pt(16))
    assert style(paragraph(document, usual)) == (True, False, False, Pt(14))
    # The closing sentence names what the report covers, and the committee.
    assert f"Trên đây là báo cáo {usual} của Đảng ủy phường Cầu Thia./." in texts


def test_the_subject_is_the_offices_to_edit(bithu):
    subject = "kết quả lãnh đạo thực hiện nhiệm vụ chính trị năm 2024, phương hướng năm 2025"
    save_text(bithu, 2024, "estimate", subject=subject)
    texts = lines(docx_of(bithu, 2024, "estimate"))
    assert texts[texts.index("BÁO CÁO") + 1] == subject
    assert f"Trên đây là báo cáo {subject} của Đảng ủy phường Cầu Thia./." in texts
    save_text(bithu, 2024, "estimate", subject="")
    texts = lines(docx_of(bithu, 2024, "estimate"))
    assert texts[texts.index("BÁO CÁO") + 1] == (
        "ước kết quả thực hiện các chỉ tiêu chủ yếu năm 2024, phương hướng, nhiệm vụ năm 2025"
    )


@pytest.mark.parametrize(
    ("stage", "typed", "printed"),
    [
        ("half", "20/06/2024", "Cầu Thia, ngày 20 tháng 6 năm 2024"),
        ("half", "05/02/2024", "Cầu Thia, ngày 05 tháng 02 năm 2024"),
        ("estimate", "09/12/2024", "Cầu Thia, ngày 09 tháng 12 năm 2024"),
    ],
)
def test_the_date_pads_days_below_ten_and_months_one_and_two_only(bithu, stage, typed, printed):
    save_text(bithu, 2024, stage, is_final="on", **{"doc-date": typed, "doc-number": "57"})
    right = docx_of(bithu, 2024, stage).tables[0].rows[0].cells[1]
    assert lines(right)[-1] == printed
    left = docx_of(bithu, 2024, stage).tables[0].rows[0].cells[0]
    assert lines(left)[-1] == "Số 57-BC/ĐU"


@pytest.mark.parametrize(
    ("stage", "dated_in"), [("half", 2024), ("estimate", 2024), ("final", 2025)]
)
def test_a_report_not_yet_issued_keeps_blanks_for_its_number_and_date(bithu, stage, dated_in):
    """The six-month and estimate reports are made within the year, the final one after it."""
    left, right = docx_of(bithu, 2024, stage).tables[0].rows[0].cells
    assert lines(left)[-1] == "Số       -BC/ĐU"
    assert lines(right)[-1] == f"Cầu Thia, ngày      tháng      năm {dated_in}"


def test_a_draft_prints_no_number_and_no_date_until_it_is_final(bithu):
    save_text(bithu, 2024, "estimate", **{"doc-date": "09/12/2024", "doc-number": "57"})
    document = docx_of(bithu, 2024, "estimate")
    left, right = document.tables[0].rows[0].cells
    assert "DỰ THẢO" in lines(document)
    assert lines(left)[-1] == "Số       -BC/ĐU"
    assert lines(right)[-1] == "Cầu Thia, ngày      tháng      năm 2024"
    assert "(Kèm theo Báo cáo số       -BC/ĐU, ngày     /    /2024 của" in "\n".join(
        lines(document)
    )
    save_text(bithu, 2024, "estimate", is_final="on")
    document = docx_of(bithu, 2024, "estimate")
    left, right = document.tables[0].rows[0].cells
    assert (lines(left)[-1], lines(right)[-1]) == (
        "Số 57-BC/ĐU",
        "Cầu Thia, ngày 09 tháng 12 năm 2024",
    )


@pytest.mark.parametrize(
    ("stage", "typed", "year"),
    [("half", "05/01/2025", 2024), ("estimate", "28/01/2025", 2024), ("final", "05/01/2026", 2024)],
)
def test_a_report_is_dated_in_the_years_it_may_be_made_in(bithu, stage, typed, year):
    url = reverse("targets:report_text", args=[CAU_THIA, 2024]) + f"?stage={stage}"
    data = form_data(bithu.get(url), FORM) | {"doc-date": typed}
    response = bithu.post(url, data)
    assert response.status_code == 400
    assert "đồng chí nhập ngày của năm 2024" in text_of(response).lower()


def test_the_sections_print_the_text_the_office_edited(bithu):
    save_text(
        bithu,
        results="Năm 2023, Đảng bộ phường đề ra 40 chỉ tiêu.\nCó 19 chỉ tiêu vượt kế hoạch.",
        shortcomings="Bảo hiểm y tế đạt 95,77/96%, chưa đạt kế hoạch.",
        directions="Năm 2024, tập trung khắc phục các chỉ tiêu chưa đạt.",
    )
    texts = lines(docx_of(bithu))
    start = texts.index("I- KẾT QUẢ THỰC HIỆN")
    assert texts[start : start + 8] == [
        "I- KẾT QUẢ THỰC HIỆN",
        "Năm 2023, Đảng bộ phường đề ra 40 chỉ tiêu.",
        "Có 19 chỉ tiêu vượt kế hoạch.",
        "II- HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN",
        "Bảo hiểm y tế đạt 95,77/96%, chưa đạt kế hoạch.",
        "III- PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024",
        "Năm 2024, tập trung khắc phục các chỉ tiêu chưa đạt.",
        "Trên đây là báo cáo kết quả thực hiện các chỉ tiêu chủ yếu năm 2023, phương hướng, "
        "nhiệm vụ năm 2024 của Đảng ủy phường Cầu Thia./.",
    ]
    heading = paragraph(docx_of(bithu), "II- HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN")
    assert run_of(heading).bold


def test_until_edited_the_sections_are_drafted_from_the_figures(bithu):
    texts = "\n".join(lines(docx_of(bithu)))
    assert "thành lập mới 03 tổ hợp tác, bằng 150% kế hoạch" in texts
    assert "giảm 25 hộ cận nghèo, bằng 208,33% kế hoạch" in texts
    # Section II from the reasons given for what fell short.
    assert "- Tỷ lệ dân số tham gia bảo hiểm y tế 95,77%, bằng 99,76% kế hoạch." in texts
    assert "a) Nguyên nhân chủ quan:" in texts  # the demo gives no objective cause


def test_the_signature_and_recipients_are_those_of_the_year(bithu):
    document = docx_of(bithu)
    recipients, signature = document.tables[1].rows[0].cells
    assert lines(signature)[:2] == ["T/M ĐẢNG ỦY", "BÍ THƯ"]
    assert lines(signature)[-1] == "Bùi Xuân Vượng"
    assert run_of(signature.paragraphs[0]).bold and run_of(signature.paragraphs[-1]).bold
    assert lines(recipients) == [
        "Nơi nhận:",
        "- Thường trực Thị ủy (b/c),",
        "- Ban Tổ chức Thị ủy (b/c),",
        "- Các đồng chí Đảng ủy viên,",
        "- Các chi bộ trực thuộc,",
        "- Lưu Văn phòng Đảng ủy.",
    ]
    label = recipients.paragraphs[0].runs[0]
    assert (label.text, label.underline, label.bold, label.italic) == ("Nơi nhận", True, None, None)
    assert recipients.paragraphs[1].runs[0].font.size == Pt(12)


def test_a_deputy_signs_for_the_standing_committee_as_the_year_says(bithu):
    save_text(
        bithu,
        2024,
        **{
            "doc-signing_body": "standing",
            "doc-signer_title": "deputy",
            "doc-secretary_name": "Lò Thị Hoa",
        },
    )
    signature = docx_of(bithu, 2024).tables[1].rows[0].cells[1]
    assert lines(signature)[:2] == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"]
    assert lines(signature)[-1] == "Lò Thị Hoa"


def test_a_draft_carries_dự_thảo_and_a_final_document_does_not(bithu):
    draft = docx_of(bithu, 2024, "estimate")
    mark = paragraph(draft, "DỰ THẢO")
    assert "<w:pBdr>" in mark._p.pPr.xml  # boxed
    assert lines(draft).index("DỰ THẢO") < lines(draft).index("BÁO CÁO")
    save_text(bithu, 2024, "estimate", is_final="on")
    assert "DỰ THẢO" not in lines(docx_of(bithu, 2024, "estimate"))
    assert ReportText.objects.get(
        year__committee__slug=CAU_THIA, year__year=2024, stage=Stage.ESTIMATE
    ).is_final
    # The article's report was issued (Số 125-BC/ĐU): the demo has its text, final.
    assert "DỰ THẢO" not in lines(docx_of(bithu))


def test_the_annexes_follow_on_landscape_pages_with_the_attached_line(bithu):
    document = docx_of(bithu)
    texts = lines(document)
    first = texts.index("PHỤ LỤC I")
    assert texts[first : first + 4] == [
        "PHỤ LỤC I",
        "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU NĂM 2023",
        "(Kèm theo Báo cáo số 125-BC/ĐU, ngày 05/01/2024 của Đảng ủy phường Cầu Thia)",
        "(Số liệu thực hiện cả năm)",
    ]
    second = texts.index("PHỤ LỤC II")
    assert texts[second + 1] == "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CHI BỘ VÀ ĐẢNG VIÊN NĂM 2023"
    body, *annexes = document.sections
    assert body.orientation == WD_ORIENT.PORTRAIT
    assert [annex.orientation for annex in annexes] == [WD_ORIENT.LANDSCAPE] * 2


def rows_of_table(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def targets_table(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == "STT")


@pytest.mark.parametrize(
    "row",
    [
        ["5", "Thành lập mới tổ hợp tác", "tổ", "2", "3", "150,00%", "Vượt KH"],
        ["13", "Giảm hộ nghèo", "hộ", "10", "13", "130,00%", "Vượt KH"],
        ["14", "Giảm hộ cận nghèo", "hộ", "12", "25", "208,33%", "Vượt KH"],
        ["18", "Tỷ lệ dân số tham gia bảo hiểm y tế", "%", "96", "95,77", "99,76%", "Chưa đạt"],
        ["33", "Chi bộ hoàn thành tốt nhiệm vụ trở lên", "chi bộ", "10", "10", "100,00%", "Đạt KH"],
        [
            "34",
            "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ",
            "%",
            "–",
            "86",
            "–",
            "Chưa giao kế hoạch",
        ],
    ],
)
def test_the_targets_annex_has_the_articles_figures(bithu, row):
    table = rows_of_table(targets_table(docx_of(bithu)))
    assert table[0][:7] == [
        "STT",
        "Chỉ tiêu",
        "ĐVT",
        "Kế hoạch năm 2023",
        "Thực hiện năm 2023",
        "Tỷ lệ % so KH",
        "Đánh giá",
    ]
    # Section II gives the reasons; 2022 has no figures to compare with, so no such columns.
    assert "Nguyên nhân" not in table[0] and not any("2022" in h for h in table[0])
    assert table[0][-1] == "Kế hoạch năm 2024"
    assert row in [line[:7] for line in table]


def test_the_targets_annex_groups_by_area_and_ends_with_the_summary(bithu):
    table = rows_of_table(targets_table(docx_of(bithu)))
    bands = [line[1] for line in table if line[0] in {"I.", "II.", "III.", "IV."}]
    assert bands == [
        "Kinh tế",
        "Văn hóa – xã hội",
        "Quốc phòng – an ninh",
        "Xây dựng Đảng và hệ thống chính trị",
    ]
    assert table[-1][0] == (
        "Tổng số 40 chỉ tiêu: 19 chỉ tiêu vượt kế hoạch, 09 chỉ tiêu đạt kế hoạch, "
        "11 chỉ tiêu chưa đạt, 01 chỉ tiêu chưa giao kế hoạch."
    )


def test_the_ratings_annex_marks_what_is_illustrative_and_prints_no_cap(bithu):
    document = docx_of(bithu)
    ratings = next(t for t in document.tables if t.rows[0].cells[1].text == "Chi bộ")
    table = rows_of_table(ratings)
    cell_two = next(line for line in table if line[1] == "Chi bộ tổ dân phố số 2")
    assert cell_two[2:5] == ["Đồng Thị Dưỡng", "25", "Hoàn thành xuất sắc nhiệm vụ"]
    assert cell_two[-1] == "Minh họa: xếp loại"
    cell_nine = next(line for line in table if line[1] == "Chi bộ Công an phường")
    assert cell_nine[-1] == "Minh họa: tên chi bộ, bí thư, số đảng viên, xếp loại"
    assert table[-1][0].startswith("10/10 chi bộ hoàn thành tốt nhiệm vụ trở lên; 86% đảng viên")
    everything = "\n".join(lines(document) + [c for line in table for c in line])
    # The cap on "xuất sắc" is never printed; a ceiling target's limit ("không quá 03 vụ") is.
    assert "xuất sắc nhiệm vụ” không quá" not in everything and "124-QĐ" not in everything


def test_nothing_printed_cites_the_press_or_the_software(bithu):
    document = docx_of(bithu)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    everything = "\n".join(lines(document) + cells).lower()
    assert "báo yên bái" not in everything
    assert "ứng dụng hiển thị" not in everything and "phần mềm" not in everything


def test_numbers_are_vietnamese_whatever_the_readers_language(bithu):
    bithu.cookies["django_language"] = "en"
    document = docx_of(bithu)
    table = rows_of_table(targets_table(document))
    assert (table[2][:6]) == [
        "1",
        "Tổng sản lượng lương thực có hạt",
        "tấn",
        "1.250",
        "1.262,5",
        "101,00%",
    ]
    assert "BÁO CÁO" in lines(document) and "REPORT" not in lines(document)


def test_the_page_is_a4_with_the_guidances_margins_and_numbers_from_page_two(bithu):
    body = docx_of(bithu).sections[0]
    # In millimetres, as Word stores them (in twentieths of a point).
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    assert (round(body.top_margin.mm), round(body.bottom_margin.mm)) == (20, 20)
    assert (round(body.left_margin.mm), round(body.right_margin.mm)) == (30, 15)
    assert body.different_first_page_header_footer  # no number on the first page
    number = body.header.paragraphs[0]
    assert number.alignment == 1  # centred
    assert "PAGE" in number._p.xml and 'w:fldCharType="begin"' in number._p.xml
    assert body.first_page_header.paragraphs[0].text == ""


def test_the_six_month_report_says_so(bithu):
    document = docx_of(bithu, 2024, "half")
    texts = lines(document)
    assert (
        "kết quả thực hiện các chỉ tiêu chủ yếu 6 tháng đầu năm 2024, phương hướng, nhiệm vụ 6 "
        "tháng cuối năm"
    ) in texts
    # Ratings are decided at the year's end: no ratings annex, and no verdict in the table.
    assert "PHỤ LỤC II" not in texts
    table = rows_of_table(targets_table(document))
    assert table[0][4] == "6 tháng năm 2024"
    verdicts = {"Vượt KH", "Đạt KH", "Chưa đạt"}
    assert not verdicts & {cell for line in table for cell in line}
    assert "III- PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2024" in texts
    assert "(Số liệu thực hiện 6 tháng, so với kế hoạch cả năm)" in texts


# Paragraphs as the office might type them: Vietnamese letters, digits, punctuation, runs of
# spaces inside; one a line, with empty lines between some.
WORDS = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọ")
        + list("ồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵAĂÂĐÊÔƠƯ0123456789.,;:%/()–-“” ")
    ),
    min_size=1,
    max_size=80,
).filter(lambda text: text.strip())
SECTION = st.lists(WORDS, min_size=1, max_size=4).map("\n".join)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(results=SECTION, shortcomings=SECTION, directions=SECTION)
def test_what_the_office_saves_is_what_the_document_prints(
    bithu, results, shortcomings, directions
):
    """Save and print undo each other: each line typed is one paragraph of its section, in
    order, as typed (leading and trailing blanks aside)."""
    save_text(bithu, results=results, shortcomings=shortcomings, directions=directions)
    texts = lines(docx_of(bithu))
    headings = [
        "I- KẾT QUẢ THỰC HIỆN",
        "II- HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN",
        "III- PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024",
    ]
    closing = next(n for n, text in enumerate(texts) if text.startswith("Trên đây là báo cáo"))
    starts = [texts.index(heading) for heading in headings] + [closing]
    for (start, end), typed in zip(
        itertools.pairwise(starts), (results, shortcomings, directions), strict=True
    ):
        assert texts[start + 1 : end] == [
            line.strip() for line in typed.splitlines() if line.strip()
        ]


def test_a_closed_year_keeps_its_report_text(bithu, django_user_model):
    save_text(bithu, results="Văn bản đã ban hành.")
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    year.close(by=django_user_model.objects.get(username="bithu"))
    response = bithu.get(reverse("targets:report_text", args=[CAU_THIA, 2023]))
    assert "báo cáo được giữ nguyên" in text_of(response)
    assert "report-text-form" not in response.content.decode()
    refused = bithu.post(
        reverse("targets:report_text", args=[CAU_THIA, 2023]), {"results": "Sửa"}, follow=True
    )
    assert "đã chốt số liệu" in text_of(refused)
    assert ReportText.objects.get(year=year, stage=Stage.FINAL).results == "Văn bản đã ban hành."


def test_two_editors_of_the_same_text_do_not_overwrite_each_other(bithu, alice_client):
    url = reverse("targets:report_text", args=[CAU_THIA, 2023])
    first = form_data(bithu.get(url), FORM)
    second = form_data(alice_client.get(url), FORM)
    assert bithu.post(url, first | {"results": "Bản của Văn phòng."}).status_code == 302
    response = alice_client.post(url, second | {"results": "Bản của đồng chí Alice."})
    assert response.status_code == 409
    assert "Bản của đồng chí Alice." in response.content.decode()  # kept for a second try
    assert (
        ReportText.objects.get(year__committee__slug=CAU_THIA, year__year=2023).results
        == "Bản của Văn phòng."
    )
    again = form_data(response, FORM)
    assert alice_client.post(url, again).status_code == 302
    text = ReportText.objects.get(year__committee__slug=CAU_THIA, year__year=2023)
    # The demo's issued text is update 1; the office's 2, Alice's over it 3.
    assert (text.results, text.version) == ("Bản của đồng chí Alice.", 3)
    assert next(fields for _change, fields in text.history_lines()) == ["I. Kết quả thực hiện"]


def test_bad_input_on_the_text_page_is_explained_in_vietnamese_and_loses_nothing(bithu):
    url = reverse("targets:report_text", args=[CAU_THIA, 2023])
    data = form_data(bithu.get(url), FORM) | {"results": "Đoạn đã soạn.", "doc-date": "31/02/2024"}
    response = bithu.post(url, data)
    assert response.status_code == 400
    assert "Đoạn đã soạn." in response.content.decode()
    assert "ngày" in text_of(response).lower()
    saved = ReportText.objects.get(year__committee__slug=CAU_THIA, year__year=2023)
    assert (saved.version, saved.results) != (2, "Đoạn đã soạn.") and saved.version == 1
    assert Year.objects.get(committee__slug=CAU_THIA, year=2023).report_date == date(2024, 1, 5)


def test_the_export_command_writes_the_word_document(demo, tmp_path, capsys):
    path = tmp_path / "bao-cao-2023.docx"
    call_command("export_report", "2023", f"--committee={CAU_THIA}", "-o", str(path))
    assert capsys.readouterr().out.strip() == str(path)
    assert "BÁO CÁO" in lines(Document(path))


def test_the_same_period_at_the_estimate_is_last_years_final_figure_named_with_its_year(bithu):
    """2023 recorded no estimates: the 2024 estimate compares with 2023's final figures."""
    table = rows_of_table(targets_table(docx_of(bithu, 2024, "estimate")))
    heading = table[0]
    assert "Thực hiện năm 2023" in heading
    column = heading.index("Thực hiện năm 2023")
    last_year = {line[1]: line[4] for line in rows_of_table(targets_table(docx_of(bithu)))}
    compared = [line for line in table if line[1] in last_year and line[0].isdigit()]
    assert len(compared) == 40
    assert all(line[column] == last_year[line[1]] for line in compared)
    assert any(line[column] not in ("–", "") for line in compared)


def test_a_year_with_no_rating_decided_prints_no_ratings_annex(bithu):
    CellYear.objects.filter(year__committee__slug=CAU_THIA, year__year=2024).update(
        rating="",
        members_excellent=0,
        members_good=0,
        members_completed=0,
        members_not_completed=0,
    )
    texts = lines(docx_of(bithu, 2024, "final"))
    assert "PHỤ LỤC I" in texts and "PHỤ LỤC II" not in texts
