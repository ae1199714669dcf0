"""Downloads under /analytics/export/ (the project's URL map includes this module under "analytics/")."""

from django.urls import path

from opsdesk.analytics.views import exports

app_name = "analytics_exports"

urlpatterns = [
    path("export/report.csv", exports.report_csv, name="report_csv"),
    path("export/report.xlsx", exports.report_xlsx, name="report_xlsx"),
    path("export/drill/<str:kpi>.csv", exports.drill_csv, name="drill_csv"),
    path("export/drill/<str:kpi>.xlsx", exports.drill_xlsx, name="drill_xlsx"),
    path("export/tickets.csv", exports.tickets_csv, name="tickets_csv"),
    path("export/tickets.xlsx", exports.tickets_xlsx, name="tickets_xlsx"),
]
