from django.urls import path

from opsdesk.messaging.views import telephony

app_name = "hooks"
urlpatterns = [
    path("telephony/<slug:slug>/calls/", telephony.telephony_calls, name="telephony_calls"),
]
