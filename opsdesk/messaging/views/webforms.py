"""Web forms: the administrators' pages (list, create, edit with a preview and the embed snippet) and the public
form a website embeds (`/forms/<key>/`, inside an iframe that `/forms/<key>/embed.js` inserts and resizes).

The public form is framed by other websites, where the browser sends no SameSite=Lax cookie with the form's POST,
so Django's cookie-based CSRF check cannot pass. The form acts as no one (it never reads the session; a signed-in
visitor's account is not used), so it is exempt from that check and carries its own protection instead (ADR 0018):
a token signed with SECRET_KEY for this form, valid for OPSDESK_WEBFORM_TOKEN_SECONDS, whose random part is the
intake's one-time `submission` key (a resent form is the same ticket); a POST whose Origin header is another site
is refused; a honeypot field; a per-address rate limit checked before the body is read; the anonymous body limit.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from opsdesk.accounts.access import capability_required
from opsdesk.accounts.capabilities import Capability
from opsdesk.core import ratelimit
from opsdesk.core.errors import ActionError
from opsdesk.core.forms import add_action_error
from opsdesk.core.http import AuthedRequest
from opsdesk.core.security import CONTENT_SECURITY_POLICY
from opsdesk.core.site import absolute_url, site_url
from opsdesk.messaging import actions
from opsdesk.messaging.forms import PublicWebForm, WebFormConfigForm
from opsdesk.messaging.models import WebForm

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# The intake's names for the visitor's fields, where the form names them otherwise.
PUBLIC_FIELDS = {"requester_email": "email", "requester_name": "name", "body": "description"}


# --- administrators ---------------------------------------------------------------------------------------------------


@capability_required(Capability.MANAGE_CHANNELS)
@require_GET
def webform_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "messaging/webform_list.html", {"webforms": WebForm.objects.select_related("team")})


@capability_required(Capability.MANAGE_CHANNELS)
@require_http_methods(["GET", "POST"])
def webform_edit(request: AuthedRequest, form_id: int | None = None) -> HttpResponse:
    webform = get_object_or_404(WebForm, pk=form_id) if form_id is not None else None
    initial = WebFormConfigForm.initial_for(webform) if webform is not None else {"active": True}
    form = WebFormConfigForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_webform(webform, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("channel_settings:webform_edit", saved.pk)
    rows = form.field_rows()
    custom = {bound.name for pair in rows for bound in pair}
    context: dict[str, Any] = {
        "form": form,
        "webform": webform,
        "base_fields": [bound for bound in form if bound.name not in custom],
        "field_rows": rows,
    }
    if webform is not None:
        public = absolute_url(webform.get_public_url())
        script = absolute_url(reverse("webforms:webform_embed", args=[webform.key]))
        context["public_url"] = public
        context["snippet"] = f'<script src="{script}" async></script>'
    return render(request, "messaging/webform_form.html", context, status=400 if request.method == "POST" else 200)


# --- the public form --------------------------------------------------------------------------------------------------


def frame_policy(webform: WebForm | None) -> str:
    """The strict policy with frame-ancestors opened to this form's websites (and OpsDesk itself, for the preview
    on the settings page). Origins were checked when saved (scheme, host, port only)."""
    ancestors = " ".join(["'self'", *(webform.allowed_origins if webform else [])])
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")


def _language(request: HttpRequest, webform: WebForm) -> str:
    """The form's language, else the one asked for (`?language=`, from the script tag's data-lang; not `?lang=`,
    which would store a preference cookie for the whole site), else the browser's."""
    if webform.language:
        return webform.language
    wanted = (request.GET.get("language") or "").split("-")[0].lower()
    if wanted in LANGUAGE_CODES:
        return wanted
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _token_signer(webform: WebForm) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"opsdesk.webform:{webform.key}")


def new_token(webform: WebForm) -> str:
    return _token_signer(webform).sign(secrets.token_urlsafe(18))


def read_token(webform: WebForm, token: str) -> str | None:
    """The one-time key inside a genuine, unexpired token for this form; None otherwise."""
    try:
        return _token_signer(webform).unsign(token, max_age=settings.OPSDESK_WEBFORM_TOKEN_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one
        return None


def _framed(response: HttpResponse, webform: WebForm | None) -> HttpResponse:
    response["Content-Security-Policy"] = frame_policy(webform)
    response["Cache-Control"] = "no-store"
    return response


def _render_public(request: HttpRequest, webform: WebForm, form: PublicWebForm, status: int = 200) -> HttpResponse:
    context = {"webform": webform, "form": form, "action": request.get_full_path()}
    return _framed(render(request, "messaging/webform_public.html", context, status=status), webform)


def _refuse_webform(request: HttpRequest) -> HttpResponse:
    """Over the per-address limit: a short page the embedding website may still frame (the body is not read)."""
    try:
        key = resolve(request.path_info).kwargs.get("form_key", "")
    except Resolver404:
        key = ""
    webform = WebForm.objects.filter(key=key).first()
    message = _("Too many messages from your address. Please try again in a few minutes.")
    page = render(request, "messaging/webform_message.html", {"webform": webform, "message": message, "error": True})
    return _framed(page, webform)


def _same_origin(request: HttpRequest) -> bool:
    """A browser names the page a POST comes from; the form posts from its own page, so any other origin is a
    cross-site post (no Origin header: a non-browser client, which the token and rate limit still govern)."""
    sent = request.headers.get("Origin")
    if sent is None:
        return True
    return sent == f"{request.scheme}://{request.get_host()}"


@ratelimit.guard(
    "webform",
    limit=lambda: int(settings.OPSDESK_WEBFORM_RATE_LIMIT),
    window_seconds=600,
    counts_every_request=True,
    refuse=_refuse_webform,
)
@csrf_exempt  # the signed form token replaces the cookie check (see the module docstring)
@xframe_options_exempt  # framing is governed by the form's CSP frame-ancestors instead
@require_http_methods(["GET", "POST"])
def webform_public(request: HttpRequest, form_key: str) -> HttpResponse:
    webform = get_object_or_404(WebForm, key=form_key, active=True)
    language = _language(request, webform)
    with translation.override(language):
        if request.method == "GET":
            form = PublicWebForm(webform=webform, initial={"token": new_token(webform)})
            return _render_public(request, webform, form)
        form = PublicWebForm(request.POST, request.FILES, webform=webform)
        if not _same_origin(request):
            form.is_valid()
            form.add_error(None, _("This form can only be sent from its own page."))
            return _render_public(request, webform, _fresh(form, webform), status=403)
        if not form.is_valid():
            if "token" in form.errors:  # a hidden field: say what to do instead of "This field is required"
                form.add_error(None, _("This form was open too long. Please send it again."))
            return _render_public(request, webform, _fresh(form, webform), status=400)
        data = form.cleaned_data
        if data["website"]:
            return redirect(reverse("webforms:webform_thanks", args=[webform.key]) + f"?language={language}")
        submission = read_token(webform, data["token"])
        if submission is None:
            form.add_error(None, _("This form was open too long. Please send it again."))
            return _render_public(request, webform, _fresh(form, webform), status=400)
        try:
            actions.submit_webform(
                webform,
                name=data["name"],
                email=data["email"],
                subject=data["subject"],
                description=data["description"],
                custom_fields=form.custom_values(),
                language=language,
                attachments=data["attachments"],
                submission=submission,
            )
        except ActionError as error:
            field = PUBLIC_FIELDS.get(error.field or "", error.field or "")
            field = field if field in form.fields else f"cf_{field}"
            form.add_error(field if field in form.fields else None, error.message)
            return _render_public(request, webform, _fresh(form, webform), status=400)
        return redirect(reverse("webforms:webform_thanks", args=[webform.key]) + f"?language={language}")


def _fresh(form: PublicWebForm, webform: WebForm) -> PublicWebForm:
    """A refused form shown again keeps what the visitor typed; its token stays (a new one would let a resend of
    the first attempt make a second ticket) unless it had expired or was forged."""
    if read_token(webform, form.data.get("token", "")) is None:
        data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        data["token"] = new_token(webform)
        form.data = data
    return form


@xframe_options_exempt
@require_GET
def webform_thanks(request: HttpRequest, form_key: str) -> HttpResponse:
    webform = get_object_or_404(WebForm, key=form_key)
    with translation.override(_language(request, webform)):
        page = render(
            request,
            "messaging/webform_message.html",
            {"webform": webform, "message": webform.display_success_message, "error": False},
        )
    return _framed(page, webform)


@require_GET
def webform_embed(request: HttpRequest, form_key: str) -> HttpResponse:
    """The script a website pastes: it inserts the form's iframe after itself and sets its height from the
    messages the form's page posts. `data-lang` on the script tag asks for a language."""
    webform = get_object_or_404(WebForm, key=form_key, active=True)
    url = absolute_url(webform.get_public_url())
    origin = site_url()
    body = render_to_string(
        "messaging/webform_embed.js", {"url": url, "origin": origin, "title": webform.title}, request=request
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
