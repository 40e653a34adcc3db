"""The Word document as it prints: the files the office downloads, turned into PDF by
LibreOffice (which sets Times New Roman in Liberation Serif, of the same widths) and read back
page by page with pdftotext. The signature stays whole, on the page of the text's last lines;
Phụ lục I of the 40 targets takes at most three landscape pages, its short words never broken.
The file itself says what it is (title, author, Vietnamese) and nothing about how it was made.

Besides the demo's documents, texts of growing length whose ends fall a few lines apart, over a
page's worth of lines, put the signature at the foot of a page in at least one of them."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from targets import word
from targets.document import build as build_document
from targets.models import Year
from targets.report import YearReport
from targets.stages import Stage

from .helpers import CAU_THIA, signed_in

TOOLS = ("soffice", "pdftotext")
DOCUMENTS = {
    "2023 final": (2023, "final"),
    "2024 estimate": (2024, "estimate"),
    "2024 six months": (2024, "half"),
}
# The swept texts: the last section grows by STEP one-line paragraphs from FIRST, in steps
# shorter than the signature block, over more lines than a page holds (about 30).
FIRST, STEP, SWEPT = 10, 4, 8
ANNEX_PAGES = 3


def require_tools():
    """Skip with the reason where LibreOffice or poppler is missing; on CI, fail."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = (
        f"{', '.join(missing)} not installed (apt-get install libreoffice-writer-nogui "
        "poppler-utils)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must print the documents.", pytrace=False)
    pytest.skip(reason)


def download(client, year, stage):
    response = client.get(reverse("targets:report_docx", args=[CAU_THIA, year]), {"stage": stage})
    assert response.status_code == 200
    return response.content


def swept(report, lines):
    """The report's document with a text of ``lines`` one-line tasks before its closing line,
    and no annex (each starts on a page of its own, after the signature)."""
    built = build_document(report)
    headings = [heading for heading, _texts in built.sections]
    closing = built.sections[-1][1][-1]
    tasks = [f"Nhiệm vụ thứ {n}." for n in range(1, lines + 1)]
    texts = [["Kết quả thực hiện."], ["Hạn chế."], [*tasks, closing]]
    buffer = io.BytesIO()
    word.build_docx(
        replace(built, sections=list(zip(headings, texts, strict=True)), annexes=[])
    ).save(buffer)
    return buffer.getvalue()


def convert(files, folder):
    """Write ``files`` ({name: .docx bytes}) into ``folder`` and turn them all into PDF with one
    LibreOffice (its start costs more than a document), with a profile of its own so that it
    runs beside another test process's; {name: its PDF}."""
    paths = {name: folder / (name.replace(" ", "-") + ".docx") for name in files}
    for name, path in paths.items():
        path.write_bytes(files[name])
    profile = folder / "profile"
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    command += ["--convert-to", "pdf", "--outdir", str(folder), *map(str, paths.values())]
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    return {name: path.with_suffix(".pdf") for name, path in paths.items()}


def pages_of(pdf):
    """The text of each page, as laid out."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    """{name: (document read back, [text of each page])}: the swept documents and the demo's,
    downloaded by the ward's secretary, printed by one LibreOffice. The settings are those every
    test has (conftest.py)."""
    require_tools()
    work = tmp_path_factory.mktemp("printed")
    test_settings = override_settings(
        SECURE_SSL_REDIRECT=False,
        STORAGES=settings.STORAGES
        | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    )
    with test_settings, django_db_blocker.unblock(), transaction.atomic():
        if not Year.objects.exists():
            call_command("load_demo", verbosity=0)
        year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
        report = YearReport.year_end(year, Stage.FINAL)
        files = {
            f"swept {lines}": swept(report, lines)
            for lines in range(FIRST, FIRST + STEP * SWEPT, STEP)
        }
        client = signed_in(get_user_model().objects.get(username="bithu"))
        for name, found in DOCUMENTS.items():
            files[name] = download(client, *found)
        transaction.set_rollback(True)  # the secretary's session
    pdfs = convert(files, work)
    return {
        name: (Document(io.BytesIO(content)), pages_of(pdfs[name]))
        for name, content in files.items()
    }


def signature_block(document):
    """The signature's lines (T/M …, title, name) and those of "Nơi nhận" beside them."""
    for table in document.tables:
        cells = table.rows[0].cells
        if len(cells) == 2 and cells[1].paragraphs[0].text.startswith("T/M"):
            recipients, signature = ([p.text for p in cell.paragraphs if p.text] for cell in cells)
            return signature, recipients
    raise AssertionError("no signature block")


def closing_paragraph(document):
    """The text's last paragraph, just before the signature block."""
    texts = [p.text for p in document.paragraphs]
    return texts[texts.index("", texts.index("BÁO CÁO")) - 1]


def folded(text):
    return " ".join(text.split())


def signature_page(document, pages):
    """The number (from 0) of the page that holds the signature, checked whole there."""
    lines, _recipients = signature_block(document)
    committee, *_title, name = lines
    holding = [n for n, page in enumerate(pages) if committee in page]
    assert len(holding) == 1, f"{committee!r} on pages {holding}"
    page = holding[0]
    assert name in pages[page], f"{committee!r} on page {page + 1}, {name!r} not there"
    return page


def only_signature(document, page):
    """Whether the page holds nothing but the signature block and the page's number."""
    lines, recipients = signature_block(document)
    for text in (*lines, *recipients):
        page = page.replace(text, "")
    return not re.sub(r"[\s\d]", "", page)


def annex_pages(pages):
    """The pages of Phụ lục I: from its heading up to Phụ lục II's, or the end."""
    first = starts_at(pages, "PHỤ LỤC I")
    end = starts_at(pages, "PHỤ LỤC II")
    return pages[first : end if end is not None else len(pages)]


def starts_at(pages, heading):
    """The first page with ``heading`` alone on a line, or None."""
    return next(
        (
            n
            for n, page in enumerate(pages)
            if any(line.strip() == heading for line in page.splitlines())
        ),
        None,
    )


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_signature_prints_whole_with_the_texts_last_lines(printed, name):
    document, pages = printed[name]
    text, annex = starts_at(pages, "PHỤ LỤC I"), len(annex_pages(pages))
    print()
    print(f"{name}: {len(pages)} pages (the text {text}, Phụ lục I {annex})")
    page = signature_page(document, pages)
    assert not only_signature(document, pages[page]), f"page {page + 1} holds only the signature"
    assert closing_paragraph(document) in folded(pages[page])


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_targets_annex_takes_at_most_three_pages(printed, name):
    _document, pages = printed[name]
    annex = annex_pages(pages)
    assert annex and "STT" in annex[0]
    assert len(annex) <= ANNEX_PAGES, f"Phụ lục I on {len(annex)} pages"
    # The heading row repeats on each page of the table.
    assert all(re.search(r"^\s*STT\b", page, flags=re.M) for page in annex)


def test_wherever_the_text_ends_the_signature_goes_with_its_last_line(printed):
    moved = []
    for name, (document, pages) in printed.items():
        if not name.startswith("swept"):
            continue
        page = signature_page(document, pages)
        assert not only_signature(document, pages[page]), f"{name}: a page of only the signature"
        closing = closing_paragraph(document)
        assert closing in folded(pages[page]), f"{name}: the closing line is not with the signature"
        _number, body = folded(pages[page]).split(" ", 1)
        if body.startswith(closing):  # first under the page's number: it went over with it
            moved.append(name)
    print()
    print(f"the closing line went over to the signature's page in: {', '.join(moved)}")
    assert moved, "no text ended at a page's foot: the sweep proved nothing"


def verdicts(document):
    """{verdict: how many rows of Phụ lục I's table give it}, for the short ones."""
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    column = [cell.text for cell in table.rows[0].cells].index("Đánh giá")
    given = [row.cells[column].text for row in table.rows[1:]]
    return {verdict: given.count(verdict) for verdict in ("Vượt KH", "Đạt KH", "Chưa đạt")}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_short_word_of_the_annexes_is_broken(printed, name):
    """A verdict prints on one line, as many times as the table gives it; the members' levels
    ("HTXSNV") head their columns whole."""
    document, pages = printed[name]
    annex = "\n".join(annex_pages(pages))
    for verdict, count in verdicts(document).items():
        assert annex.count(verdict) == count, verdict
    ratings = starts_at(pages, "PHỤ LỤC II")
    if ratings is not None:
        heading = next(line for line in pages[ratings].splitlines() if "STT" in line).split()
        assert {"HTXSNV", "HTTNV", "HTNV", "KHTNV"} <= set(heading)


def test_the_file_names_the_report_and_its_committee_and_not_the_software(bithu):
    before = datetime.now(UTC).replace(microsecond=0)
    content = download(bithu, 2023, "final")
    after = datetime.now(UTC)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for part in package.namelist():
            assert b"python-docx" not in package.read(part).lower(), part
        assert "docProps/core.xml" in package.namelist()
        assert not [part for part in package.namelist() if "thumbnail" in part]
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    subject = texts[texts.index("BÁO CÁO") + 1]
    committee = document.tables[0].rows[0].cells[0].paragraphs[1].text
    properties = document.core_properties
    assert properties.title == f"Báo cáo {subject}"
    assert properties.author == properties.last_modified_by == committee
    assert (properties.comments, properties.keywords, properties.revision) == ("", "", 1)
    assert properties.language == "vi-VN"
    assert before <= properties.created == properties.modified <= after
    assert properties.created.year in {before.year, after.year}  # this year's, not the template's


def test_the_text_is_vietnamese_for_words_spelling_checker(bithu):
    styles = Document(io.BytesIO(download(bithu, 2023, "final"))).styles.element
    for where in ("w:docDefaults/w:rPrDefault/w:rPr", "w:style[@w:styleId='Normal']/w:rPr"):
        (language,) = styles.xpath(f"{where}/w:lang")
        assert language.get(qn("w:val")) == "vi-VN", where


def test_the_nations_name_has_a_rule_under_it_not_an_underline(bithu):
    document = Document(io.BytesIO(download(bithu, 2023, "final")))
    nation = document.tables[0].rows[0].cells[1].paragraphs[0]
    assert nation.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert not any(run.underline for run in nation.runs)
    (rule,) = nation._p.xpath("w:pPr/w:pBdr/w:bottom")
    assert rule.get(qn("w:val")) == "single"
    indents = nation.paragraph_format.left_indent, nation.paragraph_format.right_indent
    assert indents[0] == indents[1] > 0  # centred, as long as the name


def test_an_annex_table_fills_its_page_keeps_its_rows_whole_and_repeats_its_heading(bithu):
    document = Document(io.BytesIO(download(bithu, 2023, "final")))
    annexes = [t for t in document.tables if t.rows[0].cells[0].text == "STT"]
    assert len(annexes) == 2
    for table in annexes:
        rows = table._tbl.tr_lst
        assert all(row.xpath("w:trPr/w:cantSplit") for row in rows)
        assert rows[0].xpath("w:trPr/w:tblHeader")
        (layout,) = table._tbl.xpath("w:tblPr/w:tblLayout")
        assert layout.get(qn("w:type")) == "fixed"
        width = sum(
            int(column.get(qn("w:w"))) for column in table._tbl.xpath("w:tblGrid/w:gridCol")
        )
        assert abs(width / 20 - Mm(297 - 30 - 15).pt) < 1  # landscape A4 less the margins
    legend = annexes[1]._tbl.getnext()
    run = legend.xpath("w:r")[0]
    assert "".join(legend.itertext()).startswith("HTXSNV: Hoàn thành xuất sắc nhiệm vụ;")
    assert run.xpath("w:rPr/w:i") and run.xpath("w:rPr/w:sz")[0].get(qn("w:val")) == "22"
