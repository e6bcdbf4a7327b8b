"""The pages of governance.committees (namespace ``committees``), under /committees/."""

from django.urls import path

from governance.committees import views

app_name = "committees"

urlpatterns = [
    path("committees/", views.committee_list, name="list"),
    path("committees/new/", views.committee_new, name="new"),
    path("committees/applications/", views.my_applications, name="my_applications"),
    path("committees/applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("committees/calls/<int:pk>/", views.call_detail, name="call"),
    path("committees/calls/<int:pk>/manage/", views.call_manage, name="call_manage"),
    path("committees/calls/<int:pk>/select/", views.call_select, name="call_select"),
    path("committees/calls/<int:pk>/<str:action>/", views.call_move, name="call_move"),
    path("committees/members/<int:pk>/end/", views.member_end, name="member_end"),
    path("committees/members/<int:pk>/chair/", views.member_chair, name="member_chair"),
    path("committees/draws/<int:pk>/seat/", views.draw_seat, name="draw_seat"),
    path("committees/<slug:slug>/", views.committee_detail, name="detail"),
    path("committees/<slug:slug>/edit/", views.committee_edit, name="edit"),
    path("committees/<slug:slug>/manage/", views.committee_manage, name="manage"),
    path("committees/<slug:slug>/members/new/", views.member_appoint, name="appoint"),
    path("committees/<slug:slug>/calls/new/", views.call_new, name="call_new"),
    path("committees/<slug:slug>/draws/new/", views.draw_new, name="draw_new"),
]
