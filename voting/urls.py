"""URLs of the voting pages (namespace ``voting``): the public pages, staff's, and the exports.

Each view module keeps its own ``urlpatterns``; this file only joins them under one namespace.
"""

from .views import exports, follow, manage, projects, public

app_name = "voting"

urlpatterns = [*public.urlpatterns, *projects.urlpatterns, *manage.urlpatterns, *exports.urlpatterns,
               *follow.urlpatterns]
