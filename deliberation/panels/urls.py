"""The pages of the pool, the draws and the invitations (namespace ``panels``)."""

from django.urls import path

from deliberation.panels.views import draws, invitations, pool, quotas

app_name = "panels"

urlpatterns = [
    path("pool/", pool.pool, name="pool"),
    path("pool/people.csv", pool.pool_csv, name="pool_csv"),
    path("draws/", draws.draw_list, name="draws"),
    path("draws/pools/import/", draws.pool_import, name="pool_import"),
    path("draws/new/", quotas.draw_new, name="draw_new"),
    path("draws/<int:pk>/", draws.draw_detail, name="draw"),
    path("draws/<int:pk>/draw/", draws.draw_perform, name="draw_perform"),
    path("draws/<int:pk>/people.csv", draws.draw_file, {"name": "people"}, name="draw_people"),
    path("draws/<int:pk>/quotas.csv", draws.draw_file, {"name": "quotas"}, name="draw_quotas"),
    path("draws/<int:pk>/invitations/", invitations.invitations_send, name="invitations_send"),
    path("draws/<int:pk>/invitations/<int:invitation_pk>/withdraw/", invitations.invitation_withdraw,
         name="invitation_withdraw"),
    path("draws/<int:pk>/letters.csv", invitations.invitation_letters, name="invitation_letters"),
    path("invitations/", invitations.invitation_list, name="invitations"),
    path("invitations/<int:pk>/answer/", invitations.invitation_answer, name="invitation_answer"),
    path("invitations/t/<str:token>/", invitations.invitation_by_token, name="invitation_token"),
]
