from django.urls import path

from chainchief.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("export/", views.export, name="export"),
]
