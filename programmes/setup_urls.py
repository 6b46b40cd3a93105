"""Routes of the set-up pages (included by programmes/urls.py, in the `programmes` namespace)."""

from django.urls import path

from . import programme_import_views, project_setup_views
from . import setup_views as views

urlpatterns = [
    path("setup/programmes/", views.programme_list, name="setup-programme-list"),
    path("setup/programmes/new/", views.programme_create, name="setup-programme-create"),
    path("setup/programmes/<int:pk>/", views.programme_detail, name="setup-programme"),
    path("setup/programmes/<int:pk>/edit/", views.programme_edit, name="setup-programme-edit"),
    path("setup/programmes/<int:pk>/targets/", views.year_target_set, name="setup-year-target"),
    path(
        "setup/programmes/<int:pk>/local-targets/",
        views.local_target_set,
        name="setup-local-target",
    ),
    path("setup/programmes/<int:pk>/batches/", views.batch_set, name="setup-batch"),
    path(
        "setup/programmes/<int:pk>/import/",
        programme_import_views.programme_import_page,
        name="setup-programme-import",
    ),
    path(
        "setup/programmes/<int:pk>/import/template/",
        programme_import_views.programme_import_template_download,
        name="setup-programme-import-template",
    ),
    path("setup/projects/new/", project_setup_views.project_create, name="setup-project-create"),
    path(
        "setup/projects/<int:pk>/edit/", project_setup_views.project_edit, name="setup-project-edit"
    ),
    path(
        "setup/projects/<int:pk>/work-items/new/",
        project_setup_views.work_item_add,
        name="setup-work-item-add",
    ),
    path(
        "setup/projects/<int:pk>/acceptance/",
        project_setup_views.acceptance_edit,
        name="setup-acceptance",
    ),
    path(
        "setup/work-items/<int:pk>/edit/",
        project_setup_views.work_item_edit,
        name="setup-work-item-edit",
    ),
    path(
        "setup/work-items/<int:pk>/remove/",
        project_setup_views.work_item_remove,
        name="setup-work-item-remove",
    ),
    path("setup/work-types/", project_setup_views.work_type_list, name="setup-work-types"),
    path(
        "setup/work-types/<int:pk>/edit/",
        project_setup_views.work_type_edit,
        name="setup-work-type-edit",
    ),
]
