"""Each figure can carry its evidence: files whose type is read from their content, within a size
limit, with who and when, served only through a view that checks who asks."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from targets.models import Evidence, Figure, Year

from .helpers import CAU_THIA, signed_in, text_of

BHYT = "bao-hiem-y-te"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def xlsx_bytes():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def macro_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def upload(client, name, content, year=2024, slug=BHYT, content_type="application/pdf"):
    url = reverse("targets:evidence_upload", args=[CAU_THIA, year, slug])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type)}, follow=True)


def figure(year=2024):
    return Figure.objects.get(target__slug=BHYT, year__committee__slug=CAU_THIA, year__year=year)


@pytest.mark.parametrize(
    ("name", "content"),
    [("bien-ban.pdf", PDF), ("anh-chup.png", PNG), ("so-lieu-bhxh.xlsx", None)],
)
def test_ward_staff_add_a_pdf_a_picture_or_a_workbook_and_get_it_back(bithu, name, content):
    content = content or xlsx_bytes()
    page = text_of(upload(bithu, name, content))
    assert f"Đã thêm minh chứng: {name}" in page
    evidence = Evidence.objects.get(figure=figure())
    assert (evidence.name, evidence.size, evidence.uploaded_by.username) == (
        name,
        len(content),
        "bithu",
    )
    assert name in text_of(bithu.get(reverse("targets:target", args=[CAU_THIA, 2024, BHYT])))
    response = bithu.get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00 an executable renamed", "không phải loại tệp"),
        ("bao-cao.pdf", b"<html><script>alert(1)</script></html>", "không phải loại tệp"),
        ("so-lieu.xlsx", b"PK\x03\x04 not really a zip", "không phải loại tệp"),
        ("so-lieu.xlsx", None, "không phải loại tệp"),  # a workbook with macros
        ("trong.pdf", b"", "trống"),
    ],
)
def test_a_file_of_another_type_whatever_its_name_is_refused(bithu, name, content, words):
    content = macro_workbook() if content is None else content
    page = text_of(upload(bithu, name, content))
    assert words in page
    assert not Evidence.objects.exists()


def test_a_file_over_the_size_limit_is_refused(bithu, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    page = text_of(upload(bithu, "lon.pdf", PDF + b"0" * 2000))
    assert "Tệp quá lớn" in page
    assert not Evidence.objects.exists()


def test_a_cell_secretary_or_a_stranger_never_gets_the_file(bithu, secretary):
    upload(bithu, "bien-ban.pdf", PDF)
    url = Evidence.objects.get().get_absolute_url()
    assert signed_in(secretary(3)).get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    other_year = url.replace("/cau-thia/2024/", "/cau-thia/2023/")
    assert bithu.get(other_year).status_code == 404
    before = Evidence.objects.count()
    assert upload(signed_in(secretary(3)), "x.pdf", PDF).status_code == 403
    assert Evidence.objects.count() == before


def test_a_closed_years_figure_takes_no_new_evidence(bithu, django_user_model):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    year.close(by=django_user_model.objects.get(username="bithu"))
    page = text_of(upload(bithu, "bien-ban.pdf", PDF, year=2023))
    assert "đã chốt số liệu" in page
    assert not Evidence.objects.exists()


def test_the_evidence_is_stored_under_a_name_of_the_apps_choosing(bithu, tmp_path):
    # tmp_path is where conftest's evidence_files keeps the test's files.
    upload(bithu, "../../etc/passwd.pdf", PDF)
    evidence = Evidence.objects.get()
    assert evidence.file.name.startswith("evidence/2024/") and evidence.file.name.endswith(".pdf")
    assert (tmp_path / evidence.file.name).read_bytes() == PDF
    assert ".." not in evidence.file.name


def test_evidence_whose_file_is_gone_is_not_found_and_logged(bithu, tmp_path, caplog):
    """A database restored without the evidence folder keeps the rows of files it lacks."""
    upload(bithu, "bien-ban.pdf", PDF)
    evidence = Evidence.objects.get()
    (tmp_path / evidence.file.name).unlink()
    url = reverse("targets:evidence", args=[CAU_THIA, 2024, BHYT, evidence.pk])
    assert bithu.get(url).status_code == 404
    assert f"Evidence {evidence.pk} has no file at {evidence.file.name}" in caplog.text
