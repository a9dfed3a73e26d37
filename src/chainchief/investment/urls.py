from django.urls import path

from chainchief.investment import views

app_name = "investment"
urlpatterns = [
    path("", views.lead_list, name="leads"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/advance/", views.lead_advance, name="lead_advance"),
    path("funnel/", views.funnel, name="funnel"),
    path("funnel/export/", views.funnel_export, name="funnel_export"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.external_create, name="external_create"),
    path("catalogue/<int:pk>/edit/", views.external_edit, name="external_edit"),
    path("gaps/", views.gaps_default, name="gaps_default"),
    path("supply/rate/", views.rate_default, name="rate_default"),
    path("chains/<int:pk>/gaps/", views.gaps, name="gaps"),
    path("segments/<int:pk>/", views.segment, name="segment"),
    path("supply/", views.supply_links, name="supply"),
    path("supply/chains/<int:pk>/", views.rate, name="rate"),
    path("matching/", views.matching_index, name="matching"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/contact/<int:capability>/", views.contact_create, name="contact_create"),
    path("capabilities/new/", views.capability_create, name="capability_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
]
