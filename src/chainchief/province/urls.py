from django.urls import path

from chainchief.province import views

app_name = "province"
urlpatterns = [
    path("", views.index, name="index"),
    path("chains/<int:pk>/", views.chain, name="chain"),
    path("chains/<int:pk>/lists/", views.chain_lists, name="lists"),
    path("chains/<int:pk>/lists/export/", views.chain_lists_export, name="lists_export"),
    path("chains/<int:pk>/alerts/", views.chain_alerts, name="alerts"),
]
