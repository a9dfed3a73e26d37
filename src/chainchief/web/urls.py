from django.urls import path

from chainchief.web import views

app_name = "web"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("login/otp/", views.otp_verify, name="otp_verify"),
    path("otp/", views.otp_setup, name="otp_setup"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("notifications/", views.notifications, name="notifications"),
    path("desk/urge/<int:pk>/", views.urge, name="urge"),
    path("commissioner/", views.commissioner, name="commissioner"),
    path("", views.home, name="home"),
]
