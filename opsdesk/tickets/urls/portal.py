from django.urls import path

from opsdesk.tickets.views import portal as views

app_name = "portal"
urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", views.ticket_create, name="ticket_create"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:ticket_id>/reply/", views.ticket_reply, name="ticket_reply"),
    path("tickets/<int:ticket_id>/solve/", views.ticket_solve, name="ticket_solve"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
]
