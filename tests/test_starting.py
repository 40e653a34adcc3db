"""Starting a committee, from the command line and from its page: the committee under its
superior with the template's targets and no plans, and an office account that signs in to it
alone; what is refused, in Vietnamese, creating nothing; and the illustrative communes of
generate_communes, made once however often it runs."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from cells.models import Cell, CellYear
from cells.roles import WARD_STAFF
from committees.models import Account, Committee
from targets.models import Figure, FigureChange, Target, Year
from targets.stages import STAGE_FIELDS

from .helpers import CAU_THIA, form_data, signed_in, text_of

PASSWORD = "Vuon-Cam-Trua-7741"
START = reverse("start_committee")


def demo_codes():
    """The keys and numbers of the targets of the demo's current year."""
    current = Committee.objects.get(slug=CAU_THIA).years.current()
    return sorted(current.figures.values_list("target__position", "target__slug"))


def codes_of(committee):
    return sorted(committee.targets.values_list("position", "slug"))


def what_exists():
    """How many committees, users and root rows there are: what a refused start leaves."""
    models = (Committee, get_user_model(), Year, Target, Figure)
    return {model.__name__: model.objects.count() for model in models}


def signs_in(username, password):
    """A client signed in through the sign-in page as a person would."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, text_of(response)
    return client


def office_of(committee, username):
    """A user on ``committee``'s office staff."""
    user = get_user_model().objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name=WARD_STAFF))
    Account.objects.create(user=user, committee=committee)
    return user


@pytest.fixture
def province(demo):
    """The office of the demo's province (lao-cai, above cau-thia, with no targets of its own)."""
    return office_of(Committee.objects.get(slug="lao-cai"), "tinh-vp")


def start(**options):
    out = StringIO()
    arguments = {
        "name": "Đảng bộ xã Minh Họa",
        "slug": "xa-minh-hoa",
        "superior": "lao-cai",
        "template": CAU_THIA,
        "year": 2025,
        "office_user": "minhhoa-vp",
        "office_password": PASSWORD,
    }
    call_command("start_committee", **(arguments | options), stdout=out)
    return out.getvalue()


def assert_started(slug, superior, year):
    """The committee keyed ``slug`` is under ``superior`` with the demo's target codes, each
    with a figure of ``year`` and no plan; returns it."""
    committee = Committee.objects.get(slug=slug)
    assert committee.superior.slug == superior
    assert codes_of(committee) == demo_codes()
    assert list(committee.years.values_list("year", flat=True)) == [year]
    figures = Figure.objects.filter(year__committee=committee)
    assert figures.count() == len(demo_codes())
    assert not figures.exclude(plan=None).exists()
    assert not any(figures.exclude(**{field: None}).exists() for field in STAGE_FIELDS)
    return committee


def assert_its_office_reads_it_alone(username, password, slug, year):
    client = signs_in(username, password)
    assert client.get(f"/{slug}/{year}/").status_code == 200
    assert client.get(f"/{CAU_THIA}/2024/").status_code == 404
    # Landing after signing in: its own committee's year.
    assert client.get(reverse("home"))["Location"] == f"/{slug}/{year}/"


def test_the_command_starts_a_committee_with_the_templates_targets_and_no_plans(demo):
    printed = start()

    committee = assert_started("xa-minh-hoa", "lao-cai", 2025)
    assert "Sign in as minhhoa-vp with the password you gave" in printed
    year = committee.years.get()
    assert (year.committee_name, year.executive_name, year.place_name) == (
        "Đảng bộ xã Minh Họa",
        "Đảng ủy xã Minh Họa",
        "Minh Họa",
    )
    assert year.superior_party_body == "Đảng bộ tỉnh Lào Cai"
    office = get_user_model().objects.get(username="minhhoa-vp")
    assert office.is_staff and office.account.committee == committee
    assert list(office.groups.values_list("name", flat=True)) == [WARD_STAFF]
    assert_its_office_reads_it_alone("minhhoa-vp", PASSWORD, "xa-minh-hoa", 2025)


def test_the_command_makes_a_password_when_given_none_and_prints_it(demo):
    printed = start(office_password=None)

    password = printed.split("with the password: ")[1].split(";")[0]
    assert_its_office_reads_it_alone("minhhoa-vp", password, "xa-minh-hoa", 2025)


def test_without_a_template_the_superiors_targets_are_taken(demo):
    start()

    start(
        name="Chi bộ thôn Dưới",
        slug="thon-duoi",
        superior="xa-minh-hoa",
        template=None,
        executive_name="Chi ủy thôn Dưới",
        place_name="Thôn Dưới",
        office_user="thonduoi-vp",
    )

    assert codes_of(Committee.objects.get(slug="thon-duoi")) == demo_codes()


def test_the_page_starts_a_commune_under_the_province(province):
    client = signed_in(province)
    listing = client.get(reverse("committees:list"))
    assert f'href="{START}"' in listing.content.decode()
    assert "Tạo đảng bộ mới" in text_of(listing)
    page = client.get(START)
    assert page.status_code == 200
    assert "Đảng bộ mới trực thuộc Đảng bộ tỉnh Lào Cai" in text_of(page)
    data = form_data(page) | {
        "name": "Đảng bộ xã Minh Họa",
        "slug": "xa-minh-hoa",
        "template": str(Committee.objects.get(slug=CAU_THIA).pk),
        "username": "minhhoa-vp",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    assert data["year"] and "superior" not in data

    response = client.post(START, data)

    year = int(data["year"])
    assert response.status_code == 302, text_of(response)
    assert response["Location"] == f"/xa-minh-hoa/{year}/"
    # The province reads its new commune's pages.
    assert "Đã tạo Đảng bộ xã Minh Họa" in text_of(client.get(response["Location"]))
    assert_started("xa-minh-hoa", "lao-cai", year)
    assert_its_office_reads_it_alone("minhhoa-vp", PASSWORD, "xa-minh-hoa", year)


def test_a_superuser_chooses_the_superior_and_the_demos_office_starts_under_its_own(demo, alice):
    root = get_user_model().objects.create_superuser("root", password="x")
    client = signed_in(root)
    data = form_data(client.get(START)) | {
        "name": "Đảng bộ xã Minh Họa",
        "slug": "xa-minh-hoa",
        "superior": str(Committee.objects.get(slug="lao-cai").pk),
        "template": str(Committee.objects.get(slug=CAU_THIA).pk),
        "year": "2025",
        "place_name": "Minh Họa",
        "username": "minhhoa-vp",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    assert client.post(START, data).status_code == 302
    assert_started("xa-minh-hoa", "lao-cai", 2025)

    # Alice's committee has targets: the form takes them unless she chooses others.
    alices = signed_in(alice)
    data = form_data(alices.get(START)) | {
        "name": "Chi bộ khu Tổ 5",
        "slug": "to-5",
        "place_name": "Tổ 5",
        "executive_name": "Chi ủy khu Tổ 5",
        "username": "to5-vp",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    assert alices.post(START, data).status_code == 302
    assert_started("to-5", CAU_THIA, int(data["year"]))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"slug": CAU_THIA}, "Mã “cau-thia” đã là mã của một đảng bộ khác."),
        ({"slug": "2025"}, "Mã đảng bộ phải có ít nhất một chữ cái"),
        ({"slug": "admin"}, "“admin” là một địa chỉ riêng của hệ thống."),
        ({"slug": "Xã Minh Họa"}, "Dùng chữ thường không dấu"),
        ({"name": "Đảng bộ phường Cầu Thia"}, "Đã có đảng bộ mang tên “Đảng bộ phường Cầu Thia”."),
        ({"year": "1999"}, "Năm đầu tiên phải từ 2000 đến 2100."),
        ({"username": "bithu"}, "Tên đăng nhập “bithu” đã có người dùng."),
        ({"password": "12345678", "password_again": "12345678"}, "Mật khẩu quá ngắn"),
        ({"password_again": "something-else-9"}, "Hai mật khẩu không khớp nhau."),
    ],
)
def test_bad_input_on_the_page_is_refused_in_vietnamese_and_creates_nothing(
    province, changes, message
):
    client = signed_in(province)
    data = form_data(client.get(START)) | {
        "name": "Đảng bộ xã Minh Họa",
        "slug": "xa-minh-hoa",
        "template": str(Committee.objects.get(slug=CAU_THIA).pk),
        "username": "minhhoa-vp",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    before = what_exists()

    response = client.post(START, data | changes)

    assert response.status_code == 400
    assert message in text_of(response)
    assert what_exists() == before


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"slug": CAU_THIA}, "Mã “cau-thia” đã là mã của một đảng bộ khác."),
        ({"slug": "2025"}, "Mã đảng bộ phải có ít nhất một chữ cái"),
        ({"slug": "admin"}, "“admin” là một địa chỉ riêng của hệ thống."),
        ({"year": 1999}, "--year: Năm đầu tiên phải từ 2000 đến 2100."),
        ({"template": None}, "Đảng bộ tỉnh Lào Cai chưa có chỉ tiêu nào"),
        ({"office_user": "bithu"}, "--office-user: Tên đăng nhập “bithu” đã có người dùng."),
    ],
)
def test_bad_input_to_the_command_is_refused_in_vietnamese_and_creates_nothing(
    demo, changes, message
):
    before = what_exists()

    with pytest.raises(CommandError) as refused:
        start(**changes)

    assert message in str(refused.value)
    assert what_exists() == before


def test_a_committee_started_again_is_refused_whole(demo):
    start()
    before = what_exists()

    with pytest.raises(CommandError, match="--slug: Mã “xa-minh-hoa”"):
        start(office_user="other-vp")

    assert what_exists() == before


def test_no_one_else_may_start_a_committee(demo, bob, secretary):
    for user in (bob, secretary(1)):
        client = signed_in(user)
        assert client.get(START).status_code == 403
        assert client.get(reverse("committees:list")).status_code == 403
        assert client.post(START, {"name": "x"}).status_code == 403
    assert Client().get(START).status_code == 302  # to the sign-in page


def generate(**options):
    out = StringIO()
    arguments = {"count": 3, "superior": "lao-cai", "template": CAU_THIA, "cells": 2}
    call_command("generate_communes", **(arguments | options), stdout=out)
    return out.getvalue()


COMMUNE_ROWS = {
    Committee: "slug__startswith",
    Year: "committee__slug__startswith",
    Target: "committee__slug__startswith",
    Figure: "year__committee__slug__startswith",
    FigureChange: "figure__year__committee__slug__startswith",
    Cell: "committee__slug__startswith",
    CellYear: "cell__committee__slug__startswith",
    Account: "committee__slug__startswith",
}


def commune_rows():
    """Every row of the illustrative communes, each model's as a set of its fields' values."""
    return {
        model.__name__: set(
            model.objects.filter(**{path: "xa-minh-hoa-"}).values_list(
                *[f.attname for f in model._meta.concrete_fields]
            )
        )
        for model, path in COMMUNE_ROWS.items()
    }


def test_generate_communes_twice_creates_the_same_rows_once(demo):
    # The test database has a generated commune already (tests/conftest.py): --count 3 makes
    # the ones missing up to three.
    new = 3 - Committee.objects.filter(slug__startswith="xa-minh-hoa-").count()
    printed = generate(years=[2023, 2024])
    assert (
        f"created {new} communes, {2 * new} years, {40 * new} targets, {80 * new} figures, "
        f"{2 * new} cells, {4 * new} cell years, {new} office accounts" in printed
    )
    rows = commune_rows()

    assert "created 0 communes, 0 years, 0 targets, 0 figures, 0 cells, 0 cell years, 0 office" in (
        generate(years=[2023, 2024])
    )
    assert commune_rows() == rows
    # One more commune adds its own rows only.
    generate(count=4, years=[2023, 2024])
    grown = commune_rows()
    assert all(rows[name] <= grown[name] for name in rows)
    assert len(grown["Target"]) == 160


def test_a_generated_communes_figures_names_and_ratings_are_illustrative(demo):
    generate(years=[2024], password=PASSWORD)

    commune = Committee.objects.get(slug="xa-minh-hoa-2")
    assert commune.name == "Đảng bộ xã Minh Họa 2 (minh họa)"
    assert commune.superior.slug == "lao-cai"
    assert codes_of(commune) == demo_codes()
    figures = Figure.objects.filter(
        year__committee__slug__startswith="xa-minh-hoa-", year__year=2024
    )
    assert figures.count() == 3 * len(demo_codes())
    assert not figures.filter(illustrative=False).exists()
    assert not figures.exclude(note__contains="minh họa").exists()
    assert not figures.filter(plan=None).exists()
    # Each stage has figures; a rate stays within a hundred at every one.
    for field in STAGE_FIELDS:
        assert figures.exclude(**{field: None}).exists()
        assert not figures.filter(target__kind="rate", **{f"{field}__gt": 100}).exists()
    # The same target differs from commune to commune: each commune's values are its own.
    plans = {
        figure.year.committee.slug: figure.plan
        for figure in figures.filter(target__slug="bao-hiem-y-te").select_related("year__committee")
    }
    assert len(set(plans.values())) > 1
    cells = Cell.objects.filter(committee=commune)
    assert cells.count() == 2 and not cells.filter(illustrative=False).exists()
    ratings = CellYear.objects.filter(cell__committee=commune)
    assert ratings.count() == 2 and not ratings.filter(illustrative=False).exists()
    assert_its_office_reads_it_alone("xa-minh-hoa-2-vp", PASSWORD, "xa-minh-hoa-2", 2024)


def test_generated_office_accounts_have_no_password_unless_given(demo):
    generate(count=1, years=[2024])

    office = get_user_model().objects.get(username="xa-minh-hoa-1-vp")
    assert not office.has_usable_password()
    assert office.is_staff and office.account.committee.slug == "xa-minh-hoa-1"


def test_the_start_page_costs_a_fixed_number_of_queries(province, django_assert_num_queries):
    client = signed_in(province)
    client.get(START)  # the first request of a session writes it; the count is of the next

    # 1 the session, 2 the signed-in user, 3 their account, 4 its committee (the one they start
    # under), 5-6 the user's and their groups' permissions, 7 whether their committee has
    # targets of its own, 8 the committees whose targets may be taken (the choices)
    with django_assert_num_queries(8):
        assert client.get(START).status_code == 200
