from django.urls import path

from opsdesk.accounts.views import security, sign_in, users

app_name = "accounts"
urlpatterns = [
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    path("sign-in/code/", sign_in.sign_in_code, name="sign_in_code"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    path("sign-in-link/", sign_in.link_request, name="link_request"),
    path("sign-in-link/<str:token>/", sign_in.link_sign_in, name="link_sign_in"),
    path("password-reset/", sign_in.password_reset, name="password_reset"),
    path("password-reset/<str:token>/", sign_in.password_reset_confirm, name="password_reset_confirm"),
    path("password/", security.password_change, name="password_change"),
    path("two-factor/", security.two_factor, name="two_factor"),
    path("two-factor/setup/", security.two_factor_setup, name="two_factor_setup"),
    path("two-factor/disable/", security.two_factor_disable, name="two_factor_disable"),
    path("sign-in-policy/", security.sign_in_policy, name="sign_in_policy"),
    path("preferences/", users.preferences_edit, name="preferences_edit"),
    path("tokens/", users.token_list, name="token_list"),
    path("tokens/<int:token_id>/revoke/", users.token_revoke, name="token_revoke"),
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<int:user_id>/", users.user_edit, name="user_edit"),
    path("users/<int:user_id>/two-factor/reset/", security.user_two_factor_reset, name="user_two_factor_reset"),
]
