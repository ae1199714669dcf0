from django.urls import path

from opsdesk.messaging.views import webforms

app_name = "webforms"
urlpatterns = [
    path("<str:form_key>/", webforms.webform_public, name="webform_public"),
    path("<str:form_key>/thanks/", webforms.webform_thanks, name="webform_thanks"),
    path("<str:form_key>/embed.js", webforms.webform_embed, name="webform_embed"),
]
