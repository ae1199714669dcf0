from django.urls import path

from opsdesk.tickets.views import notifications as views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("count/", views.notification_count, name="notification_count"),
]
