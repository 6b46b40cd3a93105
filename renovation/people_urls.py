from django.urls import path

from . import people_views as views

app_name = "people"

urlpatterns = [
    path("", views.index, name="index"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/active/", views.user_active, name="user-active"),
    path("users/<int:pk>/password/", views.user_password, name="user-password"),
    path("keys/new/", views.key_create, name="key-create"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key-revoke"),
]
