"""Analytics pages under /analytics/."""

from django.urls import path

from opsdesk.analytics.views import dashboards, goals

app_name = "analytics"

urlpatterns = [
    path("", dashboards.manager_dashboard, name="dashboard"),
    path("me/", dashboards.my_dashboard, name="my_dashboard"),
    path("overview/", dashboards.overview, name="overview"),
    path("drill/<str:kpi>/", dashboards.drill, name="drill"),
    path("drill/<str:kpi>/<int:ticket_id>/", dashboards.explain_ticket, name="explain"),
]

urlpatterns += [
    path("goals/", goals.goal_list, name="goal_list"),
    path("goals/new/", goals.goal_edit, name="goal_create"),
    path("goals/<int:goal_id>/", goals.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/delete/", goals.goal_delete, name="goal_delete"),
]
