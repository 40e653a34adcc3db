"""What a cell secretary may read: the ward's figures, never the office's working comments nor
its evidence files; and where a secretary refused by a closed year is sent back to: a page of
this site, whatever the Referer says."""

import re
from collections import deque
from html import unescape
from io import BytesIO
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cells.models import CellYear
from targets.models import Evidence, Figure, Year

from .helpers import CAU_THIA, signed_in, text_of

COMMENT = "Văn phòng đối chiếu lại với BHXH thị xã trước khi báo cáo"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def evidence_name(slug):
    return f"bien-ban-doi-chieu-{slug}.pdf"


@pytest.fixture
def commented(demo):
    """A working comment on every figure of every year, as the office writes them."""
    for figure in Figure.objects.all():
        Figure.objects.filter(pk=figure.pk).update(comment=f"{COMMENT} ({figure.pk})")


@pytest.fixture
def with_evidence(commented, bithu):
    """An evidence file on every figure of the open year 2024, added by the ward secretary
    through the target page's form. Returns the targets' slugs."""
    figures = Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2024)
    slugs = list(figures.values_list("target__slug", flat=True))
    for slug in slugs:
        bithu.post(
            reverse("targets:evidence_upload", args=[CAU_THIA, 2024, slug]),
            {"file": SimpleUploadedFile(evidence_name(slug), PDF, "application/pdf")},
        )
    assert Evidence.objects.filter(figure__in=figures).count() == len(slugs)
    return slugs


def secretary_year(client):
    """The year a secretary lands on after signing in, in Cầu Thia."""
    committee, year = client.get("/").url.strip("/").split("/")[:2]
    assert committee == CAU_THIA
    return int(year)


def test_on_every_target_page_of_the_year_the_office_sees_its_comment_and_evidence(
    with_evidence, bithu
):
    for slug in with_evidence:
        office = text_of(bithu.get(reverse("targets:target", args=[CAU_THIA, 2024, slug])))
        assert COMMENT in office and evidence_name(slug) in office, slug


def test_on_every_target_page_of_their_year_a_cell_secretary_sees_neither(with_evidence, secretary):
    chibo = signed_in(secretary(3))
    year = secretary_year(chibo)
    for slug in with_evidence:
        read = chibo.get(reverse("targets:target", args=[CAU_THIA, year, slug]))
        assert read.status_code == 200
        assert COMMENT not in text_of(read), slug
        assert "bien-ban-doi-chieu" not in read.content.decode(), slug


def linked_pages(response):
    """The addresses on this site that the page's links lead to."""
    found = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', response.content.decode()):
        parts = urlsplit(unescape(href))
        if not (parts.scheme or parts.netloc) and parts.path.startswith("/"):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def shown_text(response):
    """What a page or a downloaded workbook shows."""
    if response["Content-Type"].startswith(XLSX):
        workbook = openpyxl.load_workbook(BytesIO(response.content))
        return " ".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return text_of(response) + response.content.decode()


def of_year(url, year):
    """Whether ``url`` is a page of ``year`` (/cau-thia/2024/…), or of no year (the account's
    pages)."""
    years = [part for part in url.strip("/").split("/")[:2] if re.fullmatch("[0-9]{4}", part)]
    return not years or years[0] == str(year)


@pytest.mark.parametrize("year", [2023, 2024])
def test_no_page_a_cell_secretary_can_reach_shows_a_comment_or_an_evidence_file(
    with_evidence, secretary, year
):
    """Every page of the year reachable by following links from the secretary's own cell,
    workbooks included."""
    chibo = signed_in(secretary(3))
    start = reverse("cells:cell", kwargs={"committee": CAU_THIA, "year": year, "number": 3})
    seen, waiting = set(), deque([start])
    while waiting:
        url = waiting.popleft()
        if url in seen or url.startswith(("/static/", "/admin/")) or not of_year(url, year):
            continue
        seen.add(url)
        response = chibo.get(url)
        assert response.status_code in {200, 301, 302, 403, 404}, url
        if response.status_code in {301, 302}:
            waiting.append(response.url)
        elif response.status_code == 200:
            shown = shown_text(response)
            assert COMMENT not in shown and "bien-ban-doi-chieu" not in shown, url
            if response["Content-Type"].startswith("text/html"):
                waiting.extend(linked_pages(response))
    # The walk reached the year's target pages and the cell's own pages.
    assert reverse("targets:target", args=[CAU_THIA, year, with_evidence[0]]) in seen
    assert (
        reverse("cells:digest", kwargs={"committee": CAU_THIA, "year": year, "number": 3}) in seen
    )


def test_a_cell_secretary_is_refused_the_evidence_files_themselves(with_evidence, secretary):
    evidence = Evidence.objects.filter(
        figure__year__committee__slug=CAU_THIA, figure__year__year=2024
    ).first()
    assert signed_in(secretary(3)).get(evidence.get_absolute_url()).status_code == 403


# --- Sent back from a closed year -------------------------------------------------------------


@pytest.fixture
def closed_2023(demo):
    Year.objects.filter(committee__slug=CAU_THIA, year=2023).update(is_closed=True)


def rating_self_2023():
    return reverse("cells:rating_self", kwargs={"committee": CAU_THIA, "year": 2023, "number": 3})


def is_local(location):
    """Whether a browser would stay on this site following ``location``."""
    parts = urlsplit(location.replace("\\", "/"))
    return not (parts.scheme or parts.netloc) and location.startswith("/")


@pytest.mark.parametrize(
    "referer",
    [
        "//evil.example/x",
        "http://testserver//evil.example/x",
        "http://testserver/\\evil.example/x",
        "http://testserver/\\/evil.example/x",
        "https://evil.example/2023/cells/3/",
        "javascript:alert(1)",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_referer_to_elsewhere_sends_the_secretary_to_their_cell_and_changes_nothing(
    closed_2023, secretary, referer, method
):
    client = signed_in(secretary(3))
    cell_years = CellYear.objects.filter(cell__committee__slug=CAU_THIA, cell__number=3)
    before = list(cell_years.values())
    response = getattr(client, method)(rating_self_2023(), headers={"referer": referer})
    assert response.status_code == 302
    assert is_local(response["Location"])
    assert response["Location"] == reverse(
        "cells:cell", kwargs={"committee": CAU_THIA, "year": 2023, "number": 3}
    )
    assert client.get(response["Location"]).status_code == 200
    assert list(cell_years.values()) == before


def test_a_referer_of_this_site_sends_the_secretary_back_to_that_page(closed_2023, secretary):
    back = reverse("cells:digest", kwargs={"committee": CAU_THIA, "year": 2023, "number": 3})
    response = signed_in(secretary(3)).get(
        rating_self_2023(), headers={"referer": f"http://testserver{back}"}
    )
    assert response["Location"] == back


def test_over_https_a_plain_http_referer_is_not_believed(closed_2023, secretary):
    back = reverse("cells:digest", kwargs={"committee": CAU_THIA, "year": 2023, "number": 3})
    response = signed_in(secretary(3)).get(
        rating_self_2023(), headers={"referer": f"http://testserver{back}"}, secure=True
    )
    assert response["Location"] == reverse(
        "cells:cell", kwargs={"committee": CAU_THIA, "year": 2023, "number": 3}
    )
