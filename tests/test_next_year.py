"""Ward staff open the next year from the current one: targets carried over (one retired, one
added), names copied as a starting point, plans entered on the grid; nothing of the old year
changes."""

import re

from django.urls import reverse

from targets.models import Area, Change, Figure, FigureChange, Target, Year

from .helpers import CAU_THIA, form_data, signed_in, text_of


def snapshot(year):
    return (
        list(Year.objects.filter(committee__slug=CAU_THIA, year=year).values()),
        list(
            Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=year)
            .order_by("pk")
            .values()
        ),
        FigureChange.objects.filter(
            figure__year__committee__slug=CAU_THIA, figure__year__year=year
        ).count(),
    )


def test_the_next_year_is_opened_from_2024_with_its_targets_and_2024_unchanged(bithu):
    before = snapshot(2024)
    url = reverse("targets:next_year", args=[CAU_THIA, 2024])
    data = form_data(bithu.get(url), {"class": "figure-form next-year-form"})
    assert data["committee_name"] == "Đảng bộ phường Cầu Thia"  # copied as a starting point
    retired = Target.objects.get(committee__slug=CAU_THIA, slug="dien-tich-lua")
    data["superior_party_body"] = "Đảng bộ tỉnh Lào Cai"
    data.pop("carried")
    carried = [
        str(f.target_id)
        for f in Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2024)
        if f.target != retired
    ]
    data |= {
        "new-0-area": str(
            Target.objects.get(committee__slug=CAU_THIA, slug="bao-hiem-y-te").area_id
        ),
        "new-0-name": "Tỷ lệ hộ gia đình dùng dịch vụ công trực tuyến",
        "new-0-unit": "%",
        "new-0-kind": "rate",
        "new-0-direction": "higher",
    }
    response = bithu.post(url, {**data, "carried": carried})
    assert response.status_code == 302
    assert response.url == reverse("targets:grid", args=[CAU_THIA, 2025])

    year = Year.objects.get(committee__slug=CAU_THIA, year=2025)
    assert (year.superior_party_body, year.executive_name, year.is_closed) == (
        "Đảng bộ tỉnh Lào Cai",
        "Đảng ủy phường Cầu Thia",
        False,
    )
    figures = Figure.objects.filter(year=year)
    assert figures.count() == 40  # 39 carried, 1 added
    assert not figures.filter(target=retired).exists()
    added = Target.objects.get(name="Tỷ lệ hộ gia đình dùng dịch vụ công trực tuyến")
    assert (added.position, added.slug) == (41, "ty-le-ho-gia-dinh-dung-dich-vu-cong-truc-tuyen")
    assert all(f.plan is None and f.actual is None for f in figures)
    assert Change.objects.filter(object_id=year.pk, action="created").exists()
    assert snapshot(2024) == before

    grid = bithu.get(response.url)
    assert "Tỷ lệ hộ gia đình dùng dịch vụ công trực tuyến" in text_of(grid)


def test_a_year_already_set_up_is_not_opened_twice(bithu):
    response = bithu.get(reverse("targets:next_year", args=[CAU_THIA, 2023]))
    assert response.status_code == 302
    assert response.url == reverse("targets:dashboard", args=[CAU_THIA, 2024])


def test_only_ward_staff_open_a_year(secretary, bob_client):
    url = reverse("targets:next_year", args=[CAU_THIA, 2024])
    assert signed_in(secretary(2)).get(url).status_code == 403
    assert bob_client.post(url, {}).status_code == 403
    assert not Year.objects.filter(committee__slug=CAU_THIA, year=2025).exists()


def test_a_new_target_may_be_put_only_in_an_area_of_the_committees_own(bithu):
    """The other commune has areas of the same names: the form offers and takes Cầu Thia's."""
    url = reverse("targets:next_year", args=[CAU_THIA, 2024])
    html = bithu.get(url).content.decode()
    offered = set(
        re.findall(
            r'<option value="(\d+)"', html.split('name="new-0-area"')[1].split("</select>")[0]
        )
    )
    own = {
        str(pk) for pk in Area.objects.filter(committee__slug=CAU_THIA).values_list("pk", flat=True)
    }
    other = Area.objects.exclude(committee__slug=CAU_THIA).first()
    assert other is not None and offered == own
    data = form_data(bithu.get(url)) | {
        "new-0-area": str(other.pk),
        "new-0-name": "Chỉ tiêu mới",
        "new-0-kind": "count",
        "new-0-direction": "higher",
    }
    response = bithu.post(url, data)
    assert response.status_code == 400
    assert not Year.objects.filter(committee__slug=CAU_THIA, year=2025).exists()
