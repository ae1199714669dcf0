from django.urls import path

from opsdesk.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.mail_list, name="mail_list"),
    path("<int:mail_id>/resend/", views.mail_resend, name="mail_resend"),
]
