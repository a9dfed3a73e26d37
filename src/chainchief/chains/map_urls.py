from django.urls import path

from chainchief.chains import map_views

app_name = "chainmap"
urlpatterns = [
    path("", map_views.overview, name="overview"),
    path("settings/", map_views.settings_view, name="settings"),
    path("<int:pk>/", map_views.chain_map, name="map"),
    path("<int:pk>/segments/<int:segment_id>/", map_views.segment_panel, name="panel"),
    path("<int:pk>/lists/", map_views.lists, name="lists"),
    path("<int:pk>/export.xlsx", map_views.export_xlsx, name="export"),
    path("<int:pk>/edit/", map_views.edit, name="edit"),
    path("<int:pk>/edit/action/", map_views.edit_action, name="edit_action"),
]
