from django.test import override_settings

from opsdesk.core import replytokens


def test_reply_address_round_trip_and_forgery() -> None:
    address = replytokens.reply_address("Support@Example.com", 42)
    assert address.startswith("Support+t42-") and address.endswith("@Example.com")
    assert replytokens.parse_reply_address(address) == 42
    assert replytokens.parse_reply_address(address.replace("t42-", "t43-")) is None
    assert replytokens.parse_reply_address("support@example.com") is None
    assert replytokens.base_address(address) == "support@example.com"
    # an existing plus part is replaced, not nested
    assert replytokens.reply_address("help+desk@example.com", 7).startswith("help+t7-")


def test_body_token_found_in_quoted_text_and_survives_key_rotation() -> None:
    token = replytokens.body_token(9)
    assert replytokens.find_body_token(f"Thanks!\n\n> earlier mail\n> {token}\n") == 9
    assert replytokens.find_body_token("[ref:t9-000000000000] forged") is None
    with override_settings(
        SECRET_KEY="a-new-key-" * 5, SECRET_KEY_FALLBACKS=[__import__("django.conf").conf.settings.SECRET_KEY]
    ):
        assert replytokens.find_body_token(token) == 9
    with override_settings(SECRET_KEY="a-new-key-" * 5, SECRET_KEY_FALLBACKS=[]):
        assert replytokens.find_body_token(token) is None
