from django.urls import path

from opsdesk.routing import views

app_name = "routing"
urlpatterns = [
    path("settings/routing/", views.routing_settings, name="routing_settings"),
    path("settings/routing/board/", views.routing_board, name="routing_board"),
    path("settings/routing/teams/<int:team_id>/", views.team_routing_edit, name="team_routing_edit"),
    path("settings/routing/agents/<int:user_id>/", views.agent_routing_edit, name="agent_routing_edit"),
    path("routing/presence/", views.presence_control, name="presence_control"),
    path("routing/tickets/<int:ticket_id>/requirement/", views.ticket_requirement, name="ticket_requirement"),
]
