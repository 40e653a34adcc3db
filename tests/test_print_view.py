"""The report's print view printed from Chromium to PDF, as a person prints it from the browser,
and read back page by page: laid out as the Word file is.

The text is on portrait A4 pages and each annex on landscape A4 pages; the table of a year's 40
targets fits on three pages at most, with its heading row on each; the verdicts are whole; the
signature, with its signer, is on the page of the text's last paragraph. The PDF of each test is
left in ``screenshots/`` beside the browser journeys' screenshots, for a person to look at.

Without Chromium, or without poppler's pdftotext and pdfinfo, the tests are skipped with the
reason; on CI (CI=true) that is a failure.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from .test_browser import (  # noqa: F401  (fixtures are found by their names in this module)
    browser,
    demo_ward,
    open_page,
    orm_beside_playwright,
    plain_http_live_server,
    served_on_this_connection,
    sign_in,
)

pytestmark = pytest.mark.browser

NO_POPPLER = "poppler's pdftotext and pdfinfo are not installed (apt-get install poppler-utils)"
# A4 in PostScript points, as pdfinfo gives a page's size ("841.92 x 594.96 pts").
A4_SHORT, A4_LONG = 595, 842
PAGE_SIZE = re.compile(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", re.MULTILINE)
MOST_PAGES_OF_THE_TARGETS = 3
VERDICTS = ("Vượt KH", "Đạt KH", "Chưa đạt")
CLOSING = "Trên đây là báo cáo"


@dataclass
class Page:
    text: str
    width: float
    height: float

    @property
    def portrait(self):
        return (round(self.width), round(self.height)) == (A4_SHORT, A4_LONG)

    @property
    def landscape(self):
        return (round(self.width), round(self.height)) == (A4_LONG, A4_SHORT)


@dataclass
class Printed:
    """What the browser printed, and what the page said it would print."""

    pages: list
    signer: str
    verdicts: dict  # how many cells of the annexes hold each verdict


@pytest.fixture
def office(open_page):  # noqa: F811  (the fixture imported above)
    """A page signed in as the ward's secretary, who prints the report."""
    page = open_page()
    sign_in(page, "bithu")
    return page


@pytest.fixture
def poppler():
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{NO_POPPLER}; CI must run the print tests.", pytrace=False)
        pytest.skip(NO_POPPLER)


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def print_to_pdf(page, url, name):
    """Open ``url`` and print it as the browser's print dialog does, on the page sizes the page
    asks for; the PDF's pages as poppler reads them back, each with its text and size."""
    page.goto(url)
    expect(page.locator(".nation .ruled")).to_have_css("border-bottom-style", "solid")
    expect(page.locator(".nation .ruled")).to_have_css("text-decoration-line", "none")
    signer = page.locator(".signature .signer").inner_text()
    cells = page.eval_on_selector_all(
        "article.annex td", "cells => cells.map(cell => cell.textContent.trim())"
    )
    folder = Path(settings.BASE_DIR) / "screenshots"
    folder.mkdir(exist_ok=True)
    pdf = folder / f"{name}.pdf"
    page.pdf(path=pdf, prefer_css_page_size=True, print_background=True)

    texts = run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]  # a \f ends each page
    sizes = PAGE_SIZE.findall(run("pdfinfo", "-f", "1", "-l", str(len(texts)), str(pdf)))
    assert len(sizes) == len(texts)
    pages = [Page(text, float(w), float(h)) for text, (w, h) in zip(texts, sizes, strict=True)]
    verdicts = {verdict: cells.count(verdict) for verdict in VERDICTS}
    return Printed(pages, signer, verdicts)


def numbers_of(pages, text):
    """The numbers (from 1) of the pages that show ``text``."""
    return [number for number, page in enumerate(pages, 1) if text in page.text]


def split_at_annexes(pages):
    """The text's pages, and each annex's pages by its heading ("PHỤ LỤC I", …)."""
    starts = [
        n for n, page in enumerate(pages) if re.search(r"^\s*PHỤ LỤC [IVX]+\s*$", page.text, re.M)
    ]
    assert starts, "the report has its annexes"
    annexes = {}
    for first, last in zip(starts, [*starts[1:], len(pages)], strict=True):
        heading = re.search(r"PHỤ LỤC [IVX]+", pages[first].text).group()
        annexes[heading] = pages[first:last]
    return pages[: starts[0]], annexes


def assert_printed_as_the_word_file(printed):
    text, annexes = split_at_annexes(printed.pages)
    targets = annexes["PHỤ LỤC I"]
    print(
        f"{len(printed.pages)} pages: the text on {len(text)}, "
        + ", ".join(f"{heading} on {len(pages)}" for heading, pages in annexes.items())
    )
    assert all(page.portrait for page in text)
    assert all(page.landscape for pages in annexes.values() for page in pages)

    signed = numbers_of(text, "T/M ")
    assert len(signed) == 1
    assert numbers_of(text, printed.signer) == signed, "the signer's name under the signature"
    assert signed[0] in numbers_of(text, CLOSING), "the last paragraph on the signature's page"

    assert len(targets) <= MOST_PAGES_OF_THE_TARGETS
    assert all(re.search(r"^STT\s+Chỉ tiêu", page.text, re.M) for page in targets)
    # A verdict broken over two lines would not be read back whole.
    annex_text = "".join(page.text for pages in annexes.values() for page in pages)
    for verdict, cells in printed.verdicts.items():
        assert annex_text.count(verdict) >= cells > 0, verdict
    return annexes


def test_the_final_report_of_2023_prints_as_the_word_file(office, poppler):
    printed = print_to_pdf(office, "/cau-thia/2023/report/?stage=final", "report-2023-final")
    annexes = assert_printed_as_the_word_file(printed)
    # The cells' ratings: the abbreviations of its heading row whole on each page.
    assert all(re.search(r"\bHTXSNV\b", page.text) for page in annexes["PHỤ LỤC II"])


def test_the_estimate_report_of_2024_prints_as_the_word_file(office, poppler):
    printed = print_to_pdf(office, "/cau-thia/2024/report/?stage=estimate", "report-2024-estimate")
    assert_printed_as_the_word_file(printed)
