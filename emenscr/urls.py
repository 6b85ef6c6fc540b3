from django.urls import path

from . import linkage_views, views

app_name = "emenscr"

urlpatterns = [
    path("", views.board, name="board"),
    path("mark/", views.mark, name="mark"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/move/", views.entry_move, name="entry_move"),
    path("projects/<int:pk>/", views.project_tab, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/copy/<slug:code>/", views.copy_view, name="copy"),
    path("stages/", views.stages, name="stages"),
    path("stages/<slug:code>/", views.stage_edit, name="stage"),
    path("export/", views.export_sheet, name="export"),
    path("summary.<slug:fmt>", views.summary, name="summary"),
    path("lists/", linkage_views.lists, name="lists"),
    path("lists/template.xlsx", linkage_views.template_download, name="lists_template"),
    path("lists/import/", linkage_views.import_lists, name="lists_import"),
    path("lists/starter/", linkage_views.load_starter, name="lists_starter"),
    path("lists/new/", linkage_views.item_edit, name="item_new"),
    path("lists/<int:pk>/", linkage_views.item_edit, name="item"),
]
