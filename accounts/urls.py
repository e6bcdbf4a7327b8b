"""URLs of the account pages (namespace ``accounts``); sign-in and sign-up are allauth's, under /accounts/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/profile/", views.profile, name="profile"),
    path("me/verification/", views.request_verification, name="request_verification"),
    path("me/consents/<slug:kind>/withdraw/", views.withdraw_consent, name="withdraw_consent"),
    path("me/data.json", views.download_data, name="download_data"),
    path("me/delete/", views.delete_account, name="delete_account"),
    path("accounts/residents/", views.verify_residents, name="verify_residents"),
    path("me/profile/public/", views.public_profile_settings, name="public_profile_settings"),
    path("people/<str:ref>/", views.public_profile, name="public_profile"),
    path("accounts/residents/answer/", views.answer_verification, name="answer_verification"),
]
