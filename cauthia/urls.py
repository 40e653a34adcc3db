from django.contrib import admin
from django.urls import include, path

from targets.views import latest_year

urlpatterns = [
    path("", latest_year, name="home"),
    path("targets/", include("targets.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
