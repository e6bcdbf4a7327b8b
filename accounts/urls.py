"""URLs of the account pages (namespace ``accounts``); sign-in and sign-up are allauth's, under /accounts/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/profile/", views.profile, name="profile"),
    path("accounts/residents/", views.verify_residents, name="verify_residents"),
    path("me/profile/public/", views.public_profile_settings, name="public_profile_settings"),
    path("people/<str:ref>/", views.public_profile, name="public_profile"),
]
