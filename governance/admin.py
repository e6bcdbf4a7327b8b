from django.contrib import admin

from governance import models

admin.site.register([
    models.Committee, models.OpenCall, models.Application, models.CommitteeDraw, models.Member, models.Meeting,
    models.Attendance, models.CommitteeRecommendation, models.AnnualDocument, models.Monitor,
    models.MonitorAssignment, models.MonitorRating,
])
