from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.forms import EmailLoginForm
from plans.home import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailLoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/language/", account_views.set_language, name="set_language"),
    path("accounts/office/", account_views.switch_office, name="switch_office"),
    path("plans/", include("plans.urls")),
    path("projects/", include("projects.urls")),
    path("feedback/", include("feedback.urls")),
    path("reporting/plan/", include("projects.planbook.urls")),
    path("reporting/", include("reporting.urls")),
    path("mail/", include("reminders.urls")),
    path("inspections/", include("inspections.urls")),
    path("emenscr/", include("emenscr.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("", include("publication.urls")),
    path("backups/", include("backups.urls")),
    path("admin/", admin.site.urls),
]
