from django.urls import path

from opsdesk.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("new/", views.customer_create, name="customer_create"),
    path("import/", views.customer_import, name="customer_import"),
    path("<int:customer_id>/", views.customer_detail, name="customer_detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:customer_id>/note/", views.customer_note, name="customer_note"),
    path("<int:customer_id>/merge/", views.customer_merge, name="customer_merge"),
    path("<int:customer_id>/invite/", views.customer_invite, name="customer_invite"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:organization_id>/", views.organization_detail, name="organization_detail"),
    path("organizations/<int:organization_id>/edit/", views.organization_edit, name="organization_edit"),
]
