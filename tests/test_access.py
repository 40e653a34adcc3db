"""Every URL of the project, enumerated from the URLconf: who may read, who may write."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cells.models import Task
from targets import imports
from targets.models import Evidence, Figure, Import, Year
from targets.progress import Stage

from .helpers import report_workbook

# Sample values for each URL argument, by name.
ARGUMENTS = {"year": 2023, "slug": "bao-hiem-y-te", "number": 3, "pk": 1}

# Pages any signed-in user may read (a cell secretary only for their own cell).
READ = {
    "home",
    "targets:dashboard",
    "targets:target",
    "cells:overview",
    "cells:cell",
    "cells:task_sheet",
    "cells:digest",
}
# Pages that only ward staff may read: the ward's year-end report.
STAFF_READ = {
    "targets:report",
    "targets:report_docx",
    "targets:report_workbook",
    "targets:evidence",
}
# Pages that change the ward's data: ward staff only.
WRITE = {
    "targets:edit",
    "targets:grid",
    "targets:evidence_upload",
    "targets:next_year",
    "targets:report_text",
    "targets:import_upload",
    "targets:import",
    "cells:task_add",
    "cells:task_edit",
    "cells:task_delete",
    "cells:rating_edit",
    "cells:rating_proposal",
    "cells:share_split",
    "cells:adopt_sum",
    "cells:apply_rating",
    "targets:close",
    "targets:reopen",
}
# What a cell secretary reports for their own cell (ward staff may too): a task's progress, the
# cell's figures for its shares, its self-assessment.
REPORT = {"cells:task_progress", "cells:shares", "cells:rating_self"}
# Pages about one's own account, and the language switch.
ACCOUNT = {"login", "logout", "password_change", "password_change_done", "set_language"}
# The year pages open on, for the menu of a page of no year.
CURRENT = {"cells_home"}
# Open to anyone: the load balancer's health check answers "ok" and shows no data.
PUBLIC = {"health"}


def project_urls():
    """{name: argument names} for every named URL outside the admin."""
    found = {}

    def walk(patterns, namespace, above):
        for pattern in patterns:
            converters = [*above, *pattern.pattern.converters]
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace, converters)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found[name] = converters

    walk(get_resolver().url_patterns, None, [])
    return found


def url_for(name):
    if name == "targets:import_upload":
        return reverse(name, args=[2024])  # an open year
    if name == "targets:import":
        return an_import().get_absolute_url()
    if name == "targets:evidence":
        return evidence_of_bhyt().get_absolute_url()
    if name == "targets:next_year":
        return reverse(name, args=[2024])  # the latest year: the one a next year follows
    if name in ("cells:task_edit", "cells:task_progress", "cells:task_delete"):
        task = Task.objects.filter(cell__number=3, year__year=2023).order_by("pk").first()
        return reverse(name, kwargs={"year": 2023, "number": 3, "pk": task.pk})
    if name in ("cells:share_split", "cells:adopt_sum"):
        # 2024: its plan of trees is split among the cells, seven of which reported at six months.
        return reverse(name, kwargs={"year": 2024, "slug": "trong-cay-phan-tan"})
    if name in ("cells:shares", "cells:rating_self", "cells:rating_proposal"):
        # 2024: cell 3 has shares to report, and its rating is not decided yet.
        return reverse(name, kwargs={"year": 2024, "number": 3})
    # Fill each route's arguments by name: <year:year>, <slug:slug>, <id:number>.
    return reverse(name, kwargs={param: ARGUMENTS[param] for param in project_urls()[name]})


def an_import():
    """A preview of 2024's report workbook with one plan changed, uploaded by alice where the
    test has her, else by the ward secretary (made the first time it is asked for)."""
    imported = Import.objects.filter(year__year=2024, confirmed_at=None).first()
    if imported is None:
        users = get_user_model().objects
        uploader = users.filter(username="alice").first() or users.get(username="bithu")
        imported = Import(
            year=Year.objects.get(year=2024),
            stage=Stage.FINAL,
            file_name="bao-cao-2024.xlsx",
            content=report_workbook(2024, changes={"trong-cay-phan-tan": {"plan": 3100}}),
            uploaded_by=uploader,
        )
        preview = imports.read(bytes(imported.content), imported.year, imported.stage)
        imported.sheet, imported.preview = preview.sheet, preview.as_json()
        imported.save()
    return imported


def evidence_of_bhyt():
    """An evidence file of the 2023 BHYT figure (made the first time it is asked for)."""
    figure = Figure.objects.get(target__slug="bao-hiem-y-te", year__year=2023)
    evidence = figure.evidence.first()
    if evidence is None:
        evidence = Evidence(
            figure=figure,
            name="bien-ban.pdf",
            content_type="application/pdf",
            size=9,
            uploaded_by=get_user_model().objects.get(username="bithu"),
        )
        evidence.file.save("bien-ban.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        evidence.save()
    return evidence


def snapshot():
    """Every row of every model of the project's apps, to show nothing changed."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for app in ("targets", "cells")
        for model in apps.get_app_config(app).get_models()
    }


def test_every_url_is_classified():
    assert set(project_urls()) == READ | STAFF_READ | WRITE | REPORT | ACCOUNT | PUBLIC | CURRENT


@pytest.mark.parametrize(
    "name", sorted(READ | STAFF_READ | WRITE | {"password_change", "password_change_done"})
)
def test_anonymous_requests_are_sent_to_sign_in(demo, name):
    for method in ("get", "post"):
        response = getattr(Client(), method)(url_for(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(WRITE))
def test_a_cell_secretary_on_a_write_url_gets_403_and_nothing_changes(secretary, name):
    client = Client()
    client.force_login(secretary(3))  # even on their own cell
    url = url_for(name)
    before = snapshot()
    assert client.get(url).status_code in (403, 405)
    assert (
        client.post(
            url,
            {
                "actual": "1",
                "description": "x",
                "members": "1",
                "target": "bao-hiem-y-te",
                "version": "1",
            },
        ).status_code
        == 403
    )
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(STAFF_READ))
def test_a_cell_secretary_cannot_read_the_wards_report(secretary, name):
    client = Client()
    client.force_login(secretary(3))
    assert client.get(url_for(name)).status_code == 403


def test_signing_in_with_the_demo_password_and_out_again(db):
    from django.core.management import call_command

    call_command("load_demo", "--password", "mat-khau-thu-2024", verbosity=0)
    client = Client()
    response = client.post(
        reverse("login"), {"username": "chibo2", "password": "mat-khau-thu-2024"}
    )
    assert response.status_code == 302
    assert client.get(reverse("cells:cell", args=[2023, 2])).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # signing out is a POST
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("cells:cell", args=[2023, 2])).status_code == 302


def test_a_wrong_password_is_refused_in_vietnamese(demo):
    response = Client().post(reverse("login"), {"username": "bithu", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_the_health_check_needs_no_sign_in_and_shows_nothing(db):
    response = Client().get(reverse("health"))
    assert (response.status_code, response.content) == (200, b"ok")


def test_the_sign_in_page_and_language_switch_need_no_sign_in(demo):
    assert Client().get(reverse("login")).status_code == 200
    response = Client().post(
        reverse("set_language"), {"language": "en", "next": "/accounts/login/"}
    )
    assert response.status_code == 302
