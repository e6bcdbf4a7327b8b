"""The pages of governance.monitoring (namespace ``monitoring``)."""

app_name = "monitoring"

urlpatterns: list = []
