from django.urls import path

from chainchief.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.history, name="list"),
    path("new/", views.upload, name="upload"),
    path("templates/<str:kind>/", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/commit/", views.commit, name="commit"),
    path("<int:pk>/rollback/", views.rollback, name="rollback"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/errors/", views.errors, name="errors"),
    path("<int:pk>/clear/", views.clear, name="clear"),
]
