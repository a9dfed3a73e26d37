from django.urls import path

from chainchief.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("chains/<int:pk>/", views.chain_monitor, name="chain"),
]
