from django.urls import path

from chainchief.attachments import views

app_name = "attachments"
urlpatterns = [path("<int:pk>/", views.download, name="download")]
