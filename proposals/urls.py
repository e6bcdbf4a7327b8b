"""URLs of the proposal pages (namespace ``proposals``); other modules link to these names."""

from django.urls import path, re_path

from . import views

app_name = "proposals"

urlpatterns = [
    path("proposals/", views.proposal_list, name="list"),
    re_path(r"^proposals/export\.(?P<fmt>csv|json)$", views.export, name="export"),
    path("proposals/new/", views.proposal_create, name="create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:pk>/publish/", views.proposal_publish, name="publish"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("proposals/<int:pk>/support/", views.support, name="support"),
    path("proposals/<int:pk>/comments/", views.comment, name="comment"),
    path("proposals/<int:pk>/flag/", views.flag, name="flag"),
    path("proposals/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("me/proposals/", views.my_proposals, name="my_proposals"),
    path("follow-ups/", views.public_follow_ups, name="follow_ups"),
    path("follow-ups/queue/", views.follow_up_queue, name="follow_up_queue"),
    path("follow-ups/<int:pk>/work/", views.follow_up_work, name="follow_up_work"),
    path("follow-ups/<int:pk>/reply/", views.clarification_reply, name="clarification_reply"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("proposals/<int:pk>/follow/", views.follow, name="follow"),
]
