import re

import pytest
from django.urls import reverse

from targets.models import Year

from .helpers import CAU_THIA, row_for, rows_of, text_of


@pytest.fixture
def page(bob_client, demo):
    return bob_client.get(reverse("targets:dashboard", args=[CAU_THIA, 2023]))


@pytest.mark.parametrize(
    ("name", "plan", "actual", "percent", "assessment"),
    [
        ("Thành lập mới tổ hợp tác", "2", "3", "150,00%", "Vượt KH"),
        ("Giảm hộ nghèo", "10", "13", "130,00%", "Vượt KH"),
        ("Giảm hộ cận nghèo", "12", "25", "208,33%", "Vượt KH"),
        ("Tỷ lệ dân số tham gia bảo hiểm y tế", "96", "95,77", "99,76%", "Chưa đạt"),
        ("Chi bộ hoàn thành tốt nhiệm vụ trở lên", "10", "10", "100,00%", "Đạt KH"),
    ],
)
def test_the_2023_dashboard_shows_the_articles_figures(
    page, name, plan, actual, percent, assessment
):
    cells = row_for(page, name).split(" | ")
    assert cells[3:6] == [plan, actual, percent]
    assert cells[6].endswith(assessment)


def test_the_summary_counts_agree_with_the_rows(page):
    rows = rows_of(page)
    counted = {
        label: sum(row.endswith(label) for row in rows)
        for label in ("Vượt KH", "Đạt KH", "Chưa đạt", "Chưa có số liệu", "Chưa giao kế hoạch")
    }
    summary = re.search(r'id="summary">([^<]*)<', page.content.decode()).group(1)
    words = {
        "Vượt KH": "chỉ tiêu vượt kế hoạch",
        "Đạt KH": "chỉ tiêu đạt kế hoạch",
        "Chưa đạt": "chỉ tiêu chưa đạt",
        "Chưa có số liệu": "chỉ tiêu chưa có số liệu",
        "Chưa giao kế hoạch": "chỉ tiêu chưa giao kế hoạch",
    }
    # Only the assessments some target has, small counts with their leading zero.
    said = ", ".join(f"{counted[label]:02d} {words[label]}" for label in words if counted[label])
    assert summary == f"Tổng số {len(rows)} chỉ tiêu: {said}"
    # The article counted twenty above plan, BHYT among them; 95,77/96 is not.
    assert summary == (
        "Tổng số 40 chỉ tiêu: 19 chỉ tiêu vượt kế hoạch, 09 chỉ tiêu đạt kế hoạch, "
        "11 chỉ tiêu chưa đạt, 01 chỉ tiêu chưa giao kế hoạch"
    )


def test_targets_are_grouped_under_roman_numeral_areas(page):
    text = text_of(page)
    # Headings of the second level inside the table (an <h2> may not sit in a <th>).
    headings = re.findall(
        r'<span role="heading" aria-level="2">([^<]*)</span>', page.content.decode()
    )
    assert headings == [
        "I. Kinh tế",
        "II. Văn hóa – xã hội",
        "III. Quốc phòng – an ninh",
        "IV. Xây dựng Đảng và hệ thống chính trị",
    ]
    assert text.index("Thành lập mới tổ hợp tác") < text.index("Giảm hộ nghèo")


def test_numbers_are_written_the_vietnamese_way(page):
    assert "| triệu đồng | 4.200 | 3.650,5 minh họa | 86,92% |" in row_for(
        page, "Thu ngân sách nhà nước trên địa bàn"
    )


def test_illustrative_figures_are_marked_and_the_articles_are_not(page):
    assert "minh họa" in row_for(page, "Thu ngân sách nhà nước trên địa bàn")
    assert "minh họa" not in row_for(page, "Giảm hộ nghèo")
    assert "Số liệu minh họa" in text_of(page)


def test_filtering_by_area_and_assessment(bob_client, demo):
    url = reverse("targets:dashboard", args=[CAU_THIA, 2023])
    rows = rows_of(bob_client.get(url, {"area": "2", "assessment": "not_met"}))
    assert rows and all(row.endswith("Chưa đạt") for row in rows)
    assert any("bảo hiểm y tế" in row for row in rows)
    assert not any("Thu ngân sách" in row for row in rows)  # area I


def test_sorting_by_percent_within_each_area(bob_client, demo):
    response = bob_client.get(
        reverse("targets:dashboard", args=[CAU_THIA, 2023]), {"sort": "-percent"}
    )
    area_two = [row for row in rows_of(response) if "Giảm hộ" in row]
    assert area_two[0].startswith("14 | Giảm hộ cận nghèo")  # 208,33% before 130,00%


def test_the_year_switcher_links_every_year(page):
    for year in Year.objects.filter(committee__slug=CAU_THIA).exclude(year=2023):
        assert reverse("targets:dashboard", args=[CAU_THIA, year.year]) in page.content.decode()


def test_home_redirects_to_the_latest_open_year(bob_client, demo):
    Year.objects.filter(committee__slug=CAU_THIA, year=2024).update(is_closed=True)
    assert bob_client.get("/").url == reverse("targets:dashboard", args=[CAU_THIA, 2023])


def test_an_unknown_year_is_not_found(bob_client, demo):
    assert bob_client.get(reverse("targets:dashboard", args=[CAU_THIA, 1999])).status_code == 404


def test_the_interface_speaks_english_on_request(bob_client, demo):
    bob_client.cookies["django_language"] = "en"
    response = bob_client.get(reverse("targets:dashboard", args=[CAU_THIA, 2023]))
    assert (
        "In all 40 targets: 19 targets exceeded plan, 9 targets met plan, 11 targets not met, "
        "1 target without a plan" in text_of(response)
    )
    assert "99,76%" in text_of(response)  # numbers stay Vietnamese: the data is Vietnamese
