from django.urls import path

from opsdesk.tickets.views import agent as views
from opsdesk.tickets.views import presence

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("counts/", views.ticket_counts, name="ticket_counts"),
    path("bulk/", views.ticket_bulk, name="ticket_bulk"),
    path("new/", views.ticket_create, name="ticket_create"),
    path("views/", views.saved_view_create, name="saved_view_create"),
    path("views/<int:view_id>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("<int:ticket_id>/", views.ticket_detail, name="ticket_detail"),
    path("<int:ticket_id>/conversation/", views.ticket_conversation, name="ticket_conversation"),
    path("<int:ticket_id>/history/", views.ticket_history, name="ticket_history"),
    path("<int:ticket_id>/presence/", presence.ticket_presence, name="ticket_presence"),
    path("<int:ticket_id>/presence/events/", presence.ticket_presence_events, name="ticket_presence_events"),
    path("<int:ticket_id>/reply/", views.ticket_reply, name="ticket_reply"),
    path("<int:ticket_id>/note/", views.ticket_note, name="ticket_note"),
    path("<int:ticket_id>/properties/", views.ticket_update, name="ticket_update"),
    path("<int:ticket_id>/status/", views.ticket_set_status, name="ticket_set_status"),
    path("<int:ticket_id>/assignee/", views.ticket_assign, name="ticket_assign"),
    path("<int:ticket_id>/team/", views.ticket_set_team, name="ticket_set_team"),
    path("<int:ticket_id>/priority/", views.ticket_set_priority, name="ticket_set_priority"),
    path("<int:ticket_id>/type/", views.ticket_set_type, name="ticket_set_type"),
    path("<int:ticket_id>/tags/", views.ticket_set_tags, name="ticket_set_tags"),
    path("<int:ticket_id>/fields/", views.ticket_set_fields, name="ticket_set_fields"),
    path("<int:ticket_id>/follow/", views.ticket_follow, name="ticket_follow"),
    path("<int:ticket_id>/merge/", views.ticket_merge, name="ticket_merge"),
    path("<int:ticket_id>/link/", views.ticket_link, name="ticket_link"),
    path("<int:ticket_id>/split/<int:message_id>/", views.ticket_split, name="ticket_split"),
]
