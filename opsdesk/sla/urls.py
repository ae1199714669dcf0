from django.urls import path

from opsdesk.sla import views

app_name = "sla"
urlpatterns = [
    path("calendars/", views.calendar_list, name="calendar_list"),
    path("calendars/new/", views.calendar_create, name="calendar_create"),
    path("calendars/<int:calendar_id>/", views.calendar_detail, name="calendar_detail"),
    path("calendars/<int:calendar_id>/edit/", views.calendar_edit, name="calendar_edit"),
    path("calendars/<int:calendar_id>/default/", views.calendar_set_default, name="calendar_set_default"),
    path("calendars/<int:calendar_id>/check/", views.calendar_check, name="calendar_check"),
    path("calendars/<int:calendar_id>/holidays/", views.holiday_add, name="holiday_add"),
    path("calendars/<int:calendar_id>/holidays/import/", views.holiday_import, name="holiday_import"),
    path("calendars/<int:calendar_id>/holidays/feed/", views.holiday_feed, name="holiday_feed"),
    path("calendars/<int:calendar_id>/holidays/generate/", views.holiday_generate, name="holiday_generate"),
    path("calendars/<int:calendar_id>/holidays/<int:holiday_id>/delete/", views.holiday_delete, name="holiday_delete"),
    path("calendars/<int:calendar_id>/exceptions/", views.exception_save, name="exception_save"),
    path(
        "calendars/<int:calendar_id>/exceptions/<int:exception_id>/delete/",
        views.exception_delete,
        name="exception_delete",
    ),
    path("sla/", views.policy_list, name="policy_list"),
    path("sla/new/", views.policy_create, name="policy_create"),
    path("sla/<int:policy_id>/", views.policy_detail, name="policy_detail"),
    path("sla/<int:policy_id>/delete/", views.policy_delete, name="policy_delete"),
    path("sla/<int:policy_id>/move/", views.policy_move, name="policy_move"),
    path("sla/<int:policy_id>/escalations/", views.escalation_create, name="escalation_create"),
    path("sla/<int:policy_id>/escalations/<int:escalation_id>/", views.escalation_edit, name="escalation_edit"),
    path(
        "sla/<int:policy_id>/escalations/<int:escalation_id>/delete/",
        views.escalation_delete,
        name="escalation_delete",
    ),
]
