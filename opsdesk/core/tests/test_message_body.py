"""How a message's text is shown: quoted text and signatures folded under a button that names them, in the
reader's language; file inputs whose button and "no file" text follow the user's language, not the browser's."""

from __future__ import annotations

from django import forms
from django.utils import translation

from opsdesk.core.forms import FilePicker
from opsdesk.core.templatetags.opsdesk import message_body

SUMMARY_EN = (
    '<details class="quoted"><summary title="Show quoted text and signature"><span aria-hidden="true">•••</span>'
    '<span class="sr-only">Show quoted text and signature</span></summary>'
)


def test_the_quoted_text_the_mail_intake_folded_gets_a_named_button() -> None:
    stored = "<p>Thanks, it works.</p><details><summary>…</summary><p>-- <br>Anna</p><p>&gt; Try again</p></details>"
    with translation.override("en"):
        assert message_body(stored) == (
            "<p>Thanks, it works.</p>" + SUMMARY_EN + "<p>-- <br>Anna</p><p>&gt; Try again</p></details>"
        )
    with translation.override("fi"):
        assert 'title="Näytä lainattu teksti ja allekirjoitus"' in message_body(stored)


def test_a_quote_that_closes_a_message_is_folded_and_one_inside_is_left() -> None:
    with translation.override("en"):
        assert message_body("<p>Yes.</p><blockquote><p>Is it on?</p></blockquote>") == (
            "<p>Yes.</p>" + SUMMARY_EN + "<blockquote><p>Is it on?</p></blockquote></details>"
        )
        inside = "<blockquote><p>Is it on?</p></blockquote><p>Yes, it is.</p>"
        assert message_body(inside) == inside


def test_the_body_is_still_cleaned() -> None:
    assert message_body('<p onclick="x()">Hi<script>alert(1)</script></p>') == "<p>Hi</p>"


class Upload(forms.Form):
    upload = forms.FileField(widget=FilePicker())


def test_a_file_input_speaks_the_users_language() -> None:
    with translation.override("sv"):
        html = str(Upload(auto_id="f_%s")["upload"])
    assert '<input type="file" name="upload" required id="f_upload" class="file-input">' in html
    assert '<label for="f_upload" class="button file-button" aria-hidden="true">Välj en fil…</label>' in html
    assert '<span class="file-names" data-file-names data-none="Ingen fil vald">Ingen fil vald</span>' in html
