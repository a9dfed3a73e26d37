from django.urls import path

from chainchief.maps import views

app_name = "chainmap"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("settings/", views.settings_view, name="settings"),
    path("<int:pk>/", views.chain_map, name="map"),
    path("<int:pk>/segments/<int:segment_id>/", views.segment_panel, name="panel"),
    path("<int:pk>/lists/", views.lists, name="lists"),
    path("<int:pk>/export.xlsx", views.export_xlsx, name="export"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/edit/action/", views.edit_action, name="edit_action"),
]
