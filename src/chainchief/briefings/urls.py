from django.urls import path

from chainchief.briefings import views

app_name = "briefings"
urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("new/", views.briefing_create, name="create"),
    path("<int:pk>/", views.briefing_detail, name="detail"),
    path("<int:pk>/progress/", views.briefing_progress, name="progress"),
    path("<int:pk>/again/", views.briefing_again, name="again"),
    path("<int:pk>/withdraw/", views.briefing_withdraw, name="withdraw"),
    path("<int:pk>/delete/", views.briefing_delete, name="delete"),
    path("<int:pk>/<str:fmt>/", views.briefing_download, name="download"),
]
