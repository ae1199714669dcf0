from django.urls import path

from opsdesk.sla import views

app_name = "sla"
urlpatterns = [
    path("", views.calendar_list, name="calendar_list"),
    path("new/", views.calendar_create, name="calendar_create"),
    path("<int:calendar_id>/", views.calendar_detail, name="calendar_detail"),
    path("<int:calendar_id>/edit/", views.calendar_edit, name="calendar_edit"),
    path("<int:calendar_id>/default/", views.calendar_set_default, name="calendar_set_default"),
    path("<int:calendar_id>/check/", views.calendar_check, name="calendar_check"),
    path("<int:calendar_id>/holidays/", views.holiday_add, name="holiday_add"),
    path("<int:calendar_id>/holidays/import/", views.holiday_import, name="holiday_import"),
    path("<int:calendar_id>/holidays/feed/", views.holiday_feed, name="holiday_feed"),
    path("<int:calendar_id>/holidays/generate/", views.holiday_generate, name="holiday_generate"),
    path("<int:calendar_id>/holidays/<int:holiday_id>/delete/", views.holiday_delete, name="holiday_delete"),
    path("<int:calendar_id>/exceptions/", views.exception_save, name="exception_save"),
    path("<int:calendar_id>/exceptions/<int:exception_id>/delete/", views.exception_delete, name="exception_delete"),
]
