"""The pages of governance.dashboard (namespace ``dashboard``)."""

app_name = "dashboard"

urlpatterns: list = []
