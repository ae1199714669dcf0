from django.urls import path

from opsdesk.messaging.views import calls

app_name = "calls"
urlpatterns = [
    path("", calls.call_list, name="call_list"),
    path("new/", calls.call_create, name="call_create"),
]
