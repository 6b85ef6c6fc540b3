from django.urls import path

from . import views

app_name = "publication"

urlpatterns = [
    path("publication/", views.settings_page, name="settings"),
    path("public/<slug:code>/", views.office_page, name="office"),
    path("public/<slug:code>/editions/<int:edition_id>.pdf", views.edition_pdf, name="edition"),
    path("public/<slug:code>/<int:fy>/data.csv", views.data_csv, name="csv"),
    path("public/<slug:code>/<int:fy>/data.json", views.data_json, name="json"),
]
