"""The pages of governance.committees (namespace ``committees``)."""

app_name = "committees"

urlpatterns: list = []
