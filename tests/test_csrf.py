"""Every write needs the CSRF token: without it the answer is 403 and nothing changes."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cells.models import Share
from targets.models import Figure, Year
from targets.views import preview_digest

from .helpers import CAU_THIA, report_workbook
from .test_access import REPORT, WRITE, an_import, project_urls, snapshot, url_for

BHYT = "bao-hiem-y-te"
CELLS_GOOD = "chi-bo-hoan-thanh-tot-nhiem-vu"
NAMES = sorted(WRITE | REPORT | {"logout", "password_change", "set_language"})


def figure(slug, year=2023):
    """The demo ward's figure of the target ``slug`` in ``year``."""
    return Figure.objects.get(year__committee__slug=CAU_THIA, year__year=year, target__slug=slug)


def share_data(share, value):
    """What a share's row posts, as the sheet names it (cells.views.share_rows)."""
    prefix = f"s{share.cell.number}-{share.figure.target_id}"
    return {f"{prefix}-value": value, f"{prefix}-version": share.version}


def valid_data(name):
    """What a form of ``name`` posts; each would be accepted with the token (see below)."""
    task = {
        "target": figure(BHYT).target_id,
        "description": "Vận động hộ gia đình tham gia BHYT",
        "responsible": "Tổ trưởng tổ dân phố số 3",
        "due_date": "31/12/2023",
        "status": "in_progress",
        "note": "",
    }
    bhyt = figure(BHYT)
    bhyt_2024 = figure(BHYT, 2024)
    trees = figure("trong-cay-phan-tan", 2024)
    rating = {  # cell 3's 19 members of 2024, every one rated
        "rating": "good",
        "members_excellent": "2",
        "members_good": "13",
        "members_completed": "3",
        "members_not_completed": "1",
    }
    return {
        "targets:edit": {"plan": "96", "actual": "50", "note": "", "version": bhyt.version},
        "targets:grid": {
            f"f{bhyt.pk}-plan": "96",
            f"f{bhyt.pk}-actual": "50",
            f"f{bhyt.pk}-note": bhyt.note,
            f"f{bhyt.pk}-version": bhyt.version,
        },
        "targets:evidence_upload": {
            "file": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        },
        "targets:next_year": {
            "committee_name": "Đảng bộ phường Cầu Thia",
            "executive_name": "Đảng ủy phường Cầu Thia",
            "superior_party_body": "Đảng bộ tỉnh Lào Cai",
            "place_name": "Cầu Thia",
            "document_code": "BC/ĐU",
            "signing_body": "committee",
            "signer_title": "secretary",
            "excellent_cap_percent": "20",
            "excellent_cap_base": "good_or_better",
            "new-TOTAL_FORMS": "0",
            "new-INITIAL_FORMS": "0",
        },
        "targets:report_text": {
            "results": "Năm 2023, Đảng bộ phường đề ra 40 chỉ tiêu.",
            "shortcomings": "Còn 11 chỉ tiêu chưa đạt.",
            "directions": "Năm 2024 tiếp tục thực hiện.",
            "version": "1",  # the demo's issued text
            "doc-superior_party_body": "Đảng bộ thị xã Nghĩa Lộ",
            "doc-executive_name": "Đảng ủy phường Cầu Thia",
            "doc-document_code": "BC/ĐU",
            "doc-signing_body": "committee",
            "doc-signer_title": "secretary",
            "doc-secretary_name": "Bùi Xuân Vượng",
            "doc-recipients": "Thường trực Thị ủy (b/c)\nLưu Văn phòng Đảng ủy",
            "doc-number": "125",
            "doc-date": "05/01/2024",
        },
        "targets:import_upload": {
            "file": SimpleUploadedFile(
                "bao-cao-2024.xlsx",
                report_workbook(2024, changes={"trong-cay-phan-tan": {"actual": 3200}}),
            ),
            "stage": "final",
        },
        "targets:import": {"action": "write", "shown": preview_digest(an_import())},
        "cells:task_add": task,
        "cells:task_delete": {},
        "cells:task_progress": {"status": "done", "text": "Đã hoàn thành."},
        "cells:shares": share_data(Share.objects.get(cell__number=3, figure=trees), "300"),
        "cells:share_split": {
            key: value
            for share in Share.objects.filter(figure=trees)
            for key, value in share_data(share, "300").items()
        },
        "cells:adopt_sum": {"stage": "half", "version": trees.version},
        "cells:rating_self": rating,
        "cells:rating_proposal": rating,
        "cells:task_edit": task,
        "cells:rating_edit": {
            "secretary_name": "Lò Văn Minh",
            "members": "30",
            "rating": "good",
            "members_excellent": "3",
            "members_good": "20",
            "members_completed": "5",
            "members_not_completed": "2",
        },
        "cells:apply_rating": {"feed": "cells_good", "version": figure(CELLS_GOOD).version},
        "targets:close": {"confirm": "on"},
        "targets:take_estimates": {"taken": bhyt_2024.pk, f"v{bhyt_2024.pk}": bhyt_2024.version},
        "targets:reopen": {"reason": "Sửa số liệu BHYT theo BHXH thị xã"},
        "logout": {},
        "password_change": {
            "old_password": "pw-alice-123",
            "new_password1": "Tre-xanh-bên-sông-Hồng",
            "new_password2": "Tre-xanh-bên-sông-Hồng",
        },
        "set_language": {"language": "en", "next": "/"},
        "start_committee": {
            "name": "Đảng bộ xã Nghĩa An",
            "slug": "nghia-an",
            "year": "2024",
            "username": "vanphong-nghia-an",
            "password": "Tre-xanh-bên-sông-Hồng",
            "password_again": "Tre-xanh-bên-sông-Hồng",
        },
    }[name]


@pytest.fixture
def staff(alice, demo):
    """Ward staff on a client that checks CSRF as a browser's requests are checked."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    # A figure whose actual the ratings would change, so applying a rating writes something.
    cells_good = figure(CELLS_GOOD)
    cells_good.actual = Decimal(9)
    cells_good.reason = "Một chi bộ chưa hoàn thành tốt nhiệm vụ."  # so that the year may close
    cells_good.save()
    return client


def prepare(name, user):
    """Reopening needs a closed year; every other write starts from the demo as loaded."""
    if name == "targets:reopen":
        Year.objects.get(committee__slug=CAU_THIA, year=2023).close(by=user)


def test_every_write_url_of_the_urlconf_is_checked():
    assert set(NAMES) <= set(project_urls())
    assert {"targets:edit", "targets:close", "cells:task_add", "logout"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_post_without_the_csrf_token_is_refused_with_403_and_changes_nothing(staff, alice, name):
    prepare(name, alice)
    url, data = url_for(name), valid_data(name)
    before = snapshot()
    password = alice.password

    response = staff.post(url, data)

    assert response.status_code == 403
    assert snapshot() == before
    alice.refresh_from_db()
    assert alice.password == password
    assert staff.session.get("_auth_user_id") == str(alice.pk)  # still signed in
    assert "django_language" not in response.cookies


@pytest.mark.parametrize("name", NAMES)
def test_the_same_post_with_the_csrf_token_is_accepted(staff, alice, name):
    """The control for the test above: its 403 comes from the missing token alone."""
    prepare(name, alice)
    staff.get(reverse("targets:dashboard", args=[CAU_THIA, 2023]))
    token = staff.cookies["csrftoken"].value
    url, data = url_for(name), valid_data(name)
    before = snapshot()

    response = staff.post(url, data | {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    if name == "logout":
        assert "_auth_user_id" not in staff.session
    elif name == "password_change":
        alice.refresh_from_db()
        assert alice.check_password("Tre-xanh-bên-sông-Hồng")
    elif name == "set_language":
        assert response.cookies["django_language"].value == "en"
    else:
        assert snapshot() != before


def test_the_login_form_refuses_a_post_without_the_token_even_with_the_right_password(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_edit_form_gives_a_token_that_makes_the_save_succeed(staff):
    url = reverse("targets:edit", args=[CAU_THIA, 2023, BHYT])
    page = staff.get(url)
    assert page.status_code == 200
    assert page.cookies["csrftoken"].value
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert tokens

    data = {"plan": "96", "actual": "96,10", "note": "", "version": figure(BHYT).version}
    assert staff.post(url, data).status_code == 403
    assert figure(BHYT).actual == Decimal("95.77")

    response = staff.post(url, data | {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert figure(BHYT).actual == Decimal("96.10")


def post_forms(html):
    """(opening tag, body) of every form of the page that posts."""
    return [
        (tag, body)
        for tag, body in re.findall(r"(<form\b[^>]*>)(.*?)</form>", html, flags=re.S | re.I)
        if re.search(r"""\bmethod=["']?post\b""", tag, flags=re.I)
    ]


@pytest.mark.parametrize(
    ("page", "actions"),
    [
        # page, and the actions of its forms besides the language switch and sign out, each by
        # its name and its arguments after the committee's key
        (("targets:dashboard", [2023]), []),
        (("targets:close", [2024]), [("targets:take_estimates", [2024])]),
        (("targets:target", [2023, BHYT]), []),
        (("targets:edit", [2023, BHYT]), []),
        (("cells:overview", [2023]), [("cells:apply_rating", [2023])]),
        (("cells:cell", [2023, 3]), []),
    ],
)
def test_every_form_that_posts_carries_the_csrf_token(staff, page, actions):
    name, args = page
    response = staff.get(
        reverse(name, args=[CAU_THIA, *args]), {"year": 2023} if name.startswith("cells") else {}
    )
    assert response.status_code == 200
    forms = post_forms(response.content.decode())
    opened = " ".join(tag for tag, _body in forms)
    for action, args in actions:
        assert f'action="{reverse(action, args=[CAU_THIA, *args])}"' in opened
    for action in ("set_language", "logout"):
        assert f'action="{reverse(action)}"' in opened
    assert len(forms) >= 2 + len(actions)
    for tag, body in forms:
        assert re.search(r'<input type="hidden" name="csrfmiddlewaretoken" value="\w+">', body), tag
