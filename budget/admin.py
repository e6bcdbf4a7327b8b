from django.contrib import admin

from budget import models

admin.site.register([
    models.BudgetField, models.BudgetCycle, models.BudgetProject, models.CoProposer, models.ProjectReview,
    models.ReviewAnswer, models.ProjectEvent, models.SchoolSession, models.SchoolAttendance, models.SubCommittee,
    models.ProjectScore, models.ExecutionReport,
])
