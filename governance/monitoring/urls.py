"""The pages of governance.monitoring (namespace ``monitoring``)."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/", views.overview, name="overview"),
    path("monitoring/join/", views.join, name="join"),
    path("monitoring/mine/", views.mine, name="mine"),
    path("monitoring/manage/", views.manage, name="manage"),
    path("monitoring/items/<int:pk>/", views.item, name="item"),
    path("monitoring/items/<int:pk>/rate/", views.rate, name="rate"),
    path("monitoring/ratings/<int:pk>/reply/", views.reply, name="reply"),
]
