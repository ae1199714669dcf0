from django.urls import path

from opsdesk.sla import queue_views

app_name = "sla_queue"

urlpatterns = [path("", queue_views.queue_risk, name="queue_risk")]
