from django.urls import path

from chainchief.appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.create, name="create"),
    path("stats/", views.stats_page, name="stats"),
    path("views/", views.saved_view, name="saved_view"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/", views.take_step, name="step"),
    path("<int:pk>/attachments/", views.upload, name="upload"),
]
