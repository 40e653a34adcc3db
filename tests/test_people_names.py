"""People are named as the ward writes them ("Đồng Thị Dưỡng"), by their login only where the
account has no name: in the header, a figure's history, the rating's steps, progress notes, the
cell's digest, the dashboard's closings and the admin's lists."""

import re

import pytest
from django.urls import reverse

from cells.models import CellYear, Task
from targets.models import Year

from .helpers import CAU_THIA, form_data, plain_text, rows_of, signed_in, text_of

BHYT = "bao-hiem-y-te"
# The demo's secretary of cell 2, as the article names her, and the ward secretary.
DUONG = "Đồng Thị Dưỡng"
VUONG = "Bùi Xuân Vượng"


@pytest.fixture
def chibo2(secretary):
    return signed_in(secretary(2))


def header(response):
    """Who the page's header says is signed in."""
    link = re.search(
        r'<a href="{}"[^>]*>(.*?)</a>'.format(reverse("password_change")),
        response.content.decode(),
    )
    return plain_text(link.group(1))


def edit_figure(client, slug, **values):
    """Save the figure's edit page as rendered, with ``values`` typed in."""
    url = reverse("targets:edit", args=[CAU_THIA, 2024, slug])
    response = client.post(url, form_data(client.get(url)) | values)
    assert response.status_code == 302
    return response


def rate(client, step, rating, counts, number=2):
    url = reverse(f"cells:{step}", kwargs={"committee": CAU_THIA, "year": 2024, "number": number})
    levels = ["members_excellent", "members_good", "members_completed", "members_not_completed"]
    counted = dict(zip(levels, map(str, counts), strict=True))
    data = form_data(client.get(url)) | {"rating": rating} | counted
    assert client.post(url, data).status_code == 302


def test_the_demo_accounts_carry_the_names_their_years_write(demo, django_user_model):
    users = django_user_model.objects
    assert users.get(username="bithu").get_full_name() == VUONG
    assert Year.objects.get(committee__slug=CAU_THIA, year=2024).secretary_name == VUONG
    for cell_year in CellYear.objects.filter(
        year__committee__slug=CAU_THIA, year__year=2024
    ).select_related("cell"):
        user = users.get(username=f"chibo{cell_year.cell.number}")
        # The whole name in first_name, in the ward's order (see load_demo).
        assert (user.first_name, user.last_name) == (cell_year.secretary_name, "")
    assert users.get(username="chibo2").get_full_name() == DUONG


def test_the_header_names_the_signed_in_user_by_full_name_else_by_login(bithu, alice_client):
    assert header(bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2024]))) == VUONG
    assert header(alice_client.get(reverse("targets:dashboard", args=[CAU_THIA, 2024]))) == "alice"


def test_a_figures_history_and_last_change_name_who_saved_it(bithu, alice, demo):
    edit_figure(bithu, BHYT, actual_estimate="97,5")
    page = bithu.get(reverse("targets:target", args=[CAU_THIA, 2024, BHYT]))
    history = [row.split(" | ") for row in rows_of(page) if "→" in row]
    # Who, plan, six months, nine months, estimate.
    assert history[0][1:6] == [VUONG, "96,5", "96,13", "–", "97,42 → 97,5"]
    assert f"· {VUONG} ·" in text_of(page)  # last changed

    edit_figure(signed_in(alice), BHYT, actual_estimate="97,6")
    page = bithu.get(reverse("targets:target", args=[CAU_THIA, 2024, BHYT]))
    history = [row for row in rows_of(page) if "→" in row]
    assert [row.split(" | ")[1] for row in history[:2]] == ["alice", VUONG]
    assert "· alice ·" in text_of(page)
    assert "bithu" not in text_of(page)


def test_the_rating_steps_and_the_digest_name_who_took_each_step(chibo2, alice, bithu):
    rate(chibo2, "rating_self", "excellent", (5, 17, 3, 0))
    rate(signed_in(alice), "rating_proposal", "good", (4, 18, 3, 0))
    kwargs = {"committee": CAU_THIA, "year": 2024, "number": 2}

    cell_page = text_of(bithu.get(reverse("cells:cell", kwargs=kwargs)))
    assert f"({DUONG}," in cell_page and "(alice," in cell_page
    assert "chibo2" not in cell_page

    digest = bithu.get(reverse("cells:digest", kwargs=kwargs)).content.decode()
    rating = plain_text(digest.rsplit("<h2>", 1)[1])  # the rating, the digest's last part
    assert f"Hoàn thành xuất sắc nhiệm vụ ({DUONG})" in rating
    assert "Hoàn thành tốt nhiệm vụ (alice)" in rating


def test_a_progress_note_names_its_writer(chibo2):
    task = Task.objects.filter(
        year__committee__slug=CAU_THIA, year__year=2024, cell__number=2
    ).first()
    url = reverse(
        "cells:task_progress",
        kwargs={"committee": CAU_THIA, "year": 2024, "number": 2, "pk": task.pk},
    )
    data = form_data(chibo2.get(url)) | {"text": "Đã họp chi bộ bàn cách làm."}
    assert chibo2.post(url, data).status_code == 302
    notes = chibo2.get(url).content.decode().split('<ol class="history">')[1]
    assert f"· {DUONG}: Đã họp chi bộ bàn cách làm." in plain_text(notes)


def test_the_dashboard_names_who_closed_and_reopened_the_year(bithu, alice, django_user_model):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    year.close(by=django_user_model.objects.get(username="bithu"))
    year.reopen(by=alice, reason="Điều chỉnh số liệu minh họa.")
    events = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2023])).content.decode()
    events = plain_text(events.split('<ul class="events">')[1].split("</ul>")[0])
    assert "· alice · mở lại để điều chỉnh" in events
    assert f"· {VUONG} · đã chốt số liệu" in events


def test_the_admins_lists_name_people_as_the_pages_do(bithu, alice):
    edit_figure(bithu, BHYT, actual_estimate="97,5")
    edit_figure(signed_in(alice), BHYT, actual_estimate="97,6")

    def cells(url):
        return {cell for row in rows_of(bithu.get(url)) for cell in row.split(" | ")}

    changes = cells(reverse("admin:targets_figurechange_changelist"))
    assert {VUONG, "alice"} <= changes and "bithu" not in changes
    assert "alice" in cells(reverse("admin:targets_figure_changelist"))
