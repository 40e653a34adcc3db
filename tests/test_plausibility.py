"""A value that can be read but looks like a slip is questioned, not refused: the page names what
looks wrong, saves once the user confirms, and the figure's history keeps what was confirmed.
The thresholds are data of each year; a cell's rating counts add up to its members."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cells.models import LEVEL_FIELDS, CellYear, RatingStep, RatingTotals, Share
from targets.models import Figure, FigureChange, Year
from targets.plausibility import (
    AMOUNT_KINDS,
    DEFAULT_RULES,
    Rules,
    previous_value,
    share_warnings,
    warnings,
)
from targets.progress import Kind

from .helpers import CAU_THIA, form_data, input_value, signed_in, text_of, textarea

COOPERATIVES = "thanh-lap-to-hop-tac"  # 2023: plan 2, actual 3 (the article's 3/2)
TREES = "trong-cay-phan-tan"  # 2023: 3.450 of 3.000; 2024: 1.298 at six months
BHYT = "bao-hiem-y-te"  # a rate: 95,77 of 96 in 2023
CONFIRM = "Tôi xác nhận số liệu này đúng"


# --- The rules, on their own ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", AMOUNT_KINDS)
def test_an_amount_more_than_three_times_its_plan_is_questioned(kind):
    assert warnings(kind, D(10), D(31)) == ["31 lớn hơn 3 lần kế hoạch (10)."]
    assert warnings(kind, D(10), D("30.01")) == ["30,01 lớn hơn 3 lần kế hoạch (10)."]
    assert warnings(kind, D(10), D(30)) == []  # exactly three times is not more


def test_a_rate_above_100_is_questioned_and_100_is_not():
    assert warnings(Kind.RATE, D(96), D("100.01")) == ["Tỷ lệ 100,01% vượt quá 100%."]
    assert warnings(Kind.RATE, D(96), D(100)) == []
    assert warnings(Kind.RATE, D(96), D(9577), is_plan=True) == ["Tỷ lệ 9.577% vượt quá 100%."]


def test_a_rate_is_not_compared_with_three_times_its_plan():
    # 20% planned and 70% reached is a good year, not a slip; above 100 is.
    assert warnings(Kind.RATE, D(20), D(70)) == []


@pytest.mark.parametrize("kind", [*AMOUNT_KINDS, Kind.RATE])
def test_more_than_twice_last_years_figure_is_questioned(kind):
    assert warnings(kind, None, D(41), previous=D(20)) == [
        "41 lớn hơn 2 lần số liệu năm trước (20)."
    ]
    assert warnings(kind, None, D(40), previous=D(20)) == []


def test_a_plan_is_compared_with_last_years_plan_never_with_itself():
    assert warnings(Kind.COUNT, D(10), D(50), is_plan=True) == []
    assert warnings(Kind.COUNT, D(10), D(50), previous=D(20), is_plan=True) == [
        "50 lớn hơn 2 lần số liệu năm trước (20)."
    ]


def test_every_rule_a_value_breaks_is_named():
    assert warnings(Kind.COUNT, D(2), D(30), previous=D(3)) == [
        "30 lớn hơn 3 lần kế hoạch (2).",
        "30 lớn hơn 2 lần số liệu năm trước (3).",
    ]


@pytest.mark.parametrize("base", [None, D(0)])
def test_nothing_is_compared_with_a_plan_or_a_year_before_that_is_unknown_or_zero(base):
    # From nothing, any growth is infinite: it says nothing about a slip.
    assert warnings(Kind.COUNT, base, D(5000), previous=base) == []
    assert share_warnings(base, D(5000)) == []


def test_a_value_below_zero_is_questioned():
    assert warnings(Kind.MONEY, D(10), D(-1)) == ["-1 nhỏ hơn 0."]
    assert share_warnings(D(10), D(-1)) == ["-1 nhỏ hơn 0."]


@pytest.mark.parametrize("value", [None, D(0), D(1), D(1000)])
def test_a_milestone_and_an_unknown_value_are_never_questioned(value):
    assert warnings(Kind.MILESTONE, D(1), value, previous=D(1)) == []
    assert warnings(Kind.COUNT, D(1), None, previous=D(1)) == []
    assert share_warnings(D(1), None) == []


def test_a_cells_report_more_than_one_and_a_half_times_its_share_is_questioned():
    assert share_warnings(D(330), D(496)) == ["496 lớn hơn 1,5 lần kế hoạch giao cho chi bộ (330)."]
    assert share_warnings(D(330), D(495)) == []


def test_the_years_rules_set_the_thresholds_and_an_empty_one_switches_its_check_off():
    lenient = Rules(times_plan=D(10), times_previous=D(5), times_share=D(4))
    assert warnings(Kind.COUNT, D(10), D(99), previous=D(20), rules=lenient) == []
    assert warnings(Kind.COUNT, D(10), D(101), previous=D(20), rules=lenient) == [
        "101 lớn hơn 10 lần kế hoạch (10).",
        "101 lớn hơn 5 lần số liệu năm trước (20).",
    ]
    assert share_warnings(D(10), D(41), lenient) == [
        "41 lớn hơn 4 lần kế hoạch giao cho chi bộ (10)."
    ]
    off = Rules(times_plan=None, times_previous=None, times_share=None)
    assert warnings(Kind.COUNT, D(1), D(10**9), previous=D(1), rules=off) == []
    assert share_warnings(D(1), D(10**9), off) == []
    # A rate above 100 is no threshold of the year's: it is what a rate is.
    assert warnings(Kind.RATE, D(96), D(101), rules=off) == ["Tỷ lệ 101% vượt quá 100%."]


def test_a_year_holds_its_rules_with_the_defaults_of_the_office():
    assert Rules.of(Year(year=2030)) == DEFAULT_RULES == Rules(D(3), D(2), D("1.5"))
    year = Year(
        year=2030,
        plausible_max_times_plan=D(4),
        plausible_max_times_previous=None,
        plausible_max_times_share=D("1.2"),
    )
    assert Rules.of(year) == Rules(D(4), None, D("1.2"))


def test_last_years_figure_is_taken_at_the_same_stage_or_else_its_final_figure():
    last_year = Figure(plan=D(90), actual_half=None, actual_estimate=D(80), actual=D(100))
    assert previous_value(last_year, "actual_estimate") == D(80)
    assert previous_value(last_year, "actual_half") == D(100)  # no six-month figure: the final
    assert previous_value(last_year, "actual") == D(100)
    assert previous_value(last_year, "plan") == D(90)
    assert previous_value(Figure(plan=None, actual=D(100)), "plan") is None  # a plan is a plan
    assert previous_value(None, "actual") is None


amounts = st.integers(0, 10**6).map(lambda cents: D(cents).scaleb(-2))


@given(kind=st.sampled_from(AMOUNT_KINDS), plan=amounts, value=amounts)
def test_an_amount_is_questioned_exactly_when_it_is_over_three_times_a_plan_above_0(
    kind, plan, value
):
    assert bool(warnings(kind, plan, value)) == (plan > 0 and value > 3 * plan)


@given(plan=amounts, value=amounts, previous=amounts)
def test_a_rate_is_questioned_exactly_above_100_or_twice_last_years(plan, value, previous):
    found = warnings(Kind.RATE, plan, value, previous=previous)
    assert bool(found) == (value > 100 or (previous > 0 and value > 2 * previous))


# --- The figure's page ---------------------------------------------------------------------------


def edit_url(slug, year=2023):
    return reverse("targets:edit", args=[CAU_THIA, year, slug])


def figure(slug, year=2023):
    return Figure.objects.select_related("target", "year").get(
        target__slug=slug, year__committee__slug=CAU_THIA, year__year=year
    )


def stored(slug, year=2023):
    """The figure's row and the number of its recorded changes."""
    row = figure(slug, year)
    return (
        list(Figure.objects.filter(pk=row.pk).values()),
        FigureChange.objects.filter(figure=row).count(),
    )


def test_an_actual_ten_times_its_plan_is_questioned_kept_and_saved_once_confirmed(bithu):
    before = stored(COOPERATIVES)
    page = bithu.get(edit_url(COOPERATIVES))
    assert 'name="confirm"' not in page.content.decode()  # nothing to confirm yet
    typed = form_data(page) | {"actual": "30", "note": "Theo báo cáo của phòng Kinh tế"}

    questioned = bithu.post(edit_url(COOPERATIVES), typed)

    assert questioned.status_code == 400
    html = questioned.content.decode()
    warning = "Thực hiện cả năm: 30 lớn hơn 3 lần kế hoạch (2)."
    assert warning in text_of(questioned)
    assert re.search(r'<input type="checkbox" name="confirm"[^>]*>', html)
    assert CONFIRM in text_of(questioned)
    assert stored(COOPERATIVES) == before
    assert input_value(html, "actual") == "30"
    assert textarea(html, "note") == "Theo báo cáo của phòng Kinh tế"

    saved = bithu.post(edit_url(COOPERATIVES), form_data(questioned) | {"confirm": "on"})

    assert saved.status_code == 302
    after = figure(COOPERATIVES)
    assert (after.actual, after.note) == (D(30), "Theo báo cáo của phòng Kinh tế")
    change = after.changes.order_by("-version").first()
    assert change.confirmed_warnings == warning
    target_page = text_of(bithu.get(after.get_absolute_url()))
    assert "đã lưu sau khi xác nhận số liệu đúng, dù có các cảnh báo sau:" in target_page
    assert warning in target_page


def test_a_figure_saved_without_warnings_records_no_confirmation(bithu):
    data = form_data(bithu.get(edit_url(COOPERATIVES))) | {"actual": "4", "confirm": "on"}
    assert bithu.post(edit_url(COOPERATIVES), data).status_code == 302
    change = figure(COOPERATIVES).changes.order_by("-version").first()
    assert (change.new_actual, change.confirmed_warnings) == (D(4), "")
    assert "dù có các cảnh báo" not in text_of(bithu.get(figure(COOPERATIVES).get_absolute_url()))


def test_a_rate_above_100_is_questioned_on_the_figures_page(bithu):
    data = form_data(bithu.get(edit_url(BHYT))) | {"actual": "101"}
    questioned = bithu.post(edit_url(BHYT), data)
    assert questioned.status_code == 400
    assert "Thực hiện cả năm: Tỷ lệ 101% vượt quá 100%." in text_of(questioned)


def test_a_six_month_figure_is_compared_with_last_years_final_when_last_year_had_none(bithu):
    # 2023 has final figures only: 2024's six months are compared with 2023's 3.450 trees.
    url = edit_url(TREES, 2024)
    questioned = bithu.post(url, form_data(bithu.get(url)) | {"actual_half": "7.000"})
    assert questioned.status_code == 400
    assert "Thực hiện 6 tháng: 7.000 lớn hơn 2 lần số liệu năm trước (3.450)." in text_of(
        questioned
    )
    assert bithu.post(url, form_data(bithu.get(url)) | {"actual_half": "6.900"}).status_code == 302


def test_only_the_values_the_user_changed_are_questioned(bithu):
    # A stored figure that would be questioned (set by a command) does not stop a note's edit.
    stored_figure = figure(COOPERATIVES)
    stored_figure.actual = D(40)
    stored_figure.save()
    data = form_data(bithu.get(edit_url(COOPERATIVES))) | {"note": "Đã đối chiếu"}
    assert bithu.post(edit_url(COOPERATIVES), data).status_code == 302
    assert figure(COOPERATIVES).changes.order_by("-version").first().confirmed_warnings == ""


def test_the_years_thresholds_decide_what_is_questioned(bithu):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    year.plausible_max_times_plan = D(20)
    year.save()
    data = form_data(bithu.get(edit_url(COOPERATIVES))) | {"actual": "30"}
    assert bithu.post(edit_url(COOPERATIVES), data).status_code == 302
    year.plausible_max_times_plan = D("1.5")
    year.save()
    data = form_data(bithu.get(edit_url(COOPERATIVES))) | {"actual": "3"}  # 30 back to the 3
    assert bithu.post(edit_url(COOPERATIVES), data).status_code == 302
    data = form_data(bithu.get(edit_url(COOPERATIVES))) | {"actual": "4"}
    questioned = bithu.post(edit_url(COOPERATIVES), data)
    assert "4 lớn hơn 1,5 lần kế hoạch (2)." in text_of(questioned)
    year.plausible_max_times_plan = None
    year.save()
    assert bithu.post(edit_url(COOPERATIVES), data).status_code == 302


def test_the_admins_year_page_edits_the_thresholds(alice_client, demo):
    client = alice_client
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    url = reverse("admin:targets_year_change", args=[year.pk])
    page = client.get(url)
    for name in ("plausible_max_times_plan", "plausible_max_times_previous"):
        assert f'name="{name}"' in page.content.decode()
    data = form_data(page, {"id": "year_form"}) | {
        "plausible_max_times_plan": "5",
        "plausible_max_times_share": "",
    }
    assert client.post(url, data).status_code == 302
    year.refresh_from_db()
    assert (
        year.plausible_max_times_plan,
        year.plausible_max_times_previous,
        year.plausible_max_times_share,
    ) == (D(5), D(2), None)


def test_the_next_year_starts_with_this_years_thresholds(bithu):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    year.plausible_max_times_plan, year.plausible_max_times_share = D(4), D("1.2")
    year.save()
    url = reverse("targets:next_year", args=[CAU_THIA, 2024])
    data = form_data(bithu.get(url), {"class": "figure-form next-year-form"})
    assert (data["plausible_max_times_plan"], data["plausible_max_times_share"]) == ("4", "1,2")
    carried = data.pop("carried")
    assert bithu.post(url, {**data, "carried": carried}).status_code == 302
    following = Year.objects.get(committee__slug=CAU_THIA, year=2025)
    assert Rules.of(following) == Rules(D(4), D(2), D("1.2"))


# --- The year's grid -----------------------------------------------------------------------------


def grid_url(year=2024, stage="half"):
    return reverse("targets:grid", args=[CAU_THIA, year]) + f"?stage={stage}"


def test_the_grid_questions_a_row_saves_the_others_and_saves_it_once_confirmed(bithu):
    trees, budget = figure(TREES, 2024), figure("thu-ngan-sach", 2024)
    page = bithu.get(grid_url())
    data = form_data(page, {"class": "grid-form"})
    data[f"f{trees.pk}-actual_half"] = "7.000"  # 2023's 3.450 twice over
    data[f"f{trees.pk}-note"] = "Số của tổ dân phố"
    data[f"f{budget.pk}-actual_half"] = "1.600"

    questioned = bithu.post(grid_url(), data)

    assert questioned.status_code == 400
    html = questioned.content.decode()
    assert "Thực hiện 6 tháng: 7.000 lớn hơn 2 lần số liệu năm trước (3.450)." in text_of(
        questioned
    )
    assert f'name="f{trees.pk}-confirm"' in html
    assert input_value(html, f"f{trees.pk}-actual_half") == "7.000"
    assert textarea(html, f"f{trees.pk}-note") == "Số của tổ dân phố"
    assert figure(TREES, 2024).actual_half == D(1298)
    assert figure("thu-ngan-sach", 2024).actual_half == D(1600)  # the other row is saved

    again = form_data(questioned, {"class": "grid-form"}) | {f"f{trees.pk}-confirm": "on"}
    assert bithu.post(grid_url(), again).status_code == 302
    saved = figure(TREES, 2024)
    assert (saved.actual_half, saved.note) == (D(7000), "Số của tổ dân phố")
    assert saved.changes.order_by("-version").first().confirmed_warnings == (
        "Thực hiện 6 tháng: 7.000 lớn hơn 2 lần số liệu năm trước (3.450)."
    )


# --- A cell's shares -----------------------------------------------------------------------------


def shares_url(number=3, stage="estimate"):
    return (
        reverse("cells:shares", kwargs={"committee": CAU_THIA, "year": 2024, "number": number})
        + f"?stage={stage}"
    )


def share_prefix(number, slug):
    share = Share.objects.get(
        year__committee__slug=CAU_THIA,
        year__year=2024,
        cell__number=number,
        figure__target__slug=slug,
    )
    return f"s{number}-{share.figure.target_id}", share


def test_the_shares_page_shows_each_shares_plan_and_how_far_the_cell_is(bithu):
    page = text_of(bithu.get(shares_url()))
    # Cell 3's share of the trees: 330 planned, 330 estimated.
    assert "kế hoạch giao cho chi bộ 330 · đạt 100,00%" in page


def test_a_cells_report_well_above_its_share_is_questioned_and_saved_once_confirmed(
    secretary,
):
    client = signed_in(secretary(3))
    prefix, share = share_prefix(3, TREES)
    data = form_data(client.get(shares_url()), {"class": "share-form"})
    data[f"{prefix}-value"] = "500"

    questioned = client.post(shares_url(), data)

    assert questioned.status_code == 400
    assert "500 lớn hơn 1,5 lần kế hoạch giao cho chi bộ (330)." in text_of(questioned)
    assert input_value(questioned.content.decode(), f"{prefix}-value") == "500"
    assert Share.objects.get(pk=share.pk).version == share.version

    again = form_data(questioned, {"class": "share-form"}) | {f"{prefix}-confirm": "on"}
    assert client.post(shares_url(), again).status_code == 302
    assert Share.objects.get(pk=share.pk).actual_estimate == D(500)


# --- A cell's rating counts ----------------------------------------------------------------------


def rating_url(step="rating_self", number=3):
    return reverse(f"cells:{step}", kwargs={"committee": CAU_THIA, "year": 2024, "number": number})


def counts(excellent, good, completed, not_completed):
    return dict(
        zip(
            LEVEL_FIELDS.values(),
            map(str, (excellent, good, completed, not_completed)),
            strict=True,
        )
    )


@pytest.mark.parametrize("step", ["rating_self", "rating_proposal"])
def test_a_ratings_counts_must_add_up_to_the_cells_members(bithu, step):
    # Cell 3 has 19 members in 2024.
    page = bithu.get(rating_url(step))
    assert "Chi bộ có 19 đảng viên" in text_of(page)
    data = form_data(page) | {"rating": "good"} | counts(2, 13, 3, 0)

    refused = bithu.post(rating_url(step), data)

    assert refused.status_code == 400
    assert (
        "Còn 1 đảng viên chưa được xếp loại (chi bộ có 19 đảng viên, đã xếp loại 18)."
        in text_of(refused)
    )
    assert not RatingStep.objects.filter(
        year__committee__slug=CAU_THIA, year__year=2024, cell_year__cell__number=3
    ).exists()
    assert input_value(refused.content.decode(), "members_good") == "13"
    assert bithu.post(rating_url(step), data | counts(2, 14, 3, 0)).status_code == 302


def test_a_cell_whose_members_are_not_recorded_may_rate_any_count(bithu):
    CellYear.objects.filter(year__committee__slug=CAU_THIA, year__year=2024, cell__number=3).update(
        members=0
    )
    data = form_data(bithu.get(rating_url())) | {"rating": "good"} | counts(1, 2, 0, 0)
    assert bithu.post(rating_url(), data).status_code == 302


def test_the_demos_decided_counts_add_up_and_86_percent_stays(demo):
    decided = CellYear.objects.filter(year__committee__slug=CAU_THIA, decided_at__isnull=False)
    assert decided.count() == 10
    for cell_year in decided:
        assert sum(getattr(cell_year, name) for name in LEVEL_FIELDS.values()) == cell_year.members
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    totals = RatingTotals(year, CellYear.objects.filter(year=year), 10)
    assert totals.members_good_or_better_percent == 86
