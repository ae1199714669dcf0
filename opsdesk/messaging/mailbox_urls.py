from django.urls import path

from opsdesk.messaging import mailbox_views as views

app_name = "mailboxes"
urlpatterns = [
    path("", views.mailbox_list, name="mailbox_list"),
    path("new/", views.mailbox_create, name="mailbox_create"),
    path("<int:mailbox_id>/", views.mailbox_edit, name="mailbox_edit"),
    path("<int:mailbox_id>/active/", views.mailbox_set_active, name="mailbox_set_active"),
    path("<int:mailbox_id>/test/", views.mailbox_test, name="mailbox_test"),
]
