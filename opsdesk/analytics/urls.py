"""Analytics pages under /analytics/."""

from django.urls import path

from opsdesk.analytics.views import dashboards, goals, sharing

app_name = "analytics"

urlpatterns = [
    path("", dashboards.manager_dashboard, name="dashboard"),
    path("me/", dashboards.my_dashboard, name="my_dashboard"),
    path("overview/", dashboards.overview, name="overview"),
    path("drill/<str:kpi>/", dashboards.drill, name="drill"),
    path("drill/<str:kpi>/exact/", dashboards.drill_exact, name="drill_exact"),
    path("drill/<str:kpi>/<int:ticket_id>/", dashboards.explain_ticket, name="explain"),
]

urlpatterns += [
    path("goals/", goals.goal_list, name="goal_list"),
    path("goals/new/", goals.goal_edit, name="goal_create"),
    path("goals/<int:goal_id>/", goals.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/delete/", goals.goal_delete, name="goal_delete"),
]

urlpatterns += [
    path("views/", sharing.view_save, name="view_save"),
    path("views/<int:dashboard_view_id>/delete/", sharing.view_delete, name="view_delete"),
    path("shares/", sharing.share_list, name="share_list"),
    path("shares/new/", sharing.share_create, name="share_create"),
    path("shares/feedback/", sharing.feedback_share, name="feedback_share"),
    path("shares/<int:share_id>/revoke/", sharing.share_revoke, name="share_revoke"),
]
