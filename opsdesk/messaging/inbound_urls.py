from django.urls import path

from opsdesk.messaging import inbound_views as views

app_name = "inbound_mail"
urlpatterns = [
    path("", views.inbound_list, name="inbound_list"),
    path("<int:inbound_id>/", views.inbound_detail, name="inbound_detail"),
    path("<int:inbound_id>/raw.eml", views.inbound_download, name="inbound_download"),
    path("<int:inbound_id>/retry/", views.inbound_retry, name="inbound_retry"),
    path("<int:inbound_id>/discard/", views.inbound_discard, name="inbound_discard"),
]
