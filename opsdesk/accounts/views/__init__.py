"""Account pages: sign-in and its second step (`sign_in`), passwords and two-factor (`security`), preferences,
API tokens and user administration (`users`)."""
