"""The pages of governance.meetings (namespace ``meetings``)."""

app_name = "meetings"

urlpatterns: list = []
