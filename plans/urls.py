from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.fiscal_year_list, name="fiscal_year_list"),
    path("holidays/", views.holidays_current, name="holidays_current"),
    path("plan/", views.plan_current, name="plan_current"),
    path("<int:year>/", views.fiscal_year_detail, name="fiscal_year_detail"),
    path("<int:year>/settings/", views.fiscal_year_settings, name="fiscal_year_settings"),
    path("<int:year>/holidays/", views.holidays, name="holidays"),
    # The plan's page moved to the projects (projects:plan); old links still lead there.
    path("<int:year>/plan/", RedirectView.as_view(pattern_name="projects:plan", query_string=True)),
    path("<int:year>/plan/settings/", views.plan_settings, name="plan_settings"),
    path("<int:year>/plan/targets/", views.plan_targets, name="plan_targets"),
    path("<int:year>/plan/status/", views.plan_status, name="plan_status"),
    path("<int:year>/plan/copy/", views.plan_copy_tree, name="plan_copy_tree"),
    path("<int:year>/plan/items/new/", views.plan_item_edit, name="plan_item_new"),
    path("<int:year>/plan/items/<int:pk>/", views.plan_item_edit, name="plan_item_edit"),
    path("<int:year>/plan/items/<int:pk>/delete/", views.plan_item_delete, name="plan_item_delete"),
    path("<int:year>/plan/indicators/new/", views.indicator_edit, name="indicator_new"),
    path("<int:year>/plan/indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("<int:year>/plan/indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("<int:year>/calendar/new/", views.calendar_activity_edit, name="calendar_new"),
    path("<int:year>/calendar/<int:pk>/", views.calendar_activity_edit, name="calendar_edit"),
    path("<int:year>/calendar/<int:pk>/delete/", views.calendar_activity_delete, name="calendar_delete"),
    path("<int:year>/calendar/<int:pk>/done/", views.calendar_activity_done, name="calendar_done"),
]
