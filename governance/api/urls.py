"""The pages of governance.api (namespace ``api``)."""

app_name = "api"

urlpatterns: list = []
