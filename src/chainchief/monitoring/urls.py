from django.urls import path

from chainchief.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("chains/<int:pk>/", views.chain_monitor, name="chain"),
    path("enterprises/<int:pk>/", views.enterprise_figures, name="enterprise"),
    path("settings/", views.monitoring_settings, name="settings"),
    path("settings/targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("settings/targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
]
