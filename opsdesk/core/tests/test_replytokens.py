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


def test_paragraphs_survive_a_textareas_crlf_and_the_text_part() -> None:
    """Found in the click-through: an agent's blank lines vanished from the stored text and the mail's text part."""
    from opsdesk.core.html import html_to_text, text_to_html

    html = text_to_html("Hello Anna,\r\n\r\nline one\r\nline two\r\n \r\n\r\nBest regards")
    assert html == "<p>Hello Anna,</p><p>line one<br>line two</p><p>Best regards</p>"
    assert html_to_text(html) == "Hello Anna,\n\nline one\nline two\n\nBest regards"
    assert html_to_text("<div>a</div><div>b</div><ul><li>x</li><li>y</li></ul>") == "a\nb\nx\ny"
