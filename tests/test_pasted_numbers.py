"""Three cells of an Excel column copied into one field arrive as "12 345 678" (or with tabs, or
line breaks): never read as one number, whichever page they are pasted into. Each page refuses
them with the same words, stores nothing, and gives back every value the user typed."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from cells.models import CellYear, RatingStep, Share
from targets.models import Figure, FigureChange

from .helpers import CAU_THIA, form_data, input_value, plain_text, signed_in, text_of, textarea
from .test_access import snapshot

PASTES = ["12 345 678", "12\t345\t678", "12\n345\n678"]
# What every page says, as the number reader words it (locale/vi).
WHY = "có lẽ nhiều giá trị đã được dán vào cùng một ô. Mỗi ô chỉ nhập một giá trị."
HOW = "Nếu đây là một số thì viết là 12.345.678"

pasted = pytest.mark.parametrize("paste", PASTES, ids=["spaces", "tabs", "line-breaks"])


def said(response):
    """Whether the page says why the value was refused and how to write it."""
    text = text_of(response)
    return WHY in text and HOW in text


def figures():
    return list(Figure.objects.order_by("pk").values()), FigureChange.objects.count()


@pasted
def test_the_figures_page_refuses_a_pasted_column_and_keeps_what_was_typed(bithu, paste):
    url = reverse("targets:edit", args=[CAU_THIA, 2023, "trong-cay-phan-tan"])
    before = figures()
    typed = {"plan": "3.100", "actual": paste, "note": "Số của tổ dân phố", "comment": "Đã gọi"}

    response = bithu.post(url, form_data(bithu.get(url)) | typed)

    assert response.status_code == 400
    assert said(response)
    assert figures() == before
    html = response.content.decode()
    assert input_value(html, "actual") == escape(paste)
    assert input_value(html, "plan") == "3.100"
    assert (textarea(html, "note"), textarea(html, "comment")) == ("Số của tổ dân phố", "Đã gọi")


@pasted
def test_the_grid_refuses_a_pasted_column_on_its_row_and_keeps_what_was_typed(bithu, paste):
    url = reverse("targets:grid", args=[CAU_THIA, 2024]) + "?stage=half"
    trees = Figure.objects.get(
        target__slug="trong-cay-phan-tan", year__committee__slug=CAU_THIA, year__year=2024
    )
    before = figures()
    data = form_data(bithu.get(url), {"class": "grid-form"}) | {
        f"f{trees.pk}-plan": "3.100",
        f"f{trees.pk}-actual_half": paste,
        f"f{trees.pk}-note": "Số của tổ dân phố",
    }

    response = bithu.post(url, data)

    assert response.status_code == 400
    assert said(response)
    assert figures() == before
    html = response.content.decode()
    assert input_value(html, f"f{trees.pk}-actual_half") == escape(paste)
    assert input_value(html, f"f{trees.pk}-plan") == "3.100"
    assert textarea(html, f"f{trees.pk}-note") == "Số của tổ dân phố"


def shares():
    return list(Share.objects.order_by("pk").values())


@pasted
def test_a_cells_shares_refuse_a_pasted_column_and_keep_what_was_typed(secretary, paste):
    client = signed_in(secretary(3))
    url = (
        reverse("cells:shares", kwargs={"committee": CAU_THIA, "year": 2024, "number": 3})
        + "?stage=estimate"
    )
    data = form_data(client.get(url), {"class": "share-form"})
    first, second = [name for name in data if f"initial-{name}" in data][:2]
    before = shares()

    response = client.post(url, data | {first: paste, second: "7"})

    assert response.status_code == 400
    assert said(response)
    assert shares() == before
    html = response.content.decode()
    assert (input_value(html, first), input_value(html, second)) == (escape(paste), "7")


@pasted
def test_splitting_a_plan_refuses_a_pasted_column_and_keeps_what_was_typed(bithu, paste):
    url = reverse(
        "cells:share_split",
        kwargs={"committee": CAU_THIA, "year": 2024, "slug": "trong-cay-phan-tan"},
    )
    data = form_data(bithu.get(url), {"class": "share-form"})
    first, second = [name for name in data if f"initial-{name}" in data][:2]
    before = shares()

    response = bithu.post(url, data | {first: paste, second: "340"})

    assert response.status_code == 400
    assert said(response)
    assert shares() == before
    html = response.content.decode()
    assert (input_value(html, first), input_value(html, second)) == (escape(paste), "340")


@pasted
@pytest.mark.parametrize("step", ["rating_self", "rating_proposal"])
def test_a_ratings_counts_refuse_a_pasted_column_and_keep_what_was_typed(bithu, paste, step):
    url = reverse(f"cells:{step}", kwargs={"committee": CAU_THIA, "year": 2024, "number": 3})
    typed = {
        "rating": "good",
        "members_excellent": "2",
        "members_good": paste,
        "members_completed": "3",
        "members_not_completed": "0",
    }

    response = bithu.post(url, form_data(bithu.get(url)) | typed)

    assert response.status_code == 400
    assert said(response)
    assert not RatingStep.objects.filter(year__committee__slug=CAU_THIA, year__year=2024).exists()
    html = response.content.decode()
    assert input_value(html, "members_good") == escape(paste)
    assert (input_value(html, "members_excellent"), input_value(html, "members_completed")) == (
        "2",
        "3",
    )
    assert re.search(r'<option value="good" selected>', html)


@pasted
def test_the_decided_rating_refuses_a_pasted_column_and_keeps_what_was_typed(bithu, paste):
    url = reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2024, "number": 2})
    before = list(CellYear.objects.order_by("pk").values())
    typed = {"secretary_name": "Đồng Thị Dưỡng", "members": paste, "members_good": "20"}

    response = bithu.post(url, form_data(bithu.get(url)) | typed)

    assert response.status_code == 400
    assert said(response)
    assert list(CellYear.objects.order_by("pk").values()) == before
    html = response.content.decode()
    assert (input_value(html, "members"), input_value(html, "members_good")) == (
        escape(paste),
        "20",
    )


def workbook(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pasted
def test_an_import_refuses_a_text_cell_holding_a_pasted_column(bithu, paste):
    content = workbook(
        [
            ["STT", "Tên chỉ tiêu", "Kế hoạch năm 2024", "Ước thực hiện năm 2024"],
            ["9", "Trồng cây phân tán", "3.000", paste],
            ["13", "Giảm hộ nghèo", "8", "9"],
        ]
    )
    before = snapshot()

    page = bithu.post(
        reverse("targets:import_upload", args=[CAU_THIA, 2024]),
        {"file": SimpleUploadedFile("so-lieu.xlsx", content), "stage": "estimate"},
        follow=True,
    )

    text = plain_text(page.content.decode())
    assert f"D2: “12 345 678” có khoảng trắng hoặc dấu xuống dòng giữa các chữ số: {WHY}" in text
    assert HOW in text
    assert 'class="write-form"' not in page.content.decode()  # nothing can be written
    after = snapshot()
    del after["targets.Import"], before["targets.Import"]
    assert after == before
