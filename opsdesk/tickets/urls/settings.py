from django.urls import path

from opsdesk.tickets.views import settings as views

app_name = "ticket_settings"
urlpatterns = [
    path("", views.settings_index, name="settings_index"),
    path("untranslated/", views.untranslated_list, name="untranslated_list"),
    path("statuses/new/", views.status_edit, name="status_create"),
    path("statuses/<int:status_id>/", views.status_edit, name="status_edit"),
    path("fields/new/", views.custom_field_edit, name="custom_field_create"),
    path("fields/<int:field_id>/", views.custom_field_edit, name="custom_field_edit"),
    path("canned/new/", views.canned_response_edit, name="canned_response_create"),
    path("canned/<int:response_id>/", views.canned_response_edit, name="canned_response_edit"),
    path("canned/<int:response_id>/delete/", views.canned_response_delete, name="canned_response_delete"),
]
