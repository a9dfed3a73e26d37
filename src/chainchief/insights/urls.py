from django.urls import path

from chainchief.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.index, name="index"),
    path("references/", views.references, name="references"),
    path("tables/new/", views.upload, name="upload"),
    path("tables/<int:pk>/sectors/", views.mapping, name="mapping"),
]
