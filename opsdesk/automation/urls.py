from django.urls import path

from opsdesk.automation import views

app_name = "automation"
urlpatterns = [
    path("settings/automation/", views.rule_list, name="rule_list"),
    path("settings/automation/new/<str:kind>/", views.rule_create, name="rule_create"),
    path("settings/automation/<int:rule_id>/", views.rule_detail, name="rule_detail"),
    path("settings/automation/<int:rule_id>/edit/", views.rule_edit, name="rule_edit"),
    path("settings/automation/<int:rule_id>/move/", views.rule_move, name="rule_move"),
    path("settings/automation/<int:rule_id>/active/", views.rule_active, name="rule_active"),
    path("settings/automation/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("tickets/<int:ticket_id>/automation/", views.ticket_log, name="ticket_log"),
    path("tickets/<int:ticket_id>/macro/preview/", views.macro_preview, name="macro_preview"),
    path("tickets/<int:ticket_id>/macro/apply/", views.macro_apply, name="macro_apply"),
    path("macros/", views.macro_list, name="macro_list"),
    path("macros/new/", views.macro_create, name="macro_create"),
    path("macros/<int:macro_id>/", views.macro_edit, name="macro_edit"),
    path("macros/<int:macro_id>/delete/", views.macro_delete, name="macro_delete"),
]
