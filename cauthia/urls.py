from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from cells.committee_views import start_committee_page
from core.converters import CommitteeConverter, IdConverter, YearConverter
from core.forms import SignInForm
from core.views import PasswordChangeView
from targets.views import health

from .views import committee_home, home

# Registered before the apps' URLconfs are included: they use <year:…> and <id:…>.
register_converter(YearConverter, "year")
register_converter(IdConverter, "id")
register_converter(CommitteeConverter, "committee")

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    # The read-only JSON API: /api/v1/… ("api" is no committee's key).
    path("api/", include("api.urls")),
    # The addresses of before, sent on to the pages below; first, as /targets/2024/
    # would otherwise be taken for a committee keyed "targets".
    path("", include("targets.legacy")),
    path("", include("cells.legacy")),
    # Every page of a year names its committee and the year: /cau-thia/2024/…
    path("<committee:committee>/<year:year>/cells/", include("cells.urls")),
    path("<committee:committee>/<year:year>/", include("targets.urls")),
    # A superior committee's roll-up of its communes: /lao-cai/rollup/2024/…
    path("<committee:committee>/rollup/", include("rollup.urls")),
    path("committees/start/", start_committee_page, name="start_committee"),
    path("committees/", include("committees.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language can be chosen on the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # A committee's own address opens its current year; last, as any first part could be one.
    path("<committee:committee>/", committee_home, name="committee"),
]
