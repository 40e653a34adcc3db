from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.numbers import format_percent
from targets.progress import Assessment, Direction, Kind, assess, percent_of_plan

HIGHER, LOWER = Direction.HIGHER, Direction.LOWER


@pytest.mark.parametrize(
    ("kind", "plan", "actual", "shown", "assessment"),
    [
        (Kind.COUNT, "2", "3", "150,00%", Assessment.EXCEEDED),  # tổ hợp tác
        (Kind.REDUCTION, "10", "13", "130,00%", Assessment.EXCEEDED),  # hộ nghèo
        (Kind.REDUCTION, "12", "25", "208,33%", Assessment.EXCEEDED),  # hộ cận nghèo
        (Kind.RATE, "96", "95.77", "99,76%", Assessment.NOT_MET),  # BHYT
        (Kind.COUNT, "10", "10", "100,00%", Assessment.MET),  # chi bộ hoàn thành tốt
    ],
)
def test_the_articles_figures_compute_exactly(kind, plan, actual, shown, assessment):
    percent = percent_of_plan(kind, HIGHER, D(plan), D(actual))
    assert format_percent(percent, places=2) == shown  # as a table column writes it
    assert assess(kind, HIGHER, D(plan), D(actual)) == assessment


def test_party_members_without_a_plan_have_no_percent_and_no_assessment():
    assert percent_of_plan(Kind.RATE, HIGHER, None, D(86)) is None
    # Without a plan there is nothing to assess: "chưa giao kế hoạch", not "chưa có số liệu".
    assert assess(Kind.RATE, HIGHER, None, D(86)) == Assessment.NO_PLAN


@pytest.mark.parametrize("kind", [Kind.COUNT, Kind.MONEY, Kind.RATE, Kind.REDUCTION])
def test_a_missing_actual_is_no_data_not_a_failure(kind):
    assert percent_of_plan(kind, HIGHER, D(5), None) is None
    assert assess(kind, HIGHER, D(5), None) == Assessment.NO_DATA


def test_percent_rounds_half_up_not_down():
    # 1.99765 / 2 is 99.8825 %; 199.53 / 200 is 99.765 %, which Django's number_format would
    # truncate to 99,76.
    assert percent_of_plan(Kind.COUNT, HIGHER, D(200), D("199.53")) == D("99.77")
    assert percent_of_plan(Kind.COUNT, HIGHER, D(3), D(2)) == D("66.67")
    assert percent_of_plan(Kind.COUNT, HIGHER, D(3), D(1)) == D("33.33")


def test_higher_is_better_with_a_plan_of_zero_has_no_percent():
    assert percent_of_plan(Kind.COUNT, HIGHER, D(0), D(4)) is None
    assert assess(Kind.COUNT, HIGHER, D(0), D(4)) == Assessment.EXCEEDED
    assert assess(Kind.COUNT, HIGHER, D(0), D(0)) == Assessment.MET


@pytest.mark.parametrize(
    ("plan", "actual", "percent", "assessment"),
    [
        ("5", "4", D("125.00"), Assessment.EXCEEDED),  # fewer crimes than the ceiling
        ("5", "5", D("100.00"), Assessment.MET),
        ("5", "8", D("62.50"), Assessment.NOT_MET),
        ("5", "0", None, Assessment.EXCEEDED),  # no case at all: "–", and better than plan
        ("0", "0", None, Assessment.MET),
        ("0", "2", D("0.00"), Assessment.NOT_MET),
        ("3.5", "2.94", D("119.05"), Assessment.EXCEEDED),  # poverty rate, %
    ],
)
def test_a_ceiling_divides_plan_by_actual(plan, actual, percent, assessment):
    assert percent_of_plan(Kind.COUNT, LOWER, D(plan), D(actual)) == percent
    assert assess(Kind.COUNT, LOWER, D(plan), D(actual)) == assessment


@pytest.mark.parametrize(
    ("plan", "actual", "assessment"),
    [
        ("1", "1", Assessment.MET),
        ("1", "0", Assessment.NOT_MET),
        ("1", None, Assessment.NO_DATA),
    ],
)
def test_a_milestone_is_met_or_not_and_has_no_percent(plan, actual, assessment):
    actual = None if actual is None else D(actual)
    assert percent_of_plan(Kind.MILESTONE, HIGHER, D(plan), actual) is None
    assert assess(Kind.MILESTONE, HIGHER, D(plan), actual) == assessment


def test_a_milestone_is_never_exceeded():
    assert assess(Kind.MILESTONE, HIGHER, D(1), D(2)) == Assessment.MET


def test_the_verdict_compares_exact_values_not_the_rounded_percent():
    assert percent_of_plan(Kind.RATE, HIGHER, D(96), D("96.0004")) == D("100.00")
    assert assess(Kind.RATE, HIGHER, D(96), D("96.0004")) == Assessment.EXCEEDED


def test_format_percent_shows_a_dash_where_there_is_no_percent():
    assert format_percent(None) == "–"


amounts = st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False)
positive = st.decimals(min_value=D("0.01"), max_value=10**11, places=2, allow_nan=False)
kinds = st.sampled_from([Kind.COUNT, Kind.MONEY, Kind.RATE, Kind.REDUCTION])


@given(kinds, positive, amounts, amounts)
def test_for_higher_is_better_a_larger_actual_never_lowers_the_percent(kind, plan, a, b):
    low, high = sorted([a, b])
    assert percent_of_plan(kind, HIGHER, plan, low) <= percent_of_plan(kind, HIGHER, plan, high)


@given(positive, positive, positive)
def test_for_lower_is_better_a_larger_actual_never_raises_the_percent(plan, a, b):
    low, high = sorted([a, b])
    assert percent_of_plan(Kind.COUNT, LOWER, plan, high) <= percent_of_plan(
        Kind.COUNT, LOWER, plan, low
    )


@given(kinds, st.sampled_from([HIGHER, LOWER]), positive, positive)
def test_the_assessment_agrees_with_the_percent(kind, direction, plan, actual):
    if kind == Kind.REDUCTION:
        direction = HIGHER
    percent = percent_of_plan(kind, direction, plan, actual)
    verdict = assess(kind, direction, plan, actual)
    if percent > 100:
        assert verdict == Assessment.EXCEEDED
    if percent < 100:
        assert verdict == Assessment.NOT_MET
    if verdict == Assessment.MET:
        assert percent == 100
    if verdict == Assessment.EXCEEDED:
        assert percent >= 100
    if verdict == Assessment.NOT_MET:
        assert percent <= 100
