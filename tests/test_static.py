"""Static files: hashed names, compressed copies, served by the app, and a light dashboard."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from .helpers import signed_in

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def collected(settings, tmp_path):
    """Production's static files: collected with hashed names and gzipped copies."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = settings.STORAGES | {"staticfiles": {"BACKEND": MANIFEST}}
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_the_stylesheet_is_collected_with_a_hashed_name_and_a_compressed_copy(collected):
    names = {path.name for path in (collected / "css").iterdir()}
    hashed = [name for name in names if re.fullmatch(r"app\.[0-9a-f]{12}\.css", name)]
    assert hashed and f"{hashed[0]}.gz" in names


def test_the_dashboard_links_hashed_assets_served_by_the_app_for_a_year(
    collected, demo, django_user_model
):
    client = signed_in(django_user_model.objects.get(username="bithu"))
    html = client.get("/cau-thia/2023/").content.decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", stylesheet)
    response = Client().get(stylesheet, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]  # hashed: cached for ten years


def test_the_dashboard_weighs_under_150_kb_and_fetches_nothing_from_elsewhere(
    collected, demo, django_user_model
):
    client = signed_in(django_user_model.objects.get(username="bithu"))
    html = client.get("/cau-thia/2023/").content
    urls = re.findall(rb'<(?:link|script|img)\b[^>]*(?:href|src)="(/static/[^"]+)"', html)
    assets = [b"".join(Client().get(url.decode()).streaming_content) for url in urls]
    assert assets and len(html) + sum(map(len, assets)) < 150 * 1024
    assert not re.search(rb'(?:href|src)="(?:https?:)?//', html)
    for asset in assets:  # and no stylesheet pulls in fonts or images from another host
        assert not re.search(rb"@import|url\(\s*['\"]?(?:https?:)?//", asset)
