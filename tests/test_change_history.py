"""Ratings, tasks, targets and years keep a history as figures do: who, when, before and after,
written with the change itself and shown in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from cells.models import CellYear, Task
from cells.roles import WARD_STAFF
from committees.models import Account, Committee
from targets.models import Change, Target, Year

from .helpers import CAU_THIA, form_data, task_url, text_of


def history(record):
    return list(
        Change.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).order_by("pk")
    )


@pytest.fixture
def staff(django_user_model, demo):
    user = django_user_model.objects.create_user("vanphong", is_staff=True, first_name="Lê Hoa")
    user.groups.add(Group.objects.get(name=WARD_STAFF))
    Account.objects.create(user=user, committee=Committee.objects.get(slug=CAU_THIA))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def test_a_task_edited_on_its_page_keeps_who_when_before_and_after(staff):
    task = (
        Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2023, cell__number=3)
        .exclude(status="done")
        .first()
    )
    before = task.status
    data = form_data(staff.get(task_url(task))) | {"status": "done", "note": "Đã xong"}
    assert staff.post(task_url(task), data).status_code == 302

    change = history(task)[-1]
    assert (change.action, change.changed_by) == ("changed", staff.user)
    assert change.changed_fields["status"] == (before, "done")
    assert change.changed_fields["note"] == (task.note, "Đã xong")
    assert set(change.changed_fields) == {"status", "note"}


def test_a_new_task_and_a_rating_are_recorded_as_created_and_changed(staff):
    url = reverse("cells:task_add", kwargs={"committee": CAU_THIA, "year": 2024, "number": 5})
    data = form_data(staff.get(url)) | {
        "target": Target.objects.get(committee__slug=CAU_THIA, slug="bao-hiem-y-te").pk,
        "description": "Vận động hộ gia đình tham gia BHYT",
        "responsible": "Tổ trưởng tổ dân phố số 5",
    }
    assert staff.post(url, data).status_code == 302
    task = Task.objects.get(description="Vận động hộ gia đình tham gia BHYT")
    created = history(task)
    assert [(c.action, c.before, c.after["responsible"]) for c in created] == [
        ("created", None, "Tổ trưởng tổ dân phố số 5")
    ]

    cell_year = CellYear.objects.get(
        year__committee__slug=CAU_THIA, year__year=2024, cell__number=5
    )
    url = reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2024, "number": 5})
    data = form_data(staff.get(url)) | {"members_good": "3", "members": "30"}
    assert staff.post(url, data).status_code == 302
    change = history(cell_year)[-1]
    assert change.changed_fields["members_good"] == (0, 3)
    assert change.changed_by == staff.user


def test_a_target_and_a_year_edited_in_the_admin_keep_their_history_and_show_it(staff):
    admin = Client()
    root = type(staff.user).objects.create_superuser("root", password="pw-root-1234")
    admin.force_login(root)
    target = Target.objects.get(committee__slug=CAU_THIA, slug="bao-hiem-y-te")
    url = reverse("admin:targets_target_change", args=[target.pk])
    data = form_data(admin.get(url), {"id": "target_form"}) | {"unit": "% dân số"}
    assert admin.post(url, data).status_code == 302
    change = history(target)[-1]
    assert (change.changed_by, change.changed_fields) == (root, {"unit": ("%", "% dân số")})
    page = text_of(admin.get(url))
    assert "unit : % → % dân số" in page and "root" in page

    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    url = reverse("admin:targets_year_change", args=[year.pk])
    data = form_data(admin.get(url), {"id": "year_form"}) | {"report_number": "12"}
    assert admin.post(url, data).status_code == 302
    assert history(year)[-1].changed_fields == {"report_number": ("", "12")}
    assert "report_number : – → 12" in text_of(admin.get(url))


def test_a_task_deleted_in_the_admin_one_by_one_or_in_bulk_leaves_its_last_state(
    django_user_model, demo
):
    admin = Client()
    root = django_user_model.objects.create_superuser("root", password="pw-root-1234")
    admin.force_login(root)
    tasks = list(Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2023)[:3])
    admin.post(reverse("admin:cells_task_delete", args=[tasks[0].pk]), {"post": "yes"})
    admin.post(
        reverse("admin:cells_task_changelist"),
        {"action": "delete_selected", "_selected_action": [t.pk for t in tasks[1:]], "post": "yes"},
    )
    for task in tasks:
        assert not Task.objects.filter(pk=task.pk).exists()
        deleted = history(task)[-1]
        assert (deleted.action, deleted.changed_by, deleted.after) == ("deleted", root, None)
        assert deleted.before["description"] == task.description


def test_saving_with_no_change_records_nothing(demo):
    task = Task.objects.first()
    count = Change.objects.count()
    task.save()
    assert Change.objects.count() == count


@pytest.mark.parametrize(
    "statement", ["UPDATE targets_change SET action = 'created'", "DELETE FROM targets_change"]
)
def test_the_database_refuses_to_alter_this_history(postgres, staff, statement):
    task = Task.objects.first()
    task.note = "ghi chú mới"
    task.save(changed_by=staff.user)
    count = Change.objects.count()
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Change.objects.count() == count
