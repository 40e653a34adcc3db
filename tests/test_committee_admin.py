"""The admin is each committee's own: an office's staff list, open and choose the rows of the
committee they work for, never another's, and what they add is their committee's; a superuser
sets up a committee and its first office account there, and sees every committee's rows.

Nghĩa An, a second committee, is made with a row of every model the admin lists. Cầu Thia's
office (alice, given every view permission beside her role's, so that no list is hidden from her
by a permission she lacks) must never meet one of them, and Nghĩa An's office (its user
nghia_an_office, given the same) must meet exactly those."""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db.models import Max
from django.urls import reverse

from cells.models import Cell, CellSecretary, CellYear, RatingStep, Share, Task, TaskNote
from cells.roles import CELL_SECRETARIES, WARD_STAFF
from committees.models import Account, Committee
from targets.models import Area, Change, Figure, Import, ReportText, Target, Year
from targets.stages import Stage

from .helpers import CAU_THIA, form_data, plain_text, signed_in

# The admin's models that are no committee's: the roles every committee's users are given,
# and the sign-in guard's records of attempts.
SHARED = {"auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
OTHER = "nghia-an"
# In the name of each of Nghĩa An's rows and users that a page could show.
OTHER_NAMES = ("Nghĩa An", "nghia_an")
PASSWORD = "q7#Lx9!vT2mZ"


def committees_models():
    return sorted(
        (model for model in admin.site._registry if model._meta.label_lower not in SHARED),
        key=lambda model: model._meta.label,
    )


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def listed(page, model):
    """The keys of the rows a list links to."""
    change = re.escape(admin_url(model, "change", 0)).replace("/0/", r"/(\d+)/")
    return {int(pk) for pk in re.findall(change, page.content.decode())}


def result_count(page):
    """How many rows a list counts (the last number of its paginator)."""
    paginator = re.search(r'<p class="paginator">(.*?)</p>', page.content.decode(), re.S)
    return int(re.findall(r"\d[\d.]*", plain_text(paginator[1]))[-1].replace(".", ""))


def options(page, name):
    """The values a select of the page's form offers, the empty choice aside."""
    select = re.search(
        rf'<select\b[^>]*name="{name}"[^>]*>(.*?)</select>', page.content.decode(), re.S
    )
    return {value for value in re.findall(r'value="([^"]*)"', select[1]) if value}


def browser_form(page):
    """The data a browser posts from the page's form: form_data, except that a ticked box
    without a value sends "on", and a list of several choices with none chosen sends nothing."""
    html = page.content.decode()
    data = form_data(page)
    for tag in re.findall(r'<input\b[^>]*type="checkbox"[^>]*>', html):
        if " checked" in tag and "value=" not in tag:
            data[re.search(r'name="([^"]+)"', tag)[1]] = "on"
    for name, choices in re.findall(
        r'<select\b[^>]*name="([^"]+)"[^>]*\bmultiple\b[^>]*>(.*?)</select>', html, re.S
    ):
        if "selected" not in choices:
            data.pop(name, None)
    return data


def form_error_codes(page):
    return {
        error.code
        for errors in page.context["adminform"].form.errors.as_data().values()
        for error in errors
    }


def sees_every_list(user):
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[f"view_{model._meta.model_name}" for model in committees_models()]
        )
    )


@pytest.fixture
def nghia_an(demo, alice, django_user_model):
    """Nghĩa An, a commune under Lào Cai beside Cầu Thia, with a row of every model the admin
    lists, and its office's user; returns {model: the keys of Nghĩa An's rows}."""
    before = {
        model: model._default_manager.aggregate(last=Max("pk"))["last"] or 0
        for model in committees_models()
    }
    committee = Committee.objects.create(
        name="Đảng bộ xã Nghĩa An", slug=OTHER, superior=Committee.objects.get(slug="lao-cai")
    )
    office = django_user_model.objects.create_user("nghia_an_office", is_staff=True)
    office.groups.add(Group.objects.get(name=WARD_STAFF))
    secretary = django_user_model.objects.create_user("nghia_an_cell1")
    for user in (office, secretary):
        Account.objects.create(user=user, committee=committee)
    year = Year(
        committee=committee,
        year=2024,
        committee_name="Đảng bộ xã Nghĩa An",
        executive_name="Đảng ủy xã Nghĩa An",
        superior_party_body="Đảng bộ tỉnh Lào Cai",
        place_name="Nghĩa An",
    )
    year.save(changed_by=office)
    area = Area.objects.create(committee=committee, position=1, name="Nông nghiệp Nghĩa An")
    target = Target(
        committee=committee,
        area=area,
        position=1,
        slug="ho-ngheo",
        name="Giảm hộ nghèo Nghĩa An",
        unit="hộ",
        kind="count",
    )
    target.save(changed_by=office)
    figure = Figure(target=target, year=year, plan=Decimal(8))
    figure.save(changed_by=office)
    figure.actual = Decimal(5)
    figure.save(changed_by=office)
    ReportText(
        year=year, stage=Stage.FINAL, results="Đạt.", shortcomings="Chưa.", directions="Tiếp."
    ).save(changed_by=office)
    Import.objects.create(year=year, stage=Stage.FINAL, file_name="Nghĩa An.xlsx")
    cell = Cell.objects.create(committee=committee, number=1, name="Chi bộ thôn Nghĩa An 1")
    CellSecretary.objects.create(user=secretary, cell=cell)
    cell_year = CellYear(cell=cell, year=year, members=12)
    cell_year.save(changed_by=office)
    task = Task(
        cell=cell, target=target, year=year, description="Rà soát hộ nghèo.", responsible="Bí thư"
    )
    task.save(changed_by=office)
    Share(cell=cell, figure=figure, year=year, plan=Decimal(2)).save(changed_by=office)
    TaskNote.objects.create(task=task, year=year, text="Đã rà soát.", written_by=secretary)
    RatingStep(cell_year=cell_year, year=year, step="self", rating="good").save(
        changed_by=secretary
    )
    sees_every_list(alice)
    sees_every_list(office)
    return {
        model: set(model._default_manager.filter(pk__gt=before[model]).values_list("pk", flat=True))
        for model in committees_models()
    }


@pytest.fixture
def nghia_an_office(nghia_an, django_user_model):
    return signed_in(django_user_model.objects.get(username="nghia_an_office"))


@pytest.fixture
def superuser(demo, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.mark.parametrize("label", [model._meta.label for model in committees_models()])
def test_every_list_shows_the_offices_own_committees_rows_and_names_no_others(
    label, nghia_an, alice_client, nghia_an_office, superuser
):
    model = apps.get_model(label)
    others = nghia_an[model]
    assert others, f"give Nghĩa An a row of {label} in the fixture"
    theirs = nghia_an_office.get(admin_url(model, "changelist"))
    assert (result_count(theirs), listed(theirs, model)) == (len(others), others)
    mine = alice_client.get(admin_url(model, "changelist"))
    has_own = model._default_manager.exclude(pk__in=others).exists()
    assert (mine.status_code, bool(listed(mine, model))) == (200, has_own)
    # Its filters too: another committee's areas, cells and users are never offered.
    assert not any(name in plain_text(mine.content.decode()) for name in OTHER_NAMES)
    asked = alice_client.get(admin_url(model, "changelist"), {"id__in": ",".join(map(str, others))})
    assert (result_count(asked), listed(asked, model)) == (0, set())
    every = signed_in(superuser).get(admin_url(model, "changelist"))
    assert result_count(every) == model._default_manager.count()
    # The superuser's list says which committee each row is of (a committee's is itself).
    shown = "Đảng bộ xã Nghĩa An" in plain_text(every.content.decode())
    assert shown or model in (Committee, Change)


def test_another_committees_row_is_not_found_and_cannot_be_changed_or_deleted(
    nghia_an, alice_client
):
    """Django's answer to a row outside the list: back to the admin's index."""
    for model in committees_models():
        for view in ("change", "history"):
            page = alice_client.get(admin_url(model, view, min(nghia_an[model])))
            assert (page.status_code, page.url) == (302, reverse("admin:index")), (model, view)
    target = Target.objects.get(committee__slug=OTHER)
    changed = alice_client.post(admin_url(Target, "change", target.pk), {"name": "Đổi tên"})
    assert (changed.status_code, changed.url) == (302, reverse("admin:index"))
    target.refresh_from_db()
    assert target.name == "Giảm hộ nghèo Nghĩa An"
    task = Task.objects.get(year__committee__slug=OTHER)
    deleted = alice_client.post(admin_url(Task, "delete", task.pk), {"post": "yes"})
    assert (deleted.status_code, deleted.url) == (302, reverse("admin:index"))
    assert Task.objects.filter(pk=task.pk).exists()


def test_a_form_offers_and_takes_only_the_offices_own_committees_records(
    nghia_an, alice, alice_client, bob
):
    alice.user_permissions.add(Permission.objects.get(codename="add_cellsecretary"))
    cau_thia = Committee.objects.get(slug=CAU_THIA)
    other = Committee.objects.get(slug=OTHER)
    theirs = {
        "area": other.areas.get(),
        "cell": other.cells.get(),
        "target": other.targets.get(),
        "year": other.years.get(),
        "user": other.accounts.get(user__username="nghia_an_cell1").user,
    }

    add_target = alice_client.get(admin_url(Target, "add"))
    assert options(add_target, "area") == {
        str(pk) for pk in cau_thia.areas.values_list("pk", flat=True)
    }
    target = form_data(add_target) | {"position": 99, "slug": "moi", "name": "Mới", "kind": "count"}
    refused = alice_client.post(admin_url(Target, "add"), target | {"area": theirs["area"].pk})
    assert refused.status_code == 200 and "area" in refused.context["adminform"].form.errors
    assert not Target.objects.filter(slug="moi").exists()

    add_task = alice_client.get(admin_url(Task, "add"))
    task = form_data(add_task) | {
        "cell": cau_thia.cells.first().pk,
        "target": cau_thia.targets.first().pk,
        "year": cau_thia.years.get(year=2024).pk,
        "description": "Nhiệm vụ thử.",
        "responsible": "Bí thư",
    }
    for field in ("cell", "target", "year"):
        assert str(theirs[field].pk) not in options(add_task, field)
        refused = alice_client.post(admin_url(Task, "add"), task | {field: theirs[field].pk})
        assert refused.status_code == 200 and field in refused.context["adminform"].form.errors
    assert not Task.objects.filter(description="Nhiệm vụ thử.").exists()

    add_secretary = alice_client.get(admin_url(CellSecretary, "add"))
    assert str(theirs["user"].pk) not in options(add_secretary, "user")
    own = {"user": bob.pk, "cell": cau_thia.cells.first().pk}
    for field in ("user", "cell"):
        refused = alice_client.post(
            admin_url(CellSecretary, "add"), own | {field: theirs[field].pk}
        )
        assert refused.status_code == 200 and field in refused.context["adminform"].form.errors
    assert not CellSecretary.objects.filter(
        user__in=[bob, theirs["user"]], cell__committee=cau_thia
    ).exists()
    assert alice_client.post(admin_url(CellSecretary, "add"), own).status_code == 302


def test_a_row_the_office_adds_is_its_committees_whatever_is_posted(nghia_an, alice_client):
    cau_thia = Committee.objects.get(slug=CAU_THIA)
    other = Committee.objects.get(slug=OTHER)
    add_year = alice_client.get(admin_url(Year, "add"))
    assert re.search(r'<select\b[^>]*name="committee"[^>]*\bdisabled\b', add_year.content.decode())
    year = form_data(add_year) | {
        "year": 2025,
        "committee": other.pk,
        "committee_name": "Đảng bộ phường Cầu Thia",
        "executive_name": "Đảng ủy phường Cầu Thia",
        "superior_party_body": "Đảng bộ tỉnh Lào Cai",
        "place_name": "Cầu Thia",
    }
    assert alice_client.post(admin_url(Year, "add"), year).status_code == 302
    assert cau_thia.years.filter(year=2025).exists() and not other.years.filter(year=2025).exists()

    target = form_data(alice_client.get(admin_url(Target, "add"))) | {
        "committee": other.pk,
        "area": cau_thia.areas.first().pk,
        "position": 99,
        "slug": "moi",
        "name": "Mới",
        "kind": "count",
    }
    assert alice_client.post(admin_url(Target, "add"), target).status_code == 302
    assert Target.objects.get(slug="moi").committee == cau_thia
    # Its committee's numbering holds in the form, as the committee is part of the form.
    taken = target | {"slug": "moi-2"}
    refused = alice_client.post(admin_url(Target, "add"), taken)
    assert refused.status_code == 200 and not Target.objects.filter(slug="moi-2").exists()


def test_the_office_adds_its_committees_users_and_gives_only_the_roles_it_holds(
    nghia_an, alice_client, bob, superuser, django_user_model
):
    users = django_user_model
    add = alice_client.get(admin_url(users, "add"))
    new = form_data(add) | {"username": "hoa", "password1": PASSWORD, "password2": PASSWORD}
    assert alice_client.post(admin_url(users, "add"), new).status_code == 302
    assert Account.objects.get(user__username="hoa").committee.slug == CAU_THIA

    change = alice_client.get(admin_url(users, "change", bob.pk))
    html = change.content.decode()
    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
    roles = Group.objects.filter(name__in=[WARD_STAFF, CELL_SECRETARIES])
    assert options(change, "groups") == {str(pk) for pk in roles.values_list("pk", flat=True)}
    granted = Group.objects.create(name="Kiểm tra")
    granted.permissions.add(Permission.objects.get(codename="delete_year"))
    again = alice_client.get(admin_url(users, "change", bob.pk))
    assert str(granted.pk) not in options(again, "groups")
    posted = browser_form(change) | {
        "is_superuser": "on",
        "user_permissions": Permission.objects.get(codename="delete_year").pk,
        "groups": [granted.pk],
    }
    refused = alice_client.post(admin_url(users, "change", bob.pk), posted)
    assert refused.status_code == 200 and "groups" in refused.context["adminform"].form.errors
    saved = alice_client.post(admin_url(users, "change", bob.pk), posted | {"groups": []})
    assert saved.status_code == 302
    bob.refresh_from_db()
    assert (bob.is_superuser, bob.user_permissions.exists(), bob.groups.exists()) == (
        False,
        False,
        False,
    )

    # A superuser, were it given an account of the committee, is out of the office's reach.
    Account.objects.create(user=superuser, committee=Committee.objects.get(slug=CAU_THIA))
    page = alice_client.get(admin_url(users, "change", superuser.pk))
    assert (page.status_code, page.url) == (302, reverse("admin:index"))
    password = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert alice_client.get(password).status_code == 404
    assert (
        alice_client.post(password, {"password1": PASSWORD, "password2": PASSWORD}).status_code
        == 404
    )


def test_a_superuser_sets_up_a_committee_and_its_office_which_then_works_in_it_alone(
    superuser, client, django_user_model
):
    client.force_login(superuser)
    lao_cai = Committee.objects.get(slug="lao-cai")
    add = client.get(admin_url(Committee, "add"))
    committee = form_data(add) | {
        "name": "Đảng bộ phường Pú Trạng",
        "slug": "pu-trang",
        "superior": lao_cai.pk,
    }
    assert client.post(admin_url(Committee, "add"), committee | {"slug": "2025"}).status_code == 200
    assert client.post(admin_url(Committee, "add"), committee).status_code == 302
    pu_trang = Committee.objects.get(slug="pu-trang")
    assert pu_trang.superior == lao_cai

    users = django_user_model
    add = client.get(admin_url(users, "add"))
    user = form_data(add) | {
        "username": "vanphong",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "account-0-committee": pu_trang.pk,
    }
    assert client.post(admin_url(users, "add"), user).status_code == 302
    office = users.objects.get(username="vanphong")
    assert office.account.committee == pu_trang
    change = client.get(admin_url(users, "change", office.pk))
    role = browser_form(change) | {
        "is_staff": "on",
        "groups": Group.objects.get(name=WARD_STAFF).pk,
    }
    assert client.post(admin_url(users, "change", office.pk), role).status_code == 302

    theirs = signed_in(office)
    assert (
        "Quản trị – Đảng bộ phường Pú Trạng" in theirs.get(reverse("admin:index")).content.decode()
    )
    assert theirs.get(f"/{pu_trang.slug}/").status_code == 404  # no year yet
    year = form_data(theirs.get(admin_url(Year, "add"))) | {
        "year": 2025,
        "committee_name": "Đảng bộ phường Pú Trạng",
        "executive_name": "Đảng ủy phường Pú Trạng",
        "superior_party_body": "Đảng bộ tỉnh Lào Cai",
        "place_name": "Pú Trạng",
    }
    assert theirs.post(admin_url(Year, "add"), year).status_code == 302
    assert (
        "Quản trị – Đảng ủy phường Pú Trạng" in theirs.get(reverse("admin:index")).content.decode()
    )
    landing = theirs.get(f"/{pu_trang.slug}/", follow=True)
    assert (landing.status_code, landing.redirect_chain[-1][0]) == (200, f"/{pu_trang.slug}/2025/")
    assert theirs.get(f"/{CAU_THIA}/").status_code == 404
    assert theirs.get(f"/{CAU_THIA}/2024/").status_code == 404


def test_a_superuser_is_refused_a_row_that_mixes_committees(nghia_an, superuser, client):
    client.force_login(superuser)
    target = form_data(client.get(admin_url(Target, "add"))) | {
        "committee": Committee.objects.get(slug=CAU_THIA).pk,
        "area": Area.objects.get(committee__slug=OTHER).pk,
        "position": 99,
        "slug": "moi",
        "name": "Mới",
        "kind": "count",
    }
    refused = client.post(admin_url(Target, "add"), target)
    assert refused.status_code == 200 and form_error_codes(refused) == {"committees"}
    assert not Target.objects.filter(slug="moi").exists()
    figure = form_data(client.get(admin_url(Figure, "add"))) | {
        "target": Target.objects.get(committee__slug=OTHER).pk,
        "year": Year.objects.get(committee__slug=CAU_THIA, year=2024).pk,
        "plan": "1",
    }
    refused = client.post(admin_url(Figure, "add"), figure)
    assert refused.status_code == 200 and form_error_codes(refused) == {"committees"}


def test_the_admin_is_titled_with_its_users_own_committee(nghia_an, alice_client, nghia_an_office):
    assert (
        "Quản trị – Đảng ủy phường Cầu Thia"
        in alice_client.get(reverse("admin:index")).content.decode()
    )
    assert (
        "Quản trị – Đảng ủy xã Nghĩa An"
        in nghia_an_office.get(reverse("admin:index")).content.decode()
    )


def test_an_office_views_its_own_committee_and_changes_none(nghia_an, alice_client):
    own = Committee.objects.get(slug=CAU_THIA)
    other = Committee.objects.get(slug=OTHER)
    page = alice_client.get(admin_url(Committee, "change", own.pk))
    assert page.status_code == 200 and "alice" in plain_text(page.content.decode())
    assert alice_client.get(admin_url(Committee, "add")).status_code == 403
    renamed = alice_client.post(admin_url(Committee, "change", own.pk), {"name": "X", "slug": "x"})
    assert renamed.status_code == 403
    assert alice_client.get(admin_url(Committee, "change", other.pk)).status_code == 302
    assert alice_client.get(admin_url(Account, "add")).status_code == 403
