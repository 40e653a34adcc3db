"""The report as a Word document (.docx) in the form the Party's guidance sets (Hướng dẫn
36-HD/VPTW): Times New Roman on A4, margins 20/20/30/15 mm, the header block in two columns,
the type and its lower-case subject, the sections, the signature and "Nơi nhận", page numbers
at the top centre from page 2, then each annex on a landscape page.

Everything written comes from targets.document.Document, already in words: numbers are text
written the Vietnamese way ("95,77", "1.262,5"), whatever the reader's computer is set to.
"""

import io

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from . import columns, document
from .xlsx import STAGE_IN_FILENAMES

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT_NAME = "Times New Roman"

# Sizes in points and margins in millimetres, as the guidance 36-HD/VPTW gives them.
BODY, NATION, TYPE, RECIPIENTS, TABLE = 14, 15, 16, 12, 11
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}
A4 = (Mm(210), Mm(297))

LEFT, CENTER, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
ALIGNMENTS = {
    columns.TEXT: LEFT,
    columns.CENTER: CENTER,
    columns.AMOUNT: RIGHT,
    columns.PERCENT: RIGHT,
}


def paragraph(
    container,
    text="",
    *,
    size=BODY,
    bold=False,
    italic=False,
    underline=False,
    align=CENTER,
    after=0,
    indent=None,
):
    """A paragraph of one run in the document's font."""
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(after)
    if indent is not None:
        p.paragraph_format.first_line_indent = indent
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    return p


def boxed(p):
    """A border round a paragraph: the "DỰ THẢO" mark."""
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        for name, value in (("val", "single"), ("sz", "8"), ("space", "2"), ("color", "000000")):
            line.set(qn(f"w:{name}"), value)
        borders.append(line)
    p._p.get_or_add_pPr().append(borders)


def page_number_field(p):
    """A PAGE field: Word writes the page's number there."""
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    run.font.size = Pt(BODY)


def set_page(section, landscape=False):
    """A4 with the guidance's margins, page numbers top centre except on the first page."""
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side, millimetres in MARGINS.items():
        setattr(section, f"{side}_margin", Mm(millimetres))
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    number = header.paragraphs[0]
    number.alignment = CENTER
    page_number_field(number)


def no_borders(table):
    """The header and signature blocks are laid out in a table nobody should see."""
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "nil")
        borders.append(line)
    properties.append(borders)


def two_columns(doc, widths):
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), widths, strict=True):
        cell.width = width
        # A new cell has one empty paragraph; the block's lines follow it, so drop it.
        cell._tc.remove(cell.paragraphs[0]._p)
    return left, right


def write_header(doc, d):
    """Top left: superior đảng bộ, issuing committee (bold), "*", number; top right: "ĐẢNG
    CỘNG SẢN VIỆT NAM" (underlined by its rule) and the place and date in italics."""
    left, right = two_columns(doc, (Cm(7.5), Cm(9)))
    paragraph(left, d.superior)
    paragraph(left, d.executive, bold=True)
    paragraph(left, "*")
    # The number keeps its blanks: Word shows runs of spaces as they are.
    paragraph(left, d.number)
    paragraph(right, d.nation, size=NATION, bold=True, underline=True)
    paragraph(right, "")
    paragraph(right, "")
    paragraph(right, d.date_line, italic=True)


def write_title(doc, d):
    paragraph(doc, "", after=6)
    if d.draft:
        mark = paragraph(doc, d.draft_mark, bold=True, after=6)
        boxed(mark)
        mark.paragraph_format.left_indent = Cm(6.5)
        mark.paragraph_format.right_indent = Cm(6.5)
    paragraph(doc, d.type, size=TYPE, bold=True)
    paragraph(doc, d.subject, bold=True)
    paragraph(doc, "-----", after=12)


def write_sections(doc, d):
    for heading, texts in d.sections:
        paragraph(doc, heading, bold=True, align=JUSTIFY, after=6, indent=Cm(1))
        for text in texts:
            paragraph(doc, text, align=JUSTIFY, after=6, indent=Cm(1))


def write_signature(doc, d):
    """Bottom left "Nơi nhận:" (underlined) and its list; bottom right the signature."""
    paragraph(doc, "", after=6)
    left, right = two_columns(doc, (Cm(8), Cm(8.5)))
    label = left.add_paragraph()
    label.alignment = LEFT
    run = label.add_run(d.recipients_label.rstrip(":"))
    run.font.size, run.underline = Pt(BODY), True
    # The colon is not underlined, as the guidance draws it.
    label.add_run(":").font.size = Pt(BODY)
    for line in d.recipients:
        paragraph(left, line, size=RECIPIENTS, align=LEFT)
    for_committee, title, name = d.signature
    paragraph(right, for_committee, bold=True)
    paragraph(right, title)
    for _blank in range(4):
        paragraph(right, "")
    paragraph(right, name, bold=True)


def repeat_as_header(row):
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def cell_text(cell, text, *, bold=False, align=LEFT, size=TABLE):
    p = cell.paragraphs[0]
    p.alignment = align
    run = p.add_run(text)
    run.font.size, run.bold = Pt(size), bold


# What a column that is not free text needs, whatever its share: "1.262,5", "101,00%" and
# "Vượt KH" on one line at the table's size.
FIXED_WIDTHS = {columns.AMOUNT: Mm(19), columns.PERCENT: Mm(19), columns.CENTER: Mm(15)}
NARROW = 6  # a declared width this small is a number's column: "STT"


def column_widths(table_data, width):
    """Each column's width: numbers and short words what they need, free text the rest, shared
    as the declared widths say."""
    fixed = [
        Mm(12) if kind == columns.CENTER and share <= NARROW else FIXED_WIDTHS.get(kind)
        for kind, share in zip(table_data.kinds, table_data.widths, strict=True)
    ]
    left = width - sum(w for w in fixed if w is not None)
    shares = sum(s for s, w in zip(table_data.widths, fixed, strict=True) if w is None) or 1
    return [
        w if w is not None else int(left * share / shares)
        for share, w in zip(table_data.widths, fixed, strict=True)
    ]


def write_table(doc, table_data, width):
    headings = table_data.headings
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = column_widths(table_data, width)
    # The grid's widths are what LibreOffice lays out by; Word reads each cell's own.
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    for cell, heading, cell_width in zip(table.rows[0].cells, headings, widths, strict=True):
        cell_text(cell, heading, bold=True, align=CENTER)
        cell.width = cell_width
    repeat_as_header(table.rows[0])
    for item in table_data.body:
        cells = table.add_row().cells
        for cell, cell_width in zip(cells, widths, strict=True):
            cell.width = cell_width
        if item[0] == "band":
            _band, label, text = item
            cell_text(cells[0], label, bold=True, align=CENTER)
            merged = cells[1].merge(cells[-1])
            cell_text(merged, text, bold=True)
        elif item[0] == "total":
            merged = cells[0].merge(cells[-1])
            cell_text(merged, item[1], bold=True)
        else:
            for cell, (text, kind) in zip(cells, item[1], strict=True):
                cell_text(cell, text, align=ALIGNMENTS[kind])


def write_annex(doc, annex):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    set_page(section, landscape=True)
    section.different_first_page_header_footer = False  # an annex's pages are all numbered
    paragraph(doc, annex.heading, bold=True)
    paragraph(doc, annex.title, bold=True)
    paragraph(doc, annex.attached, italic=True)
    for line in annex.lines:
        paragraph(doc, line, italic=True)
    paragraph(doc, "", after=6)
    usable = section.page_width - section.left_margin - section.right_margin
    write_table(doc, annex.table, usable)


def default_font(doc):
    style = doc.styles["Normal"]
    style.font.name = FONT_NAME
    style.font.size = Pt(BODY)
    # Word picks the font per script; Vietnamese letters must not fall back to another one.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT_NAME)
    style.paragraph_format.space_after = Pt(0)


def build_docx(d):
    """A python-docx Document of ``d`` (a targets.document.Document)."""
    doc = new_docx()
    default_font(doc)
    set_page(doc.sections[0])
    write_header(doc, d)
    write_title(doc, d)
    write_sections(doc, d)
    write_signature(doc, d)
    for annex in d.annexes:
        write_annex(doc, annex)
    doc.core_properties.title = d.subject
    doc.core_properties.author = d.executive
    return doc


def docx_bytes(report):
    """The report (a YearReport) as the bytes of a .docx file."""
    buffer = io.BytesIO()
    build_docx(document.build(report)).save(buffer)
    return buffer.getvalue()


def filename(report):
    return f"bao-cao-{report.year.year}{STAGE_IN_FILENAMES[report.stage]}.docx"
