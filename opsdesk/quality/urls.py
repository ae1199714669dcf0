from django.urls import path

from opsdesk.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("new/", views.survey_edit, name="survey_create"),
    path("<int:survey_id>/", views.survey_edit, name="survey_edit"),
]
