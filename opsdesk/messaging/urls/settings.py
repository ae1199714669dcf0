from django.urls import path

from opsdesk.messaging.views import channels, telephony, webforms

app_name = "channel_settings"
urlpatterns = [
    path("", channels.channel_index, name="channel_index"),
    path("forms/", webforms.webform_list, name="webform_list"),
    path("forms/new/", webforms.webform_edit, name="webform_create"),
    path("forms/<int:form_id>/", webforms.webform_edit, name="webform_edit"),
    path("telephony/", telephony.telephony_list, name="telephony_list"),
    path("telephony/<int:provider_id>/rotate/", telephony.telephony_rotate, name="telephony_rotate"),
    path("telephony/<int:provider_id>/active/", telephony.telephony_toggle, name="telephony_toggle"),
]
