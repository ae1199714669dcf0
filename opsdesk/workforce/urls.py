from django.urls import path

from opsdesk.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.home, name="home"),
    path("what-if/", views.what_if, name="what_if"),
    path("queues/new/", views.queue_create, name="queue_create"),
    path("queues/<int:queue_id>/", views.queue_detail, name="queue_detail"),
    path("queues/<int:queue_id>/forecast/", views.forecast_create, name="forecast_create"),
    path("forecasts/<int:forecast_id>/", views.forecast_detail, name="forecast_detail"),
    path("forecasts/<int:forecast_id>/adjust/", views.forecast_adjust, name="forecast_adjust"),
    path("forecasts/<int:forecast_id>/plan/", views.plan_create, name="plan_create"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
]
