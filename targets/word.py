"""The report as a Word document (.docx) in the form the Party's guidance sets (Hướng dẫn
36-HD/VPTW): Times New Roman on A4, margins 20/20/30/15 mm, the header block in two columns,
the type and its lower-case subject, the sections, the signature and "Nơi nhận", page numbers
at the top centre from page 2, then each annex on a landscape page.

Everything written comes from targets.document.Document, already in words: numbers are text
written the Vietnamese way ("95,77", "1.262,5"), whatever the reader's computer is set to.

It is laid out to print as the office signs it, in Word and in LibreOffice alike: the last
lines of the text go with the signature, which never splits; an annex's rows never split and
its heading row repeats on each page.
"""

import io
import re
from copy import deepcopy
from datetime import UTC, datetime

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.shared import Cm, Emu, Mm, Pt
from docx.table import _Cell

from . import columns, document
from .text import xml_safe

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT_NAME = "Times New Roman"
# Word spell-checks in the language the text is marked with; bidi is Word's own default.
LANGUAGE = {"val": "vi-VN", "eastAsia": "vi-VN", "bidi": "ar-SA"}

# Sizes in points and margins in millimetres, as the guidance 36-HD/VPTW gives them (the rules
# the document follows: docs/documents.md).
BODY, NATION, TYPE, RECIPIENTS, TABLE, LEGEND = 14, 15, 16, 12, 11, 11
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}
A4 = (Mm(210), Mm(297))

# The two columns of the header and signature blocks: the committee's name (bold 14 pt) and the
# place and date with blanks (italic 14 pt) each on one line. "ĐẢNG CỘNG SẢN VIỆT NAM" takes
# NATION_WIDTH in bold 15 pt Times New Roman (Liberation Serif has the same widths): its rule
# is drawn that long.
BLOCK_WIDTHS = (Cm(8), Cm(8.5))
NATION_WIDTH = Mm(73)
# Word's default space left and right inside a table's entry (108 twentieths of a point).
ENTRY_PADDING = Mm(1.9)
# Inside an annex's table the entries are tighter, so that a page holds more rows (in twentieths
# of a point, in the order Word reads them).
TABLE_PADDING = {"top": 0, "left": 57, "bottom": 0, "right": 57}

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
    run = p.add_run(xml_safe(text))
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    return p


def element(tag, children=None, **attributes):
    """``<w:tag>`` with ``attributes``, and a child ``<w:name>`` for each entry of
    ``children`` with the attributes it maps to."""
    made = OxmlElement(f"w:{tag}")
    for name, value in attributes.items():
        made.set(qn(f"w:{name}"), str(value))
    for name, child_attributes in (children or {}).items():
        made.append(element(name, **child_attributes))
    return made


def put(parent, child, order):
    """Put ``child`` into ``parent`` where the schema's ``order`` of tags says (Word may refuse
    a file whose properties are out of order), in place of one of the same tag."""
    tag = child.tag.split("}")[1]
    parent.remove_all(f"w:{tag}")
    later = order[order.index(tag) + 1 :]
    parent.insert_element_before(child, *(f"w:{name}" for name in later))


# The order of a paragraph's, a table's and a run's properties from pBdr, tblW and lang on.
PARAGRAPH_ORDER = (
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
    "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
    "rPr", "sectPr", "pPrChange",
)  # fmt: skip
TABLE_ORDER = (
    "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
    "tblLook", "tblCaption", "tblDescription", "tblPrChange",
)  # fmt: skip
RUN_ORDER = ("lang", "eastAsianLayout", "specVanish", "oMath")


def border(p, sides, space):
    """A single thin line on ``sides`` of a paragraph, ``space`` points from its text."""
    line = {"val": "single", "sz": 8, "space": space, "color": "000000"}
    put(p._p.get_or_add_pPr(), element("pBdr", {side: line for side in sides}), PARAGRAPH_ORDER)


def boxed(p):
    """A border round a paragraph: the "DỰ THẢO" mark."""
    border(p, ("top", "left", "bottom", "right"), space=2)


def keep_with_next(*ps):
    """Each of the paragraphs on the page of the one after it."""
    for p in ps:
        p.paragraph_format.keep_with_next = True


def page_number_field(p):
    """A PAGE field: Word writes the page's number there."""
    run = p.add_run()
    for char_type, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if char_type:
            part = element("fldChar", fldCharType=char_type)
        else:
            part = OxmlElement("w:instrText")
            part.set(qn("xml:space"), "preserve")
            part.text = xml_safe(text)
        run._r.append(part)
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


def new_section(doc, landscape):
    """A section on a new page. The paragraph that ends the one before takes no room, so a page
    filled to its foot does not push it onto a blank page of its own."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    end_of_previous = doc.paragraphs[-1]
    end_of_previous.paragraph_format.line_spacing = Pt(1)
    end_of_previous.paragraph_format.space_after = Pt(0)
    set_page(section, landscape=landscape)
    return section


def table_property(table, child):
    put(table._tbl.tblPr, child, TABLE_ORDER)


def no_borders(table):
    """The header and signature blocks are laid out in a table nobody should see."""
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    table_property(table, element("tblBorders", {side: {"val": "nil"} for side in sides}))


def row_property(row, tag):
    """Turn on a row's property: w:cantSplit keeps it on one page, w:tblHeader repeats it."""
    row._tr.get_or_add_trPr().append(element(tag, val="true"))


def set_grid(table, widths):
    """Each column's width in the grid (what LibreOffice lays out by), and the whole table's."""
    table.autofit = False  # fixed layout: the widths are kept, whatever the text
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    table_property(table, element("tblW", w=Emu(sum(widths)).twips, type="dxa"))


def set_widths(table, widths):
    """Each column's width, in the grid and in each entry (what Word reads), and the whole
    table's."""
    set_grid(table, widths)
    for row in table.rows:
        first = 0
        for tc in row._tr.tc_lst:  # a merged entry is as wide as the columns it spans
            tc.width = Emu(sum(widths[first : first + tc.grid_span]))
            first += tc.grid_span


def two_columns(doc, widths):
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths)
    left, right = table.rows[0].cells
    for entry in (left, right):
        # A new entry has one empty paragraph; the block's lines follow it, so drop it.
        entry._tc.remove(entry.paragraphs[0]._p)
    return table, left, right


def write_header(doc, d):
    """Top left: superior đảng bộ, issuing committee (bold), "*", number; top right: "ĐẢNG
    CỘNG SẢN VIỆT NAM" with its rule under it and the place and date in italics."""
    _table, left, right = two_columns(doc, BLOCK_WIDTHS)
    paragraph(left, d.superior)
    paragraph(left, d.executive, bold=True)
    paragraph(left, "*")
    # The number keeps its blanks: Word shows runs of spaces as they are.
    paragraph(left, d.number)
    nation = paragraph(right, d.nation, size=NATION, bold=True)
    rule_under(nation, BLOCK_WIDTHS[1] - 2 * ENTRY_PADDING)
    paragraph(right, "")
    paragraph(right, "")
    paragraph(right, d.date_line, italic=True)


def rule_under(p, width):
    """A line under a centred paragraph as long as its text: the paragraph's border, its
    indents narrowing it from ``width`` to the text's."""
    side = (width - NATION_WIDTH) // 2
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    border(p, ("bottom",), space=1)


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
    """The sections I–III; the text's last paragraph ("Trên đây là báo cáo …") stays on the
    page of the signature."""
    last = None
    for heading, texts in d.sections:
        last = paragraph(doc, heading, bold=True, align=JUSTIFY, after=6, indent=Cm(1))
        for text in texts:
            last = paragraph(doc, text, align=JUSTIFY, after=6, indent=Cm(1))
    if last is not None:
        keep_with_next(last)
        last.paragraph_format.keep_together = True


def write_signature(doc, d):
    """Bottom left "Nơi nhận:" (underlined) and its list; bottom right the signature. The block
    never splits: its row stays on one page and its lines go with the text above."""
    keep_with_next(paragraph(doc, "", after=6))
    table, left, right = two_columns(doc, BLOCK_WIDTHS)
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
    row_property(table.rows[0], "cantSplit")
    for entry in (left, right):
        for p in entry.paragraphs:
            p.paragraph_format.keep_together = True
            keep_with_next(p)


# What a column that is not free text needs, whatever its share, at the table's size with the
# table's padding: "1.262,5", "101,00%" and the bold heading "HTXSNV" on one line.
FIXED_WIDTHS = {columns.AMOUNT: Mm(19), columns.PERCENT: Mm(19)}
NARROW = 6  # a declared width this small is a number's column: "STT"
NUMBER_WIDTH = Mm(10)
# A short word's column (unit, verdict) by its declared width in characters: "triệu đồng" on
# one line in the unit's 11, "Vượt KH" and "Chưa đạt" in the verdict's 14.
MM_PER_CHARACTER = 1.6


def fixed_width(layout, share):
    if layout == columns.CENTER:
        return NUMBER_WIDTH if share <= NARROW else Mm(MM_PER_CHARACTER * share)
    return FIXED_WIDTHS.get(layout)


def column_widths(table_data, width):
    """Each column's width: numbers and short words what they need, free text the rest, shared
    as the declared widths say; together exactly ``width``."""
    fixed = [
        fixed_width(layout, share)
        for layout, share in zip(table_data.layouts, table_data.widths, strict=True)
    ]
    left = width - sum(w for w in fixed if w is not None)
    shares = sum(s for s, w in zip(table_data.widths, fixed, strict=True) if w is None) or 1
    return [
        w if w is not None else int(left * share / shares)
        for share, w in zip(table_data.widths, fixed, strict=True)
    ]


TAIL_ROWS = 3  # the rows that end an annex's table go over a page together
# What python-docx writes one character at a time (a tab, a line break); text without them is
# written whole.
TABS_AND_BREAKS = re.compile("[\t\n\r]")


class Entries:
    """The entries of one annex's table, each a copy of the model entry of its look (the
    columns it spans, bold or not, its alignment, kept with the next row or not) with its text
    put in. The models are made with python-docx once per look: made entry by entry, each
    property found or added in the schema's order, they took most of a long report's time."""

    def __init__(self, widths):
        self.widths = widths
        self.models = {}

    def model(self, first, span, bold, align, keep):
        """A table's entry over ``span`` columns from ``first``, as wide as they are (what Word
        reads; the table's grid is what LibreOffice lays out by), with an empty run in the
        table's font size."""
        tc = CT_Tc.new()
        tc.width = Emu(sum(self.widths[first : first + span]))
        if span > 1:
            tc.grid_span = span
        p = _Cell(tc, None).paragraphs[0]
        p.alignment = align
        p.paragraph_format.line_spacing = 1
        run = p.add_run()
        run.font.size, run.bold = Pt(TABLE), bold
        if keep:
            keep_with_next(p)
        return tc

    def entry(self, text, first=0, span=1, *, bold=False, align=LEFT, keep=False):
        """A new entry (w:tc) holding ``text``, over ``span`` columns from ``first``."""
        look = (first, span, bold, align, keep)
        model = self.models.get(look)
        if model is None:
            model = self.models[look] = self.model(*look)
        tc = deepcopy(model)
        text = xml_safe(text)
        if text:
            run = tc.p_lst[0].r_lst[0]
            if TABS_AND_BREAKS.search(text):
                run.text = text  # python-docx's w:tab and w:br
            else:
                run.add_t(text)  # what python-docx's Run.text writes for one line
        return tc

    def row(self, item, keep=False):
        """The entries of one item of a Table's body (document.Table)."""
        if item[0] == "band":
            _band, label, text = item
            return [
                self.entry(label, bold=True, align=CENTER, keep=keep),
                self.entry(text, 1, len(self.widths) - 1, bold=True, keep=keep),
            ]
        if item[0] == "total":
            return [self.entry(item[1], 0, len(self.widths), bold=True, keep=keep)]
        return [
            self.entry(text, column, align=ALIGNMENTS[layout], keep=keep)
            for column, (text, layout) in enumerate(item[1])
        ]


def table_row(entries, *properties):
    """A table's row (w:tr) of ``entries`` with ``properties`` turned on (see row_property)."""
    tr = OxmlElement("w:tr")
    row_properties = tr.get_or_add_trPr()
    for tag in properties:
        row_properties.append(element(tag, val="true"))
    tr.extend(entries)
    return tr


def write_table(doc, table_data, width):
    """The annex's table across the page: a row never splits, the heading row repeats on each
    page, the entries tight. The last rows go over a page together, so no page holds the
    summary line alone, and the last is kept with the legend under the table."""
    widths = column_widths(table_data, width)
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    padding = {side: {"w": twips, "type": "dxa"} for side, twips in TABLE_PADDING.items()}
    table_property(table, element("tblCellMar", padding))
    set_grid(table, widths)
    entries = Entries(widths)
    kept_from = len(table_data.body) + 1 - TAIL_ROWS  # the heading row is row 0
    header = [
        entries.entry(heading, column, bold=True, align=CENTER, keep=kept_from <= 0)
        for column, heading in enumerate(table_data.headings)
    ]
    table._tbl.append(table_row(header, "tblHeader", "cantSplit"))
    for number, item in enumerate(table_data.body, start=1):
        row = entries.row(item, keep=number >= kept_from)
        table._tbl.append(table_row(row, "cantSplit"))
    return table


def write_annex(doc, annex):
    """An annex on landscape pages of its own: its title block kept with its table, the
    legend of its abbreviations under it."""
    section = new_section(doc, landscape=True)
    section.different_first_page_header_footer = False  # an annex's pages are all numbered
    title = [
        paragraph(doc, annex.heading, bold=True),
        paragraph(doc, annex.title, bold=True),
        paragraph(doc, annex.attached, italic=True),
        *(paragraph(doc, line, italic=True) for line in annex.lines),
        paragraph(doc, "", after=6),
    ]
    keep_with_next(*title)
    usable = section.page_width - section.left_margin - section.right_margin
    write_table(doc, annex.table, usable)
    if annex.legend:
        legend = paragraph(doc, annex.legend, size=LEGEND, italic=True, align=LEFT)
        legend.paragraph_format.space_before = Pt(6)


def default_font(doc):
    """Times New Roman for every script, in Vietnamese: the defaults and the Normal style."""
    style = doc.styles["Normal"]
    style.font.name = FONT_NAME
    style.font.size = Pt(BODY)
    # Word picks the font per script; Vietnamese letters must not fall back to another one.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT_NAME)
    style.paragraph_format.space_after = Pt(0)
    defaults = doc.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr")
    for properties in (*defaults, style.element.rPr):
        put(properties, element("lang", **LANGUAGE), RUN_ORDER)


def set_properties(doc, d):
    """What File › Info shows: the report's title, the committee as its author, written now;
    nothing left from the blank document it was made from (its dates, its thumbnail)."""
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)  # python-docx writes it as UTC
    properties = doc.core_properties
    properties.title = f"{d.type.capitalize()} {d.subject}"
    properties.author = properties.last_modified_by = d.executive
    properties.language = LANGUAGE["val"]
    for name in ("subject", "comments", "keywords", "category", "content_status"):
        setattr(properties, name, "")
    properties.revision = 1
    properties.created = properties.modified = now
    package = doc.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[key]


def build_docx(d):
    """A python-docx Document of ``d`` (a targets.document.Document)."""
    doc = new_docx()
    default_font(doc)
    set_properties(doc, d)
    set_page(doc.sections[0])
    write_header(doc, d)
    write_title(doc, d)
    write_sections(doc, d)
    write_signature(doc, d)
    for annex in d.annexes:
        write_annex(doc, annex)
    return doc


def docx_bytes(report):
    """The report (a YearReport) as the bytes of a .docx file."""
    buffer = io.BytesIO()
    build_docx(document.build(report)).save(buffer)
    return buffer.getvalue()


def filename(report):
    return f"bao-cao-{report.year.year}{report.stage.file_suffix}.docx"
