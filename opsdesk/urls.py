"""The URL map: one include per app, and the public health check."""

from django.urls import include, path

from opsdesk.api import api
from opsdesk.core import views as core_views
from opsdesk.quality import public_views as survey_views
from opsdesk.tickets.views import follow as follow_views
from opsdesk.tickets.views import portal as portal_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("contact/", portal_views.contact, name="contact"),
    path("contact/thanks/", portal_views.contact_thanks, name="contact_thanks"),
    path("follow/<str:token>/", follow_views.follow_request, name="follow_request"),  # a request, by its mailed link
    path(
        "survey/<str:token>/", survey_views.survey_answer, name="survey_answer"
    ),  # one-click answer, by its mailed link
    path("survey/<str:token>/stop/", survey_views.survey_opt_out, name="survey_opt_out"),
    path("accounts/", include("opsdesk.accounts.urls")),
    path("", include("opsdesk.automation.urls")),  # settings/automation/, macros/, tickets/<id>/automation/ and macro/
    path("tickets/", include("opsdesk.tickets.urls.agent")),
    path("portal/", include("opsdesk.tickets.urls.portal")),
    path("notifications/", include("opsdesk.tickets.urls.notifications")),
    path("customers/", include("opsdesk.customers.urls")),
    path("people/", include("opsdesk.people.urls")),
    path("audit/", include("opsdesk.audit.urls")),
    path("analytics/", include("opsdesk.analytics.urls")),
    path("shared/dashboard/", include("opsdesk.analytics.urls_shared")),
    path("settings/events/", include("opsdesk.tickets.urls.events")),
    path("settings/inbound-mail/", include("opsdesk.messaging.inbound_urls")),
    path("settings/mailboxes/", include("opsdesk.messaging.mailbox_urls")),
    path("settings/integrations/", include("opsdesk.integrations.urls.settings")),
    path("settings/", include("opsdesk.sla.urls")),  # calendars/ and sla/
    path("sla/risk/", include("opsdesk.sla.queue_urls")),
    path("", include("opsdesk.routing.urls")),  # settings/routing/ and routing/
    path("settings/surveys/", include("opsdesk.quality.urls")),
    path("quality/", include("opsdesk.quality.review_urls")),
    path("workforce/", include("opsdesk.workforce.urls")),
    path("settings/", include("opsdesk.tickets.urls.settings")),
    path("outbox/", include("opsdesk.messaging.urls")),
    path("", include("opsdesk.messaging.chat.urls")),
    path("calls/", include("opsdesk.messaging.urls.calls")),
    path("settings/channels/", include("opsdesk.messaging.urls.settings")),
    path("forms/", include("opsdesk.messaging.urls.webforms")),
    path("hooks/inbound/", include("opsdesk.integrations.urls.hooks")),
    path("hooks/", include("opsdesk.messaging.urls.hooks")),
    path("analytics/", include("opsdesk.analytics.urls_exports")),  # export/...
    path("analytics/", include("opsdesk.analytics.urls_reports")),  # reports/...
    path("api/v1/", api.urls),
]

handler403 = "opsdesk.core.views.forbidden"
handler404 = "opsdesk.core.views.not_found"
