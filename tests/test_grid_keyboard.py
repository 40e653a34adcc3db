"""The year's grid typed in as the ward office types its Excel sheets, in Chromium with the real
keyboard: a column of figures typed with digits and Enter and saved with Ctrl+S, a column and a
block pasted from a spreadsheet, the question before leaving with values not saved, the rows
still to do, and an implausible value saved only once confirmed.

Each test opens the demo's 2024 in a fresh browser context (tests/test_browser.py's fixtures)
allowed to write the clipboard, which Ctrl+V then pastes.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from targets.forms import FigureForm
from targets.models import Figure

from .helpers import CAU_THIA
from .test_browser import (  # noqa: F401  (fixtures are found by their names in this module)
    browser,
    demo_ward,
    grid_input,
    open_page,
    orm_beside_playwright,
    plain_http_live_server,
    screenshot,
    served_on_this_connection,
    sign_in,
)

pytestmark = pytest.mark.browser

BHYT = "Tỷ lệ dân số tham gia bảo hiểm y tế"
TREES = "Trồng cây phân tán"
SIX_MONTHS = "Thực hiện 6 tháng"
PLAUSIBILITY = "confirm" in FigureForm.base_fields
NO_PLAUSIBILITY = "FigureForm has no plausibility check (plausibility_warnings and confirm) yet"


def figures_2024():
    """The demo's 2024 figures in the grid's order (area, then number)."""
    return list(
        Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2024)
        .select_related("target")
        .order_by("target__area__position", "target__position")
    )


def six_months_cleared():
    """The demo's 2024 with no six-month figure at all, as a year is before its six-month
    review: cleared through the models, outside the app (no history row: this is the
    starting state, not a change to test)."""
    figures = figures_2024()
    Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2024).update(actual_half=None)
    return figures


def six_month_value(figure, decimals=False):
    """A plausible six-month value to type for ``figure``, as digits (and a decimal comma where
    ``decimals``): its demo value, or half its plan; "1" (achieved) for a yes/no target."""
    if figure.target.kind == "milestone":
        return "1"
    value = figure.actual_half
    if value is None:
        value = figure.plan if figure.target.kind == "rate" else figure.plan // 2
    if decimals:
        return f"{value:.2f}".replace(".", ",")
    return str(int(value))


def stored(value):
    return Decimal(value.replace(",", "."))


@pytest.fixture
def page(open_page):  # noqa: F811  (the fixture imported above)
    """A page whose scripts may write the clipboard, which Ctrl+V then pastes."""
    return open_page(permissions=["clipboard-read", "clipboard-write"])


class Keys:
    """The real keyboard, counting every key pressed that is not a digit."""

    def __init__(self, page):
        self.keyboard = page.keyboard
        self.others = []

    def type(self, text):
        self.others += [key for key in text if not key.isdigit()]
        self.keyboard.type(text)

    def press(self, combination):
        self.others += combination.split("+")
        self.keyboard.press(combination)


def paste(page, text):
    """Put ``text`` on the clipboard as plain text, as Excel and LibreOffice do (beside HTML),
    and paste it into the focused field with Ctrl+V."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.keyboard.press("Control+v")


def test_forty_six_month_figures_are_typed_with_digits_enter_and_one_ctrl_s(page):
    figures = six_months_cleared()
    # Two rates with their decimals, the others whole numbers.
    with_decimals = {"bao-hiem-y-te", "bhxh-tu-nguyen"}
    typed = [six_month_value(f, f.target.slug in with_decimals) for f in figures]
    sign_in(page, "bithu")
    page.goto("/cau-thia/2024/?stage=half")
    page.get_by_role("link", name="Nhập số liệu cả năm").click()
    expect(page).to_have_url(re.compile(r"/cau-thia/2024/grid/\?stage=half$"))

    # The page opens on the first six-month figure to enter: no key, no click to get there.
    expect(grid_input(page, SIX_MONTHS, figures[0].name)).to_be_focused()
    keys = Keys(page)
    for number, value in enumerate(typed):
        if number:
            keys.press("Enter")
        keys.type(value)
    screenshot(page, "grid-forty-six-month-figures-typed")
    keys.press("Control+s")

    expect(page.get_by_role("status")).to_contain_text("Đã lưu 40 chỉ tiêu")
    assert len(keys.others) <= 45, keys.others
    assert [f.actual_half for f in figures_2024()] == [stored(value) for value in typed]


def test_a_column_of_forty_pasted_from_excel_fills_the_forty_rows(page):
    figures = six_months_cleared()
    column = ["Đạt" if f.target.kind == "milestone" else six_month_value(f) for f in figures]
    sign_in(page, "bithu")
    page.goto("/cau-thia/2024/grid/?stage=half")
    first = grid_input(page, SIX_MONTHS, figures[0].name)
    expect(first).to_be_focused()
    plans = page.locator("td.input [name$='-plan']")
    plans_before = [plan.input_value() for plan in plans.all()]

    paste(page, "".join(f"{value}\r\n" for value in column))  # Excel's plain text

    actuals = page.locator("td.input [name$='-actual_half']")
    expect(actuals).to_have_count(40)
    shown = ["1" if value == "Đạt" else value for value in column]
    assert [actual.input_value() for actual in actuals.all()] == shown
    expect(page.locator("td.pasted")).to_have_count(40)
    assert [plan.input_value() for plan in plans.all()] == plans_before
    screenshot(page, "grid-column-pasted")
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status")).to_contain_text("Đã lưu 40 chỉ tiêu")
    assert [f.actual_half for f in figures_2024()] == [
        Decimal(1) if value == "Đạt" else stored(value) for value in column
    ]


def test_a_block_of_three_rows_and_two_columns_fills_the_block_below_and_right(page):
    figures = figures_2024()
    sign_in(page, "bithu")
    page.goto("/cau-thia/2024/grid/?stage=half")
    grid_input(page, SIX_MONTHS, figures[1].name).focus()

    paste(page, "95\t215\r\n31.000\t52.000\r\n1.600\t4.100\r\n")

    for figure, (actual, plan) in zip(
        figures[1:4], [("95", "215"), ("31.000", "52.000"), ("1.600", "4.100")], strict=True
    ):
        expect(grid_input(page, SIX_MONTHS, figure.name)).to_have_value(actual)
        expect(grid_input(page, "Kế hoạch", figure.name)).to_have_value(plan)
    # Nothing outside the block: the row above and below, the reasons to the right.
    expect(grid_input(page, SIX_MONTHS, figures[0].name)).to_have_value("624")
    expect(grid_input(page, SIX_MONTHS, figures[4].name)).to_have_value("")
    expect(grid_input(page, "Kế hoạch", figures[4].name)).to_have_value("2")
    expect(page.locator("td.pasted")).to_have_count(6)
    expect(page.locator("td.input textarea").first).to_have_value("")

    # A single value pastes as usual, into the field only.
    grid_input(page, SIX_MONTHS, figures[4].name).focus()
    paste(page, "1\r\n")
    expect(grid_input(page, SIX_MONTHS, figures[4].name)).to_have_value("1")
    expect(grid_input(page, SIX_MONTHS, figures[5].name)).to_have_value("0")
    expect(page.locator("td.pasted")).to_have_count(6)


def test_enter_and_the_arrows_move_in_a_column_tab_along_the_row(page):
    figures = figures_2024()
    sign_in(page, "bithu")
    page.goto("/cau-thia/2024/grid/?stage=half")
    keyboard = page.keyboard
    grid_input(page, SIX_MONTHS, figures[0].name).focus()
    keyboard.press("ArrowDown")
    expect(grid_input(page, SIX_MONTHS, figures[1].name)).to_be_focused()
    keyboard.press("Shift+Enter")
    expect(grid_input(page, SIX_MONTHS, figures[0].name)).to_be_focused()
    keyboard.press("Tab")
    expect(grid_input(page, "Kế hoạch", figures[0].name)).to_be_focused()
    keyboard.press("Enter")
    expect(grid_input(page, "Kế hoạch", figures[1].name)).to_be_focused()
    keyboard.press("ArrowUp")
    expect(grid_input(page, "Kế hoạch", figures[0].name)).to_be_focused()

    # In a reason of two lines the arrows move between its lines first.
    reason = grid_input(page, "Nguyên nhân chưa đạt", figures[1].name)
    reason.focus()
    keyboard.type("Mưa bão")
    keyboard.press("Enter")  # a new line in the reason, not the next row
    keyboard.type("kéo dài")
    expect(reason).to_have_value("Mưa bão\nkéo dài")
    keyboard.press("ArrowUp")
    expect(reason).to_be_focused()
    keyboard.press("ArrowUp")
    expect(grid_input(page, "Nguyên nhân chưa đạt", figures[0].name)).to_be_focused()
    keyboard.press("ArrowDown")
    expect(reason).to_be_focused()
    keyboard.press("ArrowDown")
    expect(reason).to_be_focused()
    keyboard.press("ArrowDown")
    expect(grid_input(page, "Nguyên nhân chưa đạt", figures[2].name)).to_be_focused()

    # A yes/no figure takes 1 or 0, and the arrows leave it as it is.
    milestone = next(f for f in figures if f.target.kind == "milestone")
    choice = grid_input(page, SIX_MONTHS, milestone.name)
    choice.focus()
    keyboard.press("0")
    expect(choice).to_have_value("0")
    keyboard.press("ArrowDown")
    expect(choice).to_have_value("0")
    expect(choice).not_to_be_focused()


def asked(page, dialogs, count):
    """Wait until the browser has asked ``count`` times whether to leave the page."""
    for _attempt in range(50):
        if len(dialogs) >= count:
            break
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"] * count


def test_leaving_with_values_not_saved_asks_first_and_saving_does_not(page):
    sign_in(page, "bithu")
    page.goto("/cau-thia/2024/grid/?stage=half")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.keyboard.type("1")  # into the first empty six-month figure, focused on opening
    page.get_by_role("link", name="Chỉ tiêu năm 2024").click()
    asked(page, dialogs, 1)
    expect(page).to_have_url(re.compile(r"/cau-thia/2024/grid/\?stage=half$"))
    expect(page.locator("td.changed input")).to_have_value("1")

    page.keyboard.press("Control+s")
    expect(page.get_by_role("status")).to_contain_text("Đã lưu 1 chỉ tiêu")
    assert dialogs == ["beforeunload"]  # saving did not ask

    # Any entry form of the app asks the same: a figure's own page.
    page.goto("/cau-thia/2024/targets/bao-hiem-y-te/edit/")
    page.get_by_label(re.compile(r"^Ghi chú in trong báo cáo")).fill("Chưa lưu")
    page.get_by_role("link", name="Hủy").click()
    asked(page, dialogs, 2)
    expect(page).to_have_url(re.compile(r"/edit/$"))


def test_the_filters_show_the_rows_left_to_do_and_enter_skips_the_others(page):
    figures = figures_2024()
    without_estimate = [f for f in figures if f.actual_estimate is None]
    sign_in(page, "bithu")
    page.goto("/cau-thia/2024/grid/?stage=estimate")
    rows = page.locator("tr[id^='row-']")
    filters = page.get_by_role("group", name="Các dòng hiển thị")

    empty = filters.get_by_role("button", name=re.compile("^Chưa có số liệu ở kỳ này"))
    expect(empty).to_contain_text(f"({len(without_estimate)})")
    empty.click()
    expect(empty).to_have_attribute("aria-pressed", "true")
    expect(rows.locator("visible=true")).to_have_count(len(without_estimate))
    first = grid_input(page, "Ước thực hiện cả năm", without_estimate[0].name)
    first.focus()
    page.keyboard.type("1.300")
    page.keyboard.press("Enter")
    expect(grid_input(page, "Ước thực hiện cả năm", without_estimate[1].name)).to_be_focused()

    filters.get_by_role("button", name=re.compile("^Chưa đạt kế hoạch")).click()
    expect(rows.locator("visible=true")).to_have_count(
        page.locator("tr:has(.badge.not_met)").count()
    )
    for row in rows.locator("visible=true").all():
        expect(row.locator(".badge")).to_contain_text("Chưa đạt")

    changed = filters.get_by_role("button", name=re.compile("^Đã sửa, chưa lưu"))
    expect(changed).to_contain_text("(1)")
    changed.click()
    expect(rows.locator("visible=true")).to_have_count(1)
    expect(rows.locator("visible=true")).to_contain_text(without_estimate[0].name)

    filters.get_by_role("button", name=re.compile("^Tất cả chỉ tiêu")).click()
    expect(rows.locator("visible=true")).to_have_count(40)


@pytest.mark.skipif(not PLAUSIBILITY, reason=NO_PLAUSIBILITY)
def test_an_implausible_value_is_saved_only_after_its_confirmation(page):
    trees = Figure.objects.get(year__committee__slug=CAU_THIA, year__year=2024, target__name=TREES)
    sign_in(page, "bithu")
    page.goto("/cau-thia/2024/grid/?stage=half")
    value = grid_input(page, SIX_MONTHS, TREES)
    value.select_text()
    page.keyboard.type("30000")  # ten times the plan: an extra zero
    page.keyboard.press("Control+s")

    row = page.locator(f"#row-{trees.pk}")
    expect(row).to_have_class(re.compile(r"\bimplausible\b"))
    expect(row).to_contain_text("lớn hơn 3 lần kế hoạch")
    expect(grid_input(page, SIX_MONTHS, TREES)).to_have_value("30000")  # what was typed is kept
    trees.refresh_from_db()
    assert trees.actual_half == 1298
    screenshot(page, "grid-implausible-value")

    row.get_by_label("Tôi xác nhận số liệu này đúng").check()
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status")).to_contain_text("Đã lưu 1 chỉ tiêu")
    trees.refresh_from_db()
    assert trees.actual_half == 30000
