from django.urls import path

from opsdesk.integrations.views import hooks

app_name = "integration_hooks"
urlpatterns = [
    path("<slug:hook_key>/", hooks.inbound_hook_receive, name="inbound_hook_receive"),
]
