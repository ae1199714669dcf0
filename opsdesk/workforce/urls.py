from django.urls import path

from opsdesk.workforce import budget_views, schedule_views, views

app_name = "workforce"
urlpatterns = [
    path("", views.home, name="home"),
    path("what-if/", views.what_if, name="what_if"),
    path("what-if/deferred/", views.what_if_deferred, name="what_if_deferred"),
    path("queues/new/", views.queue_create, name="queue_create"),
    path("queues/<int:queue_id>/", views.queue_detail, name="queue_detail"),
    path("queues/<int:queue_id>/forecast/", views.forecast_create, name="forecast_create"),
    path("forecasts/<int:forecast_id>/", views.forecast_detail, name="forecast_detail"),
    path("forecasts/<int:forecast_id>/adjust/", views.forecast_adjust, name="forecast_adjust"),
    path("forecasts/<int:forecast_id>/plan/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("schedule/", schedule_views.schedule_week, name="schedule_week"),
    path("schedule/shifts/", schedule_views.shift_place, name="shift_place"),
    path("schedule/shifts/<int:shift_id>/move/", schedule_views.shift_move, name="shift_move"),
    path("schedule/shifts/<int:shift_id>/remove/", schedule_views.shift_remove, name="shift_remove"),
    path("schedule/publish/", schedule_views.schedule_publish, name="schedule_publish"),
    path("schedule/rotation/", schedule_views.rotation_apply, name="rotation_apply"),
    path("templates/", schedule_views.template_list, name="template_list"),
    path("time-off/", schedule_views.time_off_list, name="time_off_list"),
    path("time-off/<int:request_id>/", schedule_views.time_off_decide, name="time_off_decide"),
    path("adherence/", schedule_views.adherence_page, name="adherence"),
    path("budgets/", budget_views.budget_list, name="budget_list"),
    path("budgets/actuals/", budget_views.actuals_import, name="actuals_import"),
    path("budgets/actual/", budget_views.actual_save, name="actual_save"),
    path("budgets/<int:budget_id>/", budget_views.budget_detail, name="budget_detail"),
    path("budgets/<int:budget_id>/lines/", budget_views.budget_line_add, name="budget_line_add"),
    path("budgets/<int:budget_id>/advance/", budget_views.budget_advance, name="budget_advance"),
    path("budgets/<int:budget_id>/budget.xlsx", budget_views.budget_xlsx, name="budget_xlsx"),
    path("budgets/<int:budget_id>/summary/", budget_views.budget_summary, name="budget_summary"),
    path("my-schedule/", schedule_views.my_schedule, name="my_schedule"),
    path("my-schedule/state/", views.my_state, name="my_state"),
    path("my-schedule.ics", schedule_views.my_schedule_ics, name="my_schedule_ics"),
]
