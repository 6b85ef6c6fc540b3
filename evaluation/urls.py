from django.urls import path

from . import answer_views, exports, views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("form/<int:pk>/", views.form_detail, name="form"),
    path("projects/", views.project_list, name="projects"),
    path("project/<int:pk>/", views.project_detail, name="project"),
    path("invitation/<int:pk>/link/", views.invitation_link, name="invitation_link"),
    path("results/", views.results_page, name="results"),
    path("summary/", views.summary_page, name="summary"),
    path("export/<int:year>.<str:fmt>", exports.export, name="export"),
    path("lesson/<int:pk>/take-up/", views.take_up, name="take_up"),
    path("answer/<int:pk>/", answer_views.answer, name="answer"),
    path("e/<str:token>/", answer_views.answer_link, name="answer_link"),
]
