"""Live chat's routes: the agents' Chats pages and widget settings (`chat:`), and the widget's public endpoints
(`chat_widget:`, called cross-origin from the websites a widget allows)."""

from django.urls import include, path

from opsdesk.messaging.chat import agent_views, widget_views

agent_patterns = (
    [
        path("", agent_views.chat_list, name="chat_list"),
        path("queue/", agent_views.chat_queue, name="chat_queue"),
        path("queue/events/", agent_views.chat_queue_events, name="chat_queue_events"),
        path("waiting/", agent_views.chat_waiting_count, name="chat_waiting_count"),
        path("<int:chat_id>/", agent_views.chat_detail, name="chat_detail"),
        path("<int:chat_id>/events/", agent_views.chat_events, name="chat_events"),
        path("<int:chat_id>/accept/", agent_views.chat_accept, name="chat_accept"),
        path("<int:chat_id>/send/", agent_views.chat_send, name="chat_send"),
        path("<int:chat_id>/typing/", agent_views.chat_typing, name="chat_typing"),
        path("<int:chat_id>/end/", agent_views.chat_end, name="chat_end"),
        path("widgets/", agent_views.widget_list, name="widget_list"),
        path("widgets/new/", agent_views.widget_edit, name="widget_create"),
        path("widgets/<int:widget_id>/", agent_views.widget_edit, name="widget_edit"),
    ],
    "chat",
)

widget_patterns = (
    [
        path("<str:key>/config/", widget_views.widget_config, name="widget_config"),
        path("<str:key>/start/", widget_views.chat_start, name="chat_start"),
        path("<str:key>/messages/", widget_views.chat_send, name="chat_send"),
        path("<str:key>/typing/", widget_views.chat_typing, name="chat_typing"),
        path("<str:key>/stream/", widget_views.chat_stream, name="chat_stream"),
        path("<str:key>/end/", widget_views.chat_end, name="chat_end"),
        path("<str:key>/transcript/", widget_views.chat_transcript, name="chat_transcript"),
    ],
    "chat_widget",
)

urlpatterns = [
    path("chats/", include(agent_patterns)),
    path("chat/widget/", include(widget_patterns)),
]
