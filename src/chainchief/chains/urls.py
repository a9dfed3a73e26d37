from django.urls import path

from chainchief.chains import views

app_name = "chains"
urlpatterns = [
    path("new/", views.create, name="create"),
    path("tiers/", views.tier_list, name="tier_list"),
    path("tiers/new/", views.tier_create, name="tier_create"),
    path("tiers/<int:pk>/edit/", views.tier_edit, name="tier_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/work/<int:item_id>/", views.work_item, name="work_item"),
    path("<int:pk>/leaders/", views.leaders, name="leaders"),
    path("<int:pk>/leaders/<str:kind>/<int:row_id>/remove/", views.leader_remove, name="leader_remove"),
]

# People and departments (the officials and offices chains are given to), at the site's root: /people/, /departments/.
reference_urlpatterns = ([
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("departments/", views.departments, name="departments"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
], "reference")
