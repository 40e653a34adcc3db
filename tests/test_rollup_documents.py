"""The roll-up as documents: the province's workbook, read back as a secretary's Excel reads it,
against a recount of the communes' figures straight from the database; and the printable page,
as the test client gets it and as Chromium prints it to PDF.

The province is Lào Cai, above Cầu Thia and the illustrative communes generate_communes adds
(xa-minh-hoa-1 … 5), and a small commune keyed xa-le of its own making: it tracks two of the
shared targets only, one of them in another unit than the shared one's.
"""

import io
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from cells.roles import CELL_SECRETARIES
from committees.models import Account, Committee
from targets import wording, xlsx
from targets.models import Figure
from targets.numbers import format_number
from targets.progress import Assessment, Kind
from targets.report import Row
from targets.stages import Stage

from . import committees
from .factories import make_area, make_figure, make_target, make_year
from .helpers import CAU_THIA, rows_of, signed_in, text_of
from .test_browser import (  # noqa: F401  (fixtures are found by their names in this module)
    PASSWORD,
    browser,
    demo_ward,
    open_page,
    orm_beside_playwright,
    plain_http_live_server,
    served_on_this_connection,
    sign_in,
)
from .test_print_view import A4_LONG, A4_SHORT, PAGE_SIZE, Page, poppler, run  # noqa: F401

PROVINCE = "lao-cai"
YEAR = 2024
ODD_COMMUNE = "xa-le"
ODD_NAME = "Đảng bộ xã Lẻ (minh họa)"
# Its two targets: a count kept in another unit, and a rate kept as the shared one.
ODD_UNIT_TARGET = "san-luong-luong-thuc"
ODD_SAME_TARGET = "bao-hiem-y-te"
ADDED_UP = (Kind.COUNT, Kind.MONEY, Kind.REDUCTION)


# --- The province and its communes --------------------------------------------------------------


@pytest.fixture
def province(demo):
    """Lào Cai with Cầu Thia, five illustrative communes and xa-le under it."""
    call_command(
        "generate_communes",
        "--count=5",
        f"--superior={PROVINCE}",
        f"--template={CAU_THIA}",
        "--cells=0",
        "--years",
        str(YEAR),
        verbosity=0,
    )
    lao_cai = Committee.objects.get(slug=PROVINCE)
    odd = Committee(slug=ODD_COMMUNE, name=ODD_NAME, superior=lao_cai)
    odd.save()
    year = make_year(YEAR, committee=odd, committee_name=ODD_NAME, place_name="Lẻ")
    area = make_area(committee=odd)
    shared = {t.slug: t for t in Committee.objects.get(slug=CAU_THIA).targets.all()}
    for position, (key, unit, plan, actual) in enumerate(
        [(ODD_UNIT_TARGET, "kg", "400000", "390500"), (ODD_SAME_TARGET, None, "90", "91.5")],
        start=1,
    ):
        target = shared[key]
        own = make_target(
            position,
            area,
            slug=key,
            name=target.name,
            unit=unit or target.unit,
            kind=target.kind,
            direction=target.direction,
        )
        make_figure(own, year, plan=plan, actual=actual, actual_half=actual, illustrative=True)
    return lao_cai


@pytest.fixture
def staff(province):
    """A client signed in as the province's office staff."""
    return signed_in(committees.person(province, committees.STAFF))


def workbook_of(client, stage=Stage.FINAL):
    response = client.get(reverse("rollup:workbook", args=[PROVINCE, YEAR]), {"stage": stage.value})
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    suffix = stage.file_suffix
    assert response["Content-Disposition"] == (
        f'attachment; filename="tong-hop-{PROVINCE}-{YEAR}{suffix}.xlsx"'
    )
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


# --- The recount, straight from the database ----------------------------------------------------


def vietnamese(text):
    """A lazy text of the app, in Vietnamese."""
    with translation.override("vi"):
        return str(text)


def communes_of(province):
    return sorted(
        (
            c
            for c in Committee.objects.filter(lineage__startswith=province.lineage)
            if c != province and c.years.exists()
        ),
        key=lambda c: c.name,
    )


def recount(province, stage):
    """{target position: what the summary sheet must say}, counted figure by figure, and
    {(commune, position): the commune's figure}: the shared targets are Cầu Thia's, the template
    every commune was started from."""
    communes = communes_of(province)
    shared = Committee.objects.get(slug=CAU_THIA).targets.order_by("position")
    figures = Figure.objects.filter(year__year=YEAR, year__committee__in=communes).select_related(
        "target", "year__committee"
    )
    by_key = {}
    for figure in figures:
        by_key.setdefault(figure.target.slug, []).append(figure)
    expected, each = {}, {}
    for target in shared:
        rows = [Row(figure, stage=stage) for figure in by_key.get(target.slug, [])]
        counts = {vietnamese(words): 0 for words in verdict_words(stage)}
        for row in rows:
            counts[vietnamese(row.assessment_words)] += 1
            each[row.figure.year.committee.name, target.position] = row
        compared = sorted(
            (
                (row.actual, row.figure.year.committee.name)
                for row in rows
                if row.actual is not None
                and (row.target.kind, row.target.direction, row.target.unit.casefold())
                == (target.kind, target.direction, target.unit.casefold())
            ),
        )
        values = [value for value, _name in compared]
        quantitative = target.kind != Kind.MILESTONE and values
        expected[target.position] = {
            "name": target.name,
            "counts": counts,
            "tracking": len(rows),
            "total": sum(values) if target.kind in ADDED_UP and values else None,
            "median": to_cents(statistics.median(values)) if quantitative else None,
            "lowest": compared[0] if quantitative else None,
            "highest": compared[-1] if quantitative else None,
        }
    return expected, each


def to_cents(value):
    """A median as reports round it: to two decimals at most, half up (99,765 is 99,77)."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def verdict_words(stage):
    """The verdicts the communes are counted under at ``stage``, as the commune's rows word
    them."""
    if stage.has_verdict:
        verdicts = [Assessment.EXCEEDED.label, Assessment.MET.label, Assessment.NOT_MET.label]
    else:
        verdicts = [stage.reached_badge]
    return [*verdicts, Assessment.NO_DATA.label, Assessment.NO_PLAN.label]


# --- Reading the workbook back ------------------------------------------------------------------


def heading_row(ws):
    """The first of the table's heading rows: the one with "STT"."""
    return next(row[0].row for row in ws.iter_rows(max_col=3) if "STT" in [c.value for c in row])


def header_rows(ws):
    """The table's heading rows, each column named by its heading and, under a group, by the
    group's and its own: {column: (heading, sub-heading or None)}."""
    first = heading_row(ws)
    top = [cell.value for cell in ws[first]]
    under = [cell.value for cell in ws[first + 1]]
    grouped = None in top  # a group's heading spans its columns, merged
    names, group = {}, None
    for column, (heading, sub) in enumerate(zip(top, under, strict=True)):
        if not grouped:
            names[heading] = column
            continue
        if heading is not None:
            group = heading
        names[(group, sub) if sub else group] = column
    return names, first + (2 if grouped else 1)


def as_decimal(value):
    return None if value is None else Decimal(str(value))


def number_or_none(cell):
    """A number the sheet holds, or None where it shows "–"; never a number written as text."""
    if cell.value == "–":
        return None
    assert cell.data_type == "n" and not isinstance(cell.value, str), cell.coordinate
    return as_decimal(cell.value)


def summary_rows(ws):
    columns, body = header_rows(ws)
    rows = {}
    for row in ws.iter_rows(min_row=body):
        if isinstance(row[0].value, int):
            rows[row[0].value] = {heading: row[column] for heading, column in columns.items()}
    return rows


# --- The workbook -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.FINAL, Stage.HALF])
def test_the_summary_sheet_says_what_a_recount_of_the_figures_says(staff, province, stage):
    workbook = workbook_of(staff, stage)
    assert workbook.sheetnames == ["Tổng hợp", "Số liệu từng xã, phường"]
    rows = summary_rows(workbook["Tổng hợp"])
    expected, _each = recount(province, stage)
    assert rows.keys() == expected.keys()
    lowest, highest, figure, commune = "Thấp nhất", "Cao nhất", "Số liệu", "Xã, phường"
    communes = "Số xã, phường"
    for position, want in expected.items():
        row = rows[position]
        assert row["Chỉ tiêu"].value == want["name"]
        counts = {words: row[communes, words].value for words in want["counts"]}
        assert counts == want["counts"], want["name"]
        assert row[communes, "Có theo dõi chỉ tiêu"].value == want["tracking"]
        assert number_or_none(row["Tổng cộng"]) == want["total"], want["name"]
        assert number_or_none(row["Trung vị"]) == want["median"], want["name"]
        for key, side in ((lowest, "lowest"), (highest, "highest")):
            value = number_or_none(row[key, figure])
            named = row[key, commune].value
            assert (value, named) == (want[side] or (None, "–")), (want["name"], side)
    # The counts add up to the communes tracking each target, and the odd commune's count in
    # its own unit is counted but not compared: it tracks two targets out of forty.
    assert all(sum(w["counts"].values()) == w["tracking"] for w in expected.values())
    tracking = sorted(w["tracking"] for w in expected.values())
    assert tracking[0] < tracking[-1] == len(communes_of(province))


def test_the_communes_sheet_holds_every_figure_as_numbers_in_vietnamese_formats(staff, province):
    ws = workbook_of(staff)["Số liệu từng xã, phường"]
    columns, body = header_rows(ws)
    _expected, each = recount(province, Stage.FINAL)
    seen = []
    formats = {"plan": set(), "actual": set(), "percent": set()}
    for row in ws.iter_rows(min_row=body):
        if not isinstance(row[1].value, int):
            break
        commune, position = row[columns["Xã, phường"]].value, row[1].value
        seen.append((commune, position))
        figure = each[commune, position]
        cells = {
            "plan": row[columns["Kế hoạch năm 2024"]],
            "actual": row[columns["Thực hiện năm 2024"]],
            "percent": row[columns["Tỷ lệ % so KH"]],
        }
        if figure.target.kind == Kind.MILESTONE:
            assert cells["plan"].value == (figure.plan_text or None)
            assert cells["actual"].value == (figure.actual_text or None)
        else:
            for name, want in (("plan", figure.plan), ("actual", figure.actual)):
                cell = cells[name]
                assert (cell.value is None) == (want is None)
                if want is not None:
                    assert number_or_none(cell) == want, (commune, position, name)
                    formats[name].add(cell.number_format)
        assert number_or_none(cells["percent"]) == figure.percent
        if figure.percent is not None:
            formats["percent"].add(cells["percent"].number_format)
        assert row[columns["Đánh giá"]].value == vietnamese(figure.assessment_words)
        assert (row[columns["ĐVT"]].value or "") == figure.unit  # the commune's own
        marked = row[columns["Ghi chú"]].value == "Số liệu minh họa."
        assert marked == figure.figure.illustrative
    assert seen == sorted(each, key=lambda key: key)
    assert formats == {
        "plan": {xlsx.INTEGER_FORMAT, xlsx.DECIMAL_FORMAT},
        "actual": {xlsx.INTEGER_FORMAT, xlsx.DECIMAL_FORMAT},
        "percent": {xlsx.PERCENT_FORMAT},
    }


def heading_of(ws):
    """The texts above the table's heading rows, in order."""
    first = heading_row(ws)
    return [c.value for row in ws.iter_rows(max_row=first - 1) for c in row if c.value]


def test_both_sheets_open_with_the_party_forms_heading_and_print_landscape(staff, province):
    workbook = workbook_of(staff, Stage.ESTIMATE)
    date = f"Lào Cai, {wording.date_words(timezone.localdate())}"
    title = "TỔNG HỢP ƯỚC KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU NĂM 2024"
    reported = (
        f"0/{len(communes_of(province))} xã, phường đã báo cáo đủ số liệu ước thực hiện cả năm"
    )
    # The province keeps no year: its name heads the committee block, above the "*".
    block = ["ĐẢNG BỘ TỈNH LÀO CAI", "ĐẢNG CỘNG SẢN VIỆT NAM", "*", date, title]
    summary, communes = workbook.worksheets
    assert heading_of(summary) == [*block, "(Số liệu ước thực hiện cả năm)", reported]
    assert heading_of(communes) == [
        *block,
        "SỐ LIỆU TỪNG XÃ, PHƯỜNG",
        "(Số liệu ước thực hiện cả năm)",
        reported,
    ]
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows
    assert workbook.properties.title == title.lower()


# --- The printable page -------------------------------------------------------------------------


def printable(client, stage=Stage.FINAL):
    return client.get(reverse("rollup:print", args=[PROVINCE, YEAR]), {"stage": stage.value})


def reported_line(province, stage):
    """ "n/N xã, phường đã báo cáo đủ số liệu …", counted from the figures: a commune has
    reported when every figure of its year with a plan has an actual at ``stage``."""
    communes = communes_of(province)
    reported = 0
    for commune in communes:
        planned = Figure.objects.filter(
            year__committee=commune, year__year=YEAR, plan__isnull=False
        )
        if planned.exists() and not planned.filter(**{f"{stage.field}__isnull": True}).exists():
            reported += 1
    return f"{reported}/{len(communes)} xã, phường đã báo cáo đủ số liệu {vietnamese(stage.label)}"


@pytest.mark.parametrize("stage", [Stage.FINAL, Stage.HALF])
def test_the_printable_page_has_the_party_forms_header_title_and_the_recounted_table(
    staff, province, stage
):
    response = printable(staff, stage)
    assert response.status_code == 200
    text = text_of(response)
    today = timezone.localdate()
    subject = {
        Stage.FINAL: "tổng hợp kết quả thực hiện các chỉ tiêu chủ yếu năm 2024",
        Stage.HALF: "tổng hợp kết quả thực hiện các chỉ tiêu chủ yếu 6 tháng đầu năm 2024",
    }[stage]
    assert (
        f"ĐẢNG BỘ TỈNH LÀO CAI * ĐẢNG CỘNG SẢN VIỆT NAM Lào Cai, {wording.date_words(today)} "
        f"BÁO CÁO {subject} -----"
    ) in text
    assert reported_line(province, stage) in text
    assert "Số liệu minh họa: dữ liệu mẫu, không lấy từ nguồn thực tế." in text
    expected, _each = recount(province, stage)
    cells = [row.split(" | ") for row in rows_of(response)]
    rows = {int(row[0]): row for row in cells if row[0].isdigit()}  # an area's row: "I."
    assert rows.keys() == expected.keys()
    for position, want in expected.items():
        cells = rows[position]
        counts = [format_number(count) for count in want["counts"].values()]
        assert cells[1 : 3 + len(counts) + 1] == [
            want["name"],
            cells[2],
            *counts,
            format_number(want["tracking"]),
        ], want["name"]
        for cell, value in zip(cells[-5:-3], (want["total"], want["median"]), strict=True):
            assert cell == (format_number(value) if value is not None else "–"), want["name"]
        for cell, extreme in zip(cells[-3:-1], (want["lowest"], want["highest"]), strict=True):
            if extreme is None:
                assert cell == "–"
            else:
                value, commune = extreme
                assert cell == f"{format_number(value)} {commune}"
        assert cells[-1] == "Số liệu minh họa."  # every commune's figures are illustrative


def test_a_province_keeping_years_of_its_own_is_named_as_its_year_prints_it(staff, province):
    make_year(
        YEAR,
        committee=province,
        committee_name="Đảng bộ tỉnh Lào Cai",
        superior_party_body="Đảng bộ tỉnh Lào Cai",
        executive_name="Tỉnh ủy",
        place_name="Lào Cai",
    )
    text = text_of(printable(staff))
    assert "ĐẢNG BỘ TỈNH LÀO CAI TỈNH ỦY * ĐẢNG CỘNG SẢN VIỆT NAM Lào Cai, ngày" in text


def test_the_documents_are_the_provinces_office_staffs_only(province, django_user_model):
    """Another province's staff and a commune's find no such page; a cell's secretary, of the
    province or of a commune, reads no roll-up; nobody signed in is sent to sign in."""
    other = Committee(slug="tinh-khac", name="Đảng bộ tỉnh Khác (minh họa)")
    other.save()
    secretary = django_user_model.objects.create_user("bi-thu-chi-bo-tinh")
    secretary.groups.add(Group.objects.get(name=CELL_SECRETARIES))
    Account.objects.create(user=secretary, committee=province)
    refused = {
        "another province's staff": (committees.person(other, committees.STAFF), 404),
        "a commune's staff": (django_user_model.objects.get(username="bithu"), 404),
        "a commune's cell secretary": (django_user_model.objects.get(username="chibo3"), 403),
        "the province's cell secretary": (secretary, 403),
    }
    for name in ("rollup:print", "rollup:workbook"):
        url = reverse(name, args=[PROVINCE, YEAR])
        for who, (user, status) in refused.items():
            assert signed_in(user).get(url).status_code == status, (name, who)
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # A year none of its communes keeps is not found either.
    staff = signed_in(committees.person(province, committees.STAFF))
    assert staff.get(reverse("rollup:print", args=[PROVINCE, 2031])).status_code == 404


# --- The printable page on paper ------------------------------------------------------------------


def printed_pages(page, url, name):
    """Open ``url`` and print it as the browser's print dialog does; the PDF's pages as poppler
    reads them back, each with its text and size. The PDF is left in ``screenshots/``."""
    page.goto(url)
    folder = Path(settings.BASE_DIR) / "screenshots"
    folder.mkdir(exist_ok=True)
    pdf = folder / f"{name}.pdf"
    page.pdf(path=pdf, prefer_css_page_size=True, print_background=True)
    texts = run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]  # a \f ends each page
    sizes = PAGE_SIZE.findall(run("pdfinfo", "-f", "1", "-l", str(len(texts)), str(pdf)))
    return [Page(text, float(w), float(h)) for text, (w, h) in zip(texts, sizes, strict=True)]


@pytest.mark.browser
def test_chromium_prints_it_on_a4_landscape_header_first(province, open_page, poppler):  # noqa: F811
    office = committees.person(province, committees.STAFF)
    office.set_password(PASSWORD)
    office.save()
    page = open_page()
    sign_in(page, office.username)
    url = reverse("rollup:print", args=[PROVINCE, YEAR])
    pages = printed_pages(page, url, "rollup-lao-cai-2024")
    assert all(printed.landscape for printed in pages)
    first = pages[0].text
    # The header's two columns side by side, the date under the nation's name, then the title.
    assert re.search(r"^\s*ĐẢNG BỘ TỈNH LÀO CAI\s{2,}ĐẢNG CỘNG SẢN VIỆT NAM$", first, re.M)
    date = f"Lào Cai, {wording.date_words(timezone.localdate())}"
    assert first.index("ĐẢNG CỘNG SẢN VIỆT NAM") < first.index(date) < first.index("BÁO CÁO")
    subject = "tổng hợp kết quả thực hiện các chỉ tiêu chủ yếu năm 2024"
    assert first.index("BÁO CÁO") < first.index(subject)
    assert reported_line(province, Stage.FINAL) in first
    assert all("ĐẢNG CỘNG SẢN VIỆT NAM" not in printed.text for printed in pages[1:])
    # Each page repeats the table's heading, whole to its last column: nothing is cut off.
    assert all(re.search(r"^STT\s+Chỉ tiêu.*Ghi chú$", p.text, re.M) for p in pages)
    # Each target's line as printed: its counts and figures, as a recount has them.
    text = "\n".join(printed.text for printed in pages)
    expected, _each = recount(province, Stage.FINAL)
    for position, want in expected.items():
        figures = [
            *(str(count) for count in want["counts"].values()),
            str(want["tracking"]),
            *(shown(want[key]) for key in ("total", "median")),
            *(shown(want[key] and want[key][0]) for key in ("lowest", "highest")),
        ]
        line = rf"^\s*{position}\s+{re.escape(want['name'].split()[0])}\s.*?\s"
        line += r"\s+".join(map(re.escape, figures)) + r"(\s|$)"
        assert re.search(line, text, re.M), want["name"]
    print(f"{len(pages)} landscape A4 pages")


def shown(value):
    return format_number(value) if value is not None else "–"
