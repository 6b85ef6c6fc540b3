from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.fiscal_year_list, name="fiscal_year_list"),
    path("holidays/", views.holidays_current, name="holidays_current"),
    path("<int:year>/", views.fiscal_year_detail, name="fiscal_year_detail"),
    path("<int:year>/settings/", views.fiscal_year_settings, name="fiscal_year_settings"),
    path("<int:year>/holidays/", views.holidays, name="holidays"),
]
