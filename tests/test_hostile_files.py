"""Files built to hurt: workbooks that would hold a worker for minutes or answer 500, Office files
that carry macros under innocent names, evidence whose name is too long or says it is a page or
a script. Each is sent as the attacker sent it, through the upload pages, and each is answered
with a message, quickly, with nothing stored that should not be."""

import io
import random
import re
import time
import tracemalloc
import zipfile

import docx
import pytest
from django.db import DatabaseError, connection

from targets.models import Evidence, Figure

from .helpers import plain_text
from .test_access import snapshot
from .test_evidence import PDF, figure
from .test_evidence import upload as upload_evidence
from .test_import import preview_rows, upload, with_parts, workbook, zipped

# The seconds any of these files may hold a worker, on a busy machine: each is refused in a
# fraction of that, where reading it whole took from ten seconds to minutes.
QUICK = 5
MAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
VBA_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELATIONSHIPS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{}</Relationships>"
)


def table():
    """A ward's table of two targets, as a hand-made sheet has it."""
    return workbook(
        [
            ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Ghi chú"],
            [1, "Tổng sản lượng lương thực có hạt", 424242, 434343, 444444],
            [9, "Trồng cây phân tán", 3000, 3010, None],
        ]
    )


def parts_of(content):
    source = zipfile.ZipFile(io.BytesIO(content))
    return {name: source.read(name) for name in source.namelist()}


def edited(content, part, *changes):
    """``content`` (a zip) with ``part``'s text changed by ``changes`` ((pattern, replacement)
    pairs, each found at least once)."""
    text = parts_of(content)[part].decode()
    for pattern, replacement in changes:
        text, found = re.subn(pattern, replacement, text)
        assert found, pattern
    return with_parts(content, {part: text.encode()})


def declared(content, *, types="", relationships="", source="xl/_rels/workbook.xml.rels"):
    """``content`` with ``types`` added to its [Content_Types].xml and ``relationships`` to the
    relationships part ``source``."""
    if types:
        content = edited(content, "[Content_Types].xml", ("</Types>", types + "</Types>"))
    if relationships:
        content = edited(content, source, ("</Relationships>", relationships + "</Relationships>"))
    return content


def main_type(content, part, kind):
    """``content`` with the content type of its main ``part`` declared as ``kind``."""
    return edited(
        content,
        "[Content_Types].xml",
        (rf'PartName="/{part}" ContentType="[^"]*"', f'PartName="/{part}" ContentType="{kind}"'),
    )


def timed_upload(client, content):
    """The import's answer to ``content``, and the seconds it took."""
    started = time.perf_counter()
    page = upload(client, content)
    return page, time.perf_counter() - started


def upload_in_memory(client, content):
    """The import's answer to ``content``, and the most memory it held."""
    tracemalloc.start()
    try:
        page = upload(client, content)
        return page, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def refused(page, words):
    text = plain_text(page.content.decode())
    assert page.status_code == 400, text[:300]
    assert words in text, text[:600]


# --- Workbooks that would take too much work ---------------------------------------------------


def shared_strings(size, repeat=16):
    """A shared strings part of about ``size`` bytes: strings of the words of a sheet, each
    numbered, so that it deflates some 75 times and not more, as a real one does."""
    block = "".join(f"<si><t>{'Chỉ tiêu ' * repeat}{i:05x}</t></si>" for i in range(2000))
    body = block.encode() * max(1, size // len(block.encode()))
    return (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + body
        + b"</sst>"
    )


def with_shared_strings(content, strings):
    return declared(
        with_parts(content, {"xl/sharedStrings.xml": strings}),
        types='<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
        relationships=f'<Relationship Id="rId99" Type="{MAIN}/sharedStrings" '
        'Target="sharedStrings.xml"/>',
    )


def test_a_shared_strings_bomb_is_refused_at_once_in_little_memory(bithu):
    # Some 40 MB of text in half a megabyte, deflated no more than a real workbook's text:
    # read whole, it holds a worker for minutes and hundreds of megabytes.
    content = with_shared_strings(table(), shared_strings(40 * 1024 * 1024))
    assert len(content) < 1024 * 1024
    before = snapshot()
    page, took = timed_upload(bithu, content)
    refused(page, "giãn ra tới")
    assert took < QUICK, f"{took:.1f} s"
    page, peak = upload_in_memory(bithu, content)
    refused(page, "giãn ra tới")
    assert peak < 200 * 1024 * 1024, f"{peak / 2**20:.0f} MB"
    assert snapshot() == before


def styles_bomb(content):
    """``content`` with 3.000 cell formats, each with its alignment: some 400 kilobytes that
    openpyxl takes seconds to read."""
    formats = "".join(
        f'<xf numFmtId="{n % 164}" fontId="0" fillId="0" borderId="0" applyAlignment="1">'
        f'<alignment indent="{n % 15}" textRotation="{n % 180}" wrapText="1"/></xf>'
        for n in range(3000)
    )
    return edited(
        content, "xl/styles.xml", (r'<cellXfs count="\d+">', f'<cellXfs count="3001">{formats}')
    )


def long_sheet_part(content):
    """``content`` with a sheet's part padded to 2 MB by cells outside any row, which openpyxl
    reads through at every reading of the sheet."""
    cells = "".join(f'<c r="AZ{row}" t="n"><v>{row}</v></c>' for row in range(4, 65_000))
    return edited(content, "xl/worksheets/sheet1.xml", ("</sheetData>", cells + "</sheetData>"))


@pytest.mark.parametrize(
    ("make", "part"),
    [
        (lambda c: with_shared_strings(c, shared_strings(2 * 1024 * 1024)), "xl/sharedStrings.xml"),
        (styles_bomb, "xl/styles.xml"),
        (long_sheet_part, "xl/worksheets/sheet1.xml"),
    ],
    ids=["shared strings", "cell formats", "a sheet"],
)
def test_a_part_too_large_for_a_table_of_targets_is_refused_by_name(bithu, make, part):
    content = make(table())
    before = snapshot()
    page, took = timed_upload(bithu, content)
    refused(page, f"Thành phần “{part}” của sổ tính sẽ giãn ra tới")
    assert took < QUICK, f"{took:.1f} s"
    assert snapshot() == before


def long_sheet(rows):
    header = [["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện"]]
    return workbook(header + [[n, f"Chỉ tiêu {n}", n, n] for n in range(1, rows)])


def test_twenty_thousand_rows_are_refused_before_they_are_read(bithu):
    content = long_sheet(20_000)
    before = snapshot()
    page, took = timed_upload(bithu, content)
    refused(page, "Trang tính “Biểu” kéo dài quá dòng 2.000")
    assert took < QUICK, f"{took:.1f} s"
    assert snapshot() == before


def test_a_long_sheet_that_does_not_declare_its_size_is_stopped_at_the_limit(bithu, settings):
    settings.IMPORT_MAX_ROWS = 300
    content = edited(long_sheet(5_000), "xl/worksheets/sheet1.xml", (r"<dimension [^>]*/>", ""))
    page, took = timed_upload(bithu, content)
    refused(page, "Trang tính “Biểu” kéo dài quá dòng 300")
    assert took < QUICK, f"{took:.1f} s"


@pytest.mark.parametrize(("limit", "status"), [(3, 200), (2, 400)])
def test_a_table_is_read_up_to_the_limit_and_not_a_row_past_it(bithu, settings, limit, status):
    settings.IMPORT_MAX_ROWS = limit
    page = upload(bithu, table())
    assert page.status_code == status
    assert ("kéo dài quá dòng 2" in plain_text(page.content.decode())) == (status == 400)


# --- Cells that answered 500 -------------------------------------------------------------------


def test_a_number_beyond_any_figure_names_its_cell(bithu):
    content = edited(
        table(),
        "xl/worksheets/sheet1.xml",
        (r"<v>424242</v>", "<v>1e400</v>"),
        (r"<v>434343</v>", "<v>1e30</v>"),
        (r"<v>444444</v>", "<v>-1e400</v>"),
    )
    figures = list(Figure.objects.values())
    page = upload(bithu, content)
    assert page.status_code == 200
    status, cells = preview_rows(page)[2]
    assert status == "refused"
    assert "C2: Giá trị không hợp lệ." in cells[-1]
    assert "D2: Số quá lớn (tối đa 999.999.999.999)." in cells[-1]
    assert 'class="write-form"' not in page.content.decode()
    assert list(Figure.objects.values()) == figures


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="C2" t="s"><v>999</v></c>',  # the 1000th shared string of none
        '<c r="C2" s="999"><v>5</v></c>',  # the 1000th cell format of a few
        '<c r="C2" t="d"><v>99999-01-01</v></c>',
    ],
    ids=["shared string", "cell format", "date"],
)
def test_a_cell_that_points_beyond_the_workbook_is_refused_with_a_message(bithu, cell):
    content = edited(
        table(), "xl/worksheets/sheet1.xml", (r'<c r="C2"[^>]*><v>424242</v></c>', cell)
    )
    before = snapshot()
    page = upload(bithu, content)
    refused(page, "Không đọc được tệp như một sổ tính Excel")
    assert snapshot() == before


# Values an attacker writes into a workbook's parts in place of the right ones.
WRONG_VALUES = [
    "1e400",
    "-1",
    "99999999999999999999",
    "abc",
    "",
    "1.5",
    "A0",
    "ZZZZ9",
    "NaN",
    "-5",
]


def test_any_value_of_any_part_gone_wrong_is_answered_with_a_message(bithu):
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    parts = parts_of(table())
    names = sorted(name for name in parts if name.endswith((".xml", ".rels")))
    for _attempt in range(50):
        name = rng.choice(names)
        text = parts[name].decode()
        places = [m.span(m.lastindex) for m in re.finditer(r'="([^"]*)"|>([^<]+)<', text)]
        start, end = rng.choice(places)
        wrong = text[:start] + rng.choice(WRONG_VALUES) + text[end:]
        page = upload(bithu, zipped(parts | {name: wrong.encode()}))
        assert page.status_code in (200, 400), (name, wrong)


def test_a_workbook_of_too_many_sheets_is_refused(bithu):
    sheets = {f"Trang {n}": [["ghi chú"]] for n in range(1, 101)}
    page = upload(bithu, workbook([["STT", "Chỉ tiêu", "Kế hoạch"]], sheets=sheets))
    refused(page, "Sổ tính có 101 trang tính")


# --- Macros under other names ------------------------------------------------------------------


def renamed_macros(content, main, media):
    """``content`` (an .xlsx or .docx whose main part is ``main``) made a macro file with its
    macro project stored as ``media`` (a picture's name), declared as what it is."""
    folder = main.rpartition("/")[0]
    content = with_parts(content, {media: b"\xd0\xcf\x11\xe0 a VBA project"})
    return declared(
        content,
        types=f'<Override PartName="/{media}" ContentType="{VBA_TYPE}"/>',
        relationships=f'<Relationship Id="rId98" Type="{VBA_RELATIONSHIP}" '
        f'Target="{media.removeprefix(folder + "/")}"/>',
        source=f"{folder}/_rels/{main.rpartition('/')[2]}.rels",
    )


def word_document():
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Biên bản kiểm tra số liệu")
    document.save(buffer)
    return buffer.getvalue()


def xlsm(content):
    """An .xlsm as Excel saves it, its project renamed to a picture."""
    content = renamed_macros(content, "xl/workbook.xml", "xl/media/image1.png")
    return main_type(content, "xl/workbook.xml", XLSM_MAIN)


def docm():
    content = renamed_macros(word_document(), "word/document.xml", "word/media/image1.png")
    return main_type(content, "word/document.xml", DOCM_MAIN)


ACTIVE_WORKBOOKS = {
    "an .xlsm, its project renamed": (xlsm, "có macro"),
    "a project declared by its content type only": (
        lambda c: declared(
            with_parts(c, {"xl/media/image1.png": b"vba"}),
            types=f'<Override PartName="/xl/media/image1.png" ContentType="{VBA_TYPE}"/>',
        ),
        "có macro",
    ),
    "a project related from the workbook only": (
        lambda c: declared(
            with_parts(c, {"xl/media/image1.png": b"vba"}),
            relationships=f'<Relationship Id="rId98" Type="{VBA_RELATIONSHIP}" '
            'Target="media/image1.png"/>',
        ),
        "có macro",
    ),
    "a macro-enabled main part": (lambda c: main_type(c, "xl/workbook.xml", XLSM_MAIN), "có macro"),
    "an Excel 4 macro sheet": (
        lambda c: declared(
            with_parts(c, {"xl/worksheets/sheet2.xml": b"<xm:macrosheet/>"}),
            types='<Override PartName="/xl/worksheets/sheet2.xml" '
            'ContentType="application/vnd.ms-excel.macrosheet+xml"/>',
        ),
        "có macro",
    ),
    "an ActiveX control": (
        lambda c: declared(
            with_parts(
                c,
                {
                    "xl/media/image2.png": b"<ax:ocx/>",
                    "xl/worksheets/_rels/sheet1.xml.rels": RELATIONSHIPS.format(
                        f'<Relationship Id="rId1" Type="{MAIN}/control" '
                        'Target="../media/image2.png"/>'
                    ),
                },
            ),
            types='<Override PartName="/xl/media/image2.png" '
            'ContentType="application/vnd.ms-office.activeX+xml"/>',
        ),
        "điều khiển ActiveX",
    ),
    "an embedded OLE object": (
        lambda c: declared(
            with_parts(c, {"xl/embeddings/data.png": b"\xd0\xcf\x11\xe0"}),
            types='<Default Extension="png" '
            'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
        ),
        "đối tượng nhúng",
    ),
}


@pytest.mark.parametrize("kind", ACTIVE_WORKBOOKS)
def test_a_workbook_with_macros_under_any_name_is_refused_at_import(bithu, kind):
    make, words = ACTIVE_WORKBOOKS[kind]
    before = snapshot()
    page = upload(bithu, make(table()))
    refused(page, words)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "make"),
    [
        *[("so-lieu.xlsx", make) for make, _words in ACTIVE_WORKBOOKS.values()],
        ("bien-ban.docx", lambda _c: docm()),
        ("bien-ban.docx", lambda _c: main_type(word_document(), "word/document.xml", DOCM_MAIN)),
    ],
    ids=[*ACTIVE_WORKBOOKS, "a .docm, its project renamed", "a macro-enabled document"],
)
def test_an_office_file_with_macros_under_any_name_is_refused_as_evidence(bithu, name, make):
    page = upload_evidence(bithu, name, make(table()))
    assert "không phải loại tệp" in plain_text(page.content.decode())
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("so-lieu.xlsx", table, "spreadsheetml.sheet"),
        ("bien-ban.docx", word_document, "wordprocessingml.document"),
    ],
)
def test_a_plain_workbook_or_document_is_kept_as_evidence(bithu, name, make, kind):
    upload_evidence(bithu, name, make())
    assert Evidence.objects.get().content_type.endswith(kind)


def xml_bomb(content):
    """``content`` whose table of contents declares entities that expand a billion times."""
    laughs = '<!DOCTYPE Types [<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)
    )
    return edited(
        content,
        "[Content_Types].xml",
        ("<Types ", laughs + "]><Types "),
        ("</Types>", '<Default Extension="x" ContentType="&j;"/></Types>'),
    )


def twice_named(content):
    """``content`` with a second table of contents under the same name in other letters."""
    return with_parts(content, {"[content_types].xml": parts_of(content)["[Content_Types].xml"]})


@pytest.mark.parametrize("make", [xml_bomb, twice_named], ids=["entities", "a part named twice"])
def test_a_table_of_contents_built_to_mislead_is_refused(bithu, make):
    content = make(table())
    refused(upload(bithu, content), "Không đọc được tệp như một sổ tính Excel")
    page = upload_evidence(bithu, "so-lieu.xlsx", content)
    assert "không phải loại tệp" in plain_text(page.content.decode())
    assert not Evidence.objects.exists()


# --- Evidence names ----------------------------------------------------------------------------


def test_a_name_of_three_hundred_characters_is_kept_shortened_with_its_file(bithu, tmp_path):
    name = "bien-ban-" + "x" * 287 + ".pdf"
    page = upload_evidence(bithu, name, PDF)
    assert page.status_code == 200
    evidence = Evidence.objects.get(figure=figure())
    assert len(evidence.name) == 200 and evidence.name.endswith("x.pdf")
    assert (tmp_path / evidence.file.name).read_bytes() == PDF
    download = bithu.get(evidence.get_absolute_url())
    assert b"".join(download.streaming_content) == PDF


def test_a_row_that_fails_leaves_no_file_behind(bithu, tmp_path):
    def refuse_the_row(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and '"targets_evidence"' in sql:
            raise DatabaseError("the disk is full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_the_row), pytest.raises(DatabaseError):
        upload_evidence(bithu, "bien-ban.pdf", PDF)
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "served"),
    [
        ("x.html", PDF + b"<html><script>alert(1)</script></html>", "x.pdf"),
        ("x.js", PDF + b"alert(document.cookie)", "x.pdf"),
        ("bao-cao.xlsm", None, "bao-cao.xlsx"),
        ("anh", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "anh.png"),
    ],
)
def test_evidence_is_downloaded_under_the_extension_of_what_it_is(bithu, name, content, served):
    content = content or table()
    upload_evidence(bithu, name, content)
    evidence = Evidence.objects.get(figure=figure())
    response = bithu.get(evidence.get_absolute_url())
    assert response["Content-Disposition"] == f'attachment; filename="{served}"'
    assert response["Content-Type"] == evidence.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content
    assert evidence.name == name
