from django.urls import path

from opsdesk.quality import coaching_views, feedback_views
from opsdesk.quality import review_views as views

app_name = "qa"
urlpatterns = [
    path("", views.qa_home, name="qa_home"),
    path("dashboard/", views.quality_dashboard, name="dashboard"),
    path("dashboard/<str:metric>/", views.quality_drill, name="drill"),
    path("feedback/", feedback_views.feedback_report, name="feedback"),
    path("agents/<int:agent_id>/", coaching_views.agent_quality, name="agent_quality"),
    path("agents/<int:agent_id>/coaching/", coaching_views.coaching_create, name="coaching_create"),
    path("coaching/<int:task_id>/done/", coaching_views.coaching_done, name="coaching_done"),
    path("feedback/export.xlsx", feedback_views.feedback_export, name="feedback_export"),
    path("samples/draw/", views.sample_draw, name="sample_draw"),
    path("samples/<int:cycle_id>/", views.sample_detail, name="sample_detail"),
    path("calibrations/", views.calibration_history, name="calibration_history"),
    path("calibrations/new/", views.calibration_create, name="calibration_create"),
    path("calibrations/<int:session_id>/", views.calibration_detail, name="calibration_detail"),
    path("calibrations/<int:session_id>/tickets/<int:ticket_id>/", views.calibration_score, name="calibration_score"),
    path("calibrations/<int:session_id>/reveal/", views.calibration_reveal, name="calibration_reveal"),
    path("scorecards/", views.scorecard_list, name="scorecard_list"),
    path("scorecards/new/", views.scorecard_edit, name="scorecard_create"),
    path("scorecards/<int:scorecard_id>/", views.scorecard_edit, name="scorecard_edit"),
    path("tickets/<int:ticket_id>/review/", views.ticket_review, name="ticket_review"),
    path("reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("reviews/<int:review_id>/share/", views.review_share, name="review_share"),
    path("reviews/<int:review_id>/acknowledge/", views.review_acknowledge, name="review_acknowledge"),
    path("reviews/<int:review_id>/dispute/", views.review_dispute, name="review_dispute"),
    path("disputes/<int:dispute_id>/resolve/", views.dispute_resolve, name="dispute_resolve"),
]
