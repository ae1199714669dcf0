from django.urls import path

from opsdesk.integrations.views import settings as views

app_name = "integrations"
urlpatterns = [
    path("", views.integration_list, name="integration_list"),
    path("webhooks/new/", views.webhook_edit, name="webhook_create"),
    path("webhooks/<int:webhook_id>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:webhook_id>/edit/", views.webhook_edit, name="webhook_edit"),
    path("webhooks/<int:webhook_id>/rotate/", views.webhook_rotate, name="webhook_rotate"),
    path("webhooks/<int:webhook_id>/ping/", views.webhook_ping, name="webhook_ping"),
    path("webhooks/<int:webhook_id>/delete/", views.webhook_delete, name="webhook_delete"),
    path("channels/new/", views.channel_edit, name="channel_create"),
    path("channels/<int:channel_id>/", views.channel_detail, name="channel_detail"),
    path("channels/<int:channel_id>/edit/", views.channel_edit, name="channel_edit"),
    path("channels/<int:channel_id>/test/", views.channel_test, name="channel_test"),
    path("channels/<int:channel_id>/delete/", views.channel_delete, name="channel_delete"),
    path("deliveries/<int:delivery_id>/resend/", views.delivery_resend, name="delivery_resend"),
    path("inbound/new/", views.inbound_edit, name="inbound_create"),
    path("inbound/<int:hook_id>/", views.inbound_detail, name="inbound_detail"),
    path("inbound/<int:hook_id>/edit/", views.inbound_edit, name="inbound_edit"),
    path("inbound/<int:hook_id>/rotate/", views.inbound_rotate, name="inbound_rotate"),
    path("inbound/<int:hook_id>/delete/", views.inbound_delete, name="inbound_delete"),
]
