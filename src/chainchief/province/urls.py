from django.urls import path

from chainchief.province import views

app_name = "province"
urlpatterns = [
    path("", views.index, name="index"),
    path("chains/<int:pk>/", views.chain, name="chain"),
]
