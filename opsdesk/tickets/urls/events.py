from django.urls import path

from opsdesk.tickets.views import events as views

app_name = "ticket_events"
urlpatterns = [
    path("", views.consumer_list, name="consumer_list"),
]
