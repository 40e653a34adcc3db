"""The year's grid: every target of a year on one page, saved at once, row by row."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from committees.models import Account, Committee
from targets.forms import FigureForm
from targets.models import Figure, FigureChange, Target, Year

from .helpers import CAU_THIA, form_data, plain_text, signed_in, text_of

BHYT = "bao-hiem-y-te"
TREES = "trong-cay-phan-tan"
COOPERATIVES = "thanh-lap-to-hop-tac"
BUDGET = "thu-ngan-sach"


def grid_url(year=2023):
    return reverse("targets:grid", args=[CAU_THIA, year])


def figure(slug, year=2023):
    return Figure.objects.select_related("target").get(
        target__slug=slug, year__committee__slug=CAU_THIA, year__year=year
    )


def close_2023():
    Year.objects.filter(committee__slug=CAU_THIA, year=2023).update(is_closed=True)


def field(slug, name, year=2023):
    """The name of a row's input on the grid."""
    return f"f{figure(slug, year).pk}-{name}"


def stored():
    """Every figure's values and version, and the number of recorded changes."""
    return (
        list(Figure.objects.order_by("pk").values_list("pk", "plan", "actual", "note", "version")),
        FigureChange.objects.count(),
    )


def marked_row(response, slug, mark, year=2023):
    """The text of the grid's row of ``slug``, which must carry the class ``mark``."""
    pattern = rf'<tr id="row-{figure(slug, year).pk}" class="{mark}">(.*?)</tr>'
    row = re.search(pattern, response.content.decode(), re.S)
    assert row, f"the row of {slug} is not marked {mark}"
    return plain_text(row.group(1))


def opened(client, year=2023):
    """The grid as the page renders it, and the data its form would post untouched."""
    response = client.get(grid_url(year))
    assert response.status_code == 200
    return response, form_data(response, {"class": "grid-form"})


def test_the_grid_shows_every_target_of_the_year_in_area_order_with_its_values(bithu):
    response, data = opened(bithu)
    html = response.content.decode()
    rows = re.findall(r'<tr id="row-(\d+)"', html)
    expected = Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2023).order_by(
        "target__area__position", "target__position"
    )
    assert [int(pk) for pk in rows] == [f.pk for f in expected]
    assert len(rows) == 40
    assert data[field(TREES, "plan")] == "3.000"
    assert data[field(BHYT, "actual")] == "95,77"
    assert data[field(BUDGET, "actual")] == "3.650,5"
    assert re.findall(r'<th colspan="\d+" scope="rowgroup">([^<]*)</th>', html) == [
        "I. Kinh tế",
        "II. Văn hóa – xã hội",
        "III. Quốc phòng – an ninh",
        "IV. Xây dựng Đảng và hệ thống chính trị",
    ]
    assert "99,76%" in text_of(response)


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_grid_posted_back_untouched_changes_nothing(bithu, year):
    before = stored()
    _response, data = opened(bithu, year)
    response = bithu.post(grid_url(year), data, follow=True)
    assert "Không có thay đổi" in text_of(response)
    assert stored() == before


def test_saving_writes_only_the_changed_rows_each_with_its_history(bithu):
    _response, data = opened(bithu)
    untouched = figure(BUDGET)
    data[field(TREES, "actual")] = "3.500"
    data[field(BHYT, "actual")] = "96,2"
    data[field(COOPERATIVES, "note")] = "Ghi chú mới\r\nhai dòng"
    changes = FigureChange.objects.count()

    response = bithu.post(grid_url(), data, follow=True)

    assert "Đã lưu 3 chỉ tiêu" in text_of(response)
    assert FigureChange.objects.count() == changes + 3
    assert figure(TREES).actual == Decimal(3500)
    assert figure(BHYT).actual == Decimal("96.2")
    assert figure(COOPERATIVES).note == "Ghi chú mới\nhai dòng"
    for slug in (TREES, BHYT, COOPERATIVES):
        change = figure(slug).changes.first()
        assert change.changed_by.username == "bithu"
        assert change.version == figure(slug).version == 2
    assert Figure.objects.get(pk=untouched.pk).version == untouched.version


def test_a_row_changed_by_someone_else_meanwhile_is_refused_and_the_others_are_saved(
    bithu, django_user_model
):
    _response, data = opened(bithu)
    # Meanwhile another member of the office saves BHYT from its own page.
    other_user = django_user_model.objects.create_user("vanphong", first_name="Lê Thị Hoa")
    other_user.groups.add(*django_user_model.objects.get(username="bithu").groups.all())
    Account.objects.create(user=other_user, committee=Committee.objects.get(slug=CAU_THIA))
    other = signed_in(other_user)
    edit_url = reverse("targets:edit", args=[CAU_THIA, 2023, BHYT])
    other_data = form_data(other.get(edit_url)) | {"actual": "95,9"}
    assert other.post(edit_url, other_data).status_code == 302

    data[field(BHYT, "actual")] = "96,4"
    data[field(TREES, "actual")] = "3.500"
    response = bithu.post(grid_url(), data)

    assert response.status_code == 409
    assert figure(BHYT).actual == Decimal("95.9")  # the other save stands
    assert figure(TREES).actual == Decimal(3500)  # the other row is saved
    page = text_of(response)
    assert "1 dòng chưa được lưu" in page
    row_text = marked_row(response, BHYT, "conflict-row")
    assert "Lê Thị Hoa" in row_text and "95,9" in row_text
    again = form_data(response, {"class": "grid-form"})
    assert again[field(BHYT, "actual")] == "96,4"  # what was typed is kept
    assert again[field(TREES, "actual")] == "3.500"  # the saved row shows what is stored

    # Having seen the other value, the secretary saves hers deliberately.
    response = bithu.post(grid_url(), again, follow=True)
    assert "Đã lưu 1 chỉ tiêu" in text_of(response)
    assert figure(BHYT).actual == Decimal("96.4")


def test_a_six_month_row_changed_meanwhile_comes_back_with_the_six_month_value_stored(
    bithu, alice_client
):
    url = f"{grid_url(2024)}?stage=half"
    data = form_data(bithu.get(url), {"class": "grid-form"})
    half = field(BHYT, "actual_half", 2024)
    assert data[half] == "96,13"
    # Meanwhile alice saves another six-month value from her own grid.
    other = form_data(alice_client.get(url), {"class": "grid-form"}) | {half: "95,8"}
    assert alice_client.post(url, other).status_code == 302

    data[half] = "96,4"
    response = bithu.post(url, data)

    assert response.status_code == 409
    assert figure(BHYT, 2024).actual_half == Decimal("95.8")
    row = re.search(
        rf'<tr id="row-{figure(BHYT, 2024).pk}" class="conflict-row">.*?'
        r'<p class="error" role="alert">(.*?)</p>',
        response.content.decode(),
        re.S,
    )
    stored_now = plain_text(row.group(1))
    assert "alice" in stored_now
    assert "kế hoạch 96,5" in stored_now and "thực hiện 6 tháng 95,8" in stored_now
    assert "cả năm" not in stored_now  # not the full year's actual, which 2024 lacks
    assert form_data(response, {"class": "grid-form"})[half] == "96,4"  # what was typed


def test_a_row_someone_else_changed_but_this_page_did_not_is_left_as_they_saved_it(
    bithu, alice_client
):
    _response, data = opened(bithu)
    edit_url = reverse("targets:edit", args=[CAU_THIA, 2023, TREES])
    edit = alice_client.get(edit_url)
    assert alice_client.post(edit_url, form_data(edit) | {"actual": "3.333"}).status_code == 302
    data[field(BHYT, "actual")] = "96"

    response = bithu.post(grid_url(), data, follow=True)

    assert "Đã lưu 1 chỉ tiêu" in text_of(response)
    assert figure(TREES).actual == Decimal(3333)
    assert figure(BHYT).actual == Decimal(96)


def test_bad_input_in_one_row_is_explained_there_and_the_valid_rows_are_saved(bithu):
    _response, data = opened(bithu)
    before = figure(BHYT)
    data[field(BHYT, "actual")] = "95.77"
    data[field(TREES, "actual")] = "3.100"

    response = bithu.post(grid_url(), data)

    assert response.status_code == 400
    assert figure(TREES).actual == Decimal(3100)
    after = figure(BHYT)
    assert (after.actual, after.version) == (before.actual, before.version)
    assert "hãy viết phần thập phân sau dấu phẩy: 95,77" in marked_row(
        response, BHYT, "invalid-row"
    )
    assert form_data(response, {"class": "grid-form"})[field(BHYT, "actual")] == "95.77"


def test_a_closed_year_is_shown_read_only_and_refuses_a_save(bithu):
    _response, data = opened(bithu)
    close_2023()
    before = stored()

    response = bithu.get(grid_url())
    assert response.status_code == 200
    table = response.content.decode().split('<table class="grid">')[1]
    assert "grid-form" not in response.content.decode()
    assert "<input" not in table and "<textarea" not in table and "<select" not in table
    assert "95,77" in text_of(response)

    data[field(BHYT, "actual")] = "97"
    response = bithu.post(grid_url(), data, follow=True)
    assert "đã chốt số liệu" in text_of(response)
    assert stored() == before


def test_the_grid_is_for_ward_staff_only(bob_client, secretary, demo):
    assert bob_client.get(grid_url()).status_code == 403
    chibo = signed_in(secretary(3))
    before = stored()
    assert chibo.get(grid_url()).status_code == 403
    assert chibo.post(grid_url(), {}).status_code == 403
    assert stored() == before


# --- What the grid costs ------------------------------------------------------------------------

# Showing the grid: 1 the session, 2 the signed-in user, 3-4 the user's and their groups'
# permissions, 5-6 the committee the address names and the user's account (may they read it?),
# 7 the year, 8 its figures with target, area and last editor, 9 the same targets' figures of
# the years before and after, 10 the years for the switcher.
SHOW = 10
# Saving: the first 9 queries of showing it (not the switcher: the answer is a redirect), then
# for each changed row its own transaction (a savepoint inside the test's): the year's closed
# check, the figure as stored, the conditional update and the history row.
SAVE_BASE, SAVE_PER_ROW = 9, 2 + 4


def changed_rows(data, count):
    """Change the actual of the first ``count`` numeric rows of the posted grid to the row's
    plan, confirmed (the generated years' figures of the year before are random: the plan may
    look like a slip beside them)."""
    names = [
        name
        for name in data
        if name.endswith("-actual")
        and not name.startswith("initial-")
        and re.fullmatch(r"[0-9.,]+", data[name] or "")
        and re.fullmatch(r"[0-9.,]+", data[name.replace("-actual", "-plan")] or "")
        and data[name] != data[name.replace("-actual", "-plan")]
    ]
    assert len(names) >= count
    for name in names[:count]:
        data[name] = data[name.replace("-actual", "-plan")]
        data[name.replace("-actual", "-confirm")] = "on"
    return data


@pytest.mark.parametrize("scale", [1, 10])
def test_showing_and_saving_the_grid_costs_fixed_queries_at_40_and_400_targets(
    bithu, django_assert_max_num_queries, django_assert_num_queries, scale
):
    if scale > 1:
        call_command("generate_ward", "--scale", str(scale), verbosity=0)
    assert Target.objects.filter(committee__slug=CAU_THIA).count() == 40 * scale
    bithu.get(grid_url())  # the first page after sign-in also moves the session's expiry
    with django_assert_num_queries(SHOW):
        _response, data = opened(bithu)
    for count in (1, 5):
        _response, data = opened(bithu)
        with django_assert_max_num_queries(SAVE_BASE + SAVE_PER_ROW * count):
            response = bithu.post(grid_url(), changed_rows(data, count))
        assert response.status_code == 302


# --- What a clerk meets on the grid -------------------------------------------------------------

STAGE_INPUT = {"half": "actual_half", "estimate": "actual_estimate", "final": "actual"}
PLAUSIBILITY = "confirm" in FigureForm.base_fields
NO_PLAUSIBILITY = "FigureForm has no plausibility check (plausibility_warnings and confirm) yet"


def inputs_by_row(html):
    """{figure id: the names (without the row's prefix) of the row's inputs a user types in,
    in page order}."""
    return {
        int(pk): re.findall(
            r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*\bname="f\d+-(\w+)"', body
        )
        for pk, body in re.findall(r'<tr id="row-(\d+)"[^>]*>(.*?)</tr>', html, re.S)
    }


@pytest.mark.parametrize("stage", ["half", "estimate", "final"])
def test_the_first_input_of_each_row_is_the_actual_of_the_stage_shown_and_the_plan_next(
    bithu, stage
):
    html = bithu.get(grid_url(2024), {"stage": stage}).content.decode()
    rows = inputs_by_row(html)
    assert len(rows) == 40
    assert {tuple(names) for names in rows.values()} == {
        (STAGE_INPUT[stage], "plan", "reason", "note")
    }


@pytest.mark.parametrize(
    ("year", "stage"), [(2024, "half"), (2024, "estimate"), (2024, "final"), (2023, "final")]
)
def test_the_grid_of_the_demos_40_targets_weighs_at_most_80_kb_at_each_stage(bithu, year, stage):
    response = bithu.get(grid_url(year), {"stage": stage})
    assert response.status_code == 200
    assert len(inputs_by_row(response.content.decode())) == 40
    assert len(response.content) <= 80_000, f"{len(response.content)} bytes"


def test_each_input_is_named_by_its_columns_header_and_its_target(bithu):
    html = bithu.get(grid_url(2024), {"stage": "half"}).content.decode()
    table = html.split('<table class="grid">')[1].split("</table>")[0]
    ids = {
        id_: plain_text(text)
        for id_, text in re.findall(r'<(?:th|a)\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</(?:th|a)>', table)
    }
    controls = re.findall(r"<(?:input|select|textarea)\b(?![^>]*type=\"hidden\")[^>]*>", table)
    assert len(controls) == 160
    names = {}
    for control in controls:
        labelledby = re.search(r'aria-labelledby="([^"]+)"', control)
        assert labelledby, control
        names[re.search(r'name="f\d+-(\w+)"', control).group(0)] = " ".join(
            ids[id_] for id_ in labelledby.group(1).split()
        )
    bhyt = figure(BHYT, 2024).pk
    assert (
        names[f'name="f{bhyt}-actual_half"']
        == "Thực hiện 6 tháng Tỷ lệ dân số tham gia bảo hiểm y tế"
    )
    assert names[f'name="f{bhyt}-plan"'] == "Kế hoạch Tỷ lệ dân số tham gia bảo hiểm y tế"
    assert names[f'name="f{bhyt}-reason"'].startswith("Nguyên nhân chưa đạt Tỷ lệ dân số")


@pytest.mark.parametrize("stage", ["half", "estimate", "final"])
def test_the_dashboards_link_opens_the_grid_at_the_stage_the_dashboard_shows(bithu, stage):
    dashboard = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2024]), {"stage": stage})
    link = re.search(
        r'<a class="button" href="([^"]+)">Nhập số liệu cả năm</a>', dashboard.content.decode()
    )
    assert link.group(1) == f"{grid_url(2024)}?stage={stage}"
    grid = bithu.get(link.group(1))
    stages = re.search(
        r'<nav class="stages".*?<strong aria-current="page">([^<]*)</strong>',
        grid.content.decode(),
        re.S,
    )
    assert (
        stages.group(1)
        == {
            "half": "Thực hiện 6 tháng",
            "estimate": "Ước thực hiện cả năm",
            "final": "Thực hiện cả năm",
        }[stage]
    )
    assert {names[0] for names in inputs_by_row(grid.content.decode()).values()} == {
        STAGE_INPUT[stage]
    }


def test_the_dashboard_shown_without_a_stage_links_to_the_grid_at_the_stage_it_shows(bithu):
    html = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2024])).content.decode()
    # 2024 has estimates and no final figures: the dashboard shows the estimate.
    assert f'href="{grid_url(2024)}?stage=estimate"' in html


def test_the_filters_of_what_is_left_to_do_are_offered_at_each_stage(bithu):
    def filters(stage, year=2024):
        html = bithu.get(grid_url(year), {"stage": stage}).content.decode()
        return [
            (show, plain_text(label))
            for show, label in re.findall(r'data-show="(\w+)"[^>]*>(.*?)</button>', html)
        ]

    assert filters("estimate") == [
        ("all", "Tất cả chỉ tiêu"),
        ("empty", "Chưa có số liệu ở kỳ này"),
        ("below", "Chưa đạt kế hoạch"),
        ("changed", "Đã sửa, chưa lưu"),
    ]
    # At six months a target has no verdict, so nothing is "below plan" yet.
    assert [show for show, _label in filters("half")] == ["all", "empty", "changed"]
    close_2023()
    assert filters("final", 2023) == []


@pytest.mark.parametrize("stage", ["half", "estimate", "final"])
def test_the_grid_posted_back_untouched_at_any_stage_changes_nothing(bithu, stage):
    before = stored()
    data = form_data(bithu.get(grid_url(2024), {"stage": stage}), {"class": "grid-form"})
    response = bithu.post(f"{grid_url(2024)}?stage={stage}", data, follow=True)
    assert "Không có thay đổi" in text_of(response)
    assert stored() == before


def test_an_empty_value_someone_else_filled_meanwhile_is_left_as_they_saved_it(bithu, alice_client):
    url = f"{grid_url(2024)}?stage=final"
    response = bithu.get(url)
    trees = figure(TREES, 2024)
    # An empty value is sent without a hidden copy: the form reads none as empty.
    assert f'name="initial-f{trees.pk}-actual"' not in response.content.decode()
    assert f'name="initial-f{trees.pk}-plan"' in response.content.decode()
    data = form_data(response, {"class": "grid-form"})
    edit_url = reverse("targets:edit", args=[CAU_THIA, 2024, TREES])
    edit = alice_client.get(edit_url)
    assert alice_client.post(edit_url, form_data(edit) | {"actual": "3.333"}).status_code == 302
    data[field(BHYT, "actual", 2024)] = "96"

    response = bithu.post(url, data, follow=True)

    assert "Đã lưu 1 chỉ tiêu" in text_of(response)
    assert figure(TREES, 2024).actual == Decimal(3333)
    assert figure(BHYT, 2024).actual == Decimal(96)


def test_a_value_cleared_on_the_grid_is_saved_empty(bithu):
    url = f"{grid_url(2024)}?stage=half"
    data = form_data(bithu.get(url), {"class": "grid-form"})
    data[field(BHYT, "actual_half", 2024)] = ""
    assert bithu.post(url, data).status_code == 302
    assert figure(BHYT, 2024).actual_half is None


@pytest.mark.skipif(not PLAUSIBILITY, reason=NO_PLAUSIBILITY)
def test_an_implausible_value_comes_back_marked_and_is_saved_once_confirmed(bithu):
    url = f"{grid_url(2024)}?stage=half"
    data = form_data(bithu.get(url), {"class": "grid-form"})
    trees = figure(TREES, 2024)
    data[field(TREES, "actual_half", 2024)] = "30.000"  # ten times the plan of 3.000
    data[field(BHYT, "actual_half", 2024)] = "96,2"

    response = bithu.post(url, data)

    assert response.status_code == 400
    assert figure(BHYT, 2024).actual_half == Decimal("96.2")  # the other row is saved
    assert figure(TREES, 2024).version == trees.version
    row = marked_row(response, TREES, "invalid-row implausible", 2024)
    assert "30.000" in row and "Tôi xác nhận" in row
    assert "cần kiểm tra lại số liệu và đánh dấu ô xác nhận" in text_of(response)
    again = form_data(response, {"class": "grid-form"})
    assert again[field(TREES, "actual_half", 2024)] == "30.000"  # what was typed is kept
    assert f"f{trees.pk}-confirm" not in again  # not ticked for the user

    response = bithu.post(url, again | {f"f{trees.pk}-confirm": "on"}, follow=True)

    assert "Đã lưu 1 chỉ tiêu" in text_of(response)
    assert figure(TREES, 2024).actual_half == Decimal(30000)
