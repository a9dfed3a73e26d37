from django.urls import path

from chainchief.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/memberships/add/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("memberships/<int:pk>/delete/", views.membership_delete, name="membership_delete"),
    path("<int:pk>/qualifications/add/", views.qualification_add, name="qualification_add"),
    path("qualifications/<int:pk>/delete/", views.qualification_delete, name="qualification_delete"),
]
