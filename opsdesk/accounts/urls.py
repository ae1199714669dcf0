from django.urls import path

from opsdesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("sign-in-link/", views.link_request, name="link_request"),
    path("sign-in-link/<str:token>/", views.link_sign_in, name="link_sign_in"),
    path("preferences/", views.preferences_edit, name="preferences_edit"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
]
