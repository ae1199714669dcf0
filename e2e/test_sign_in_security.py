"""The strict Content-Security-Policy breaks nothing on the main pages, and two-factor sign-in works end to end
in Russian on a phone-sized screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyotp
from playwright.sync_api import expect

from .conftest import PASSWORD, sign_in

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def _watch(page: Any) -> list[str]:
    """Console errors and page errors: a policy violation ("Refused to …"), htmx refusing eval, a script error."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    return problems


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1


def test_main_pages_show_no_policy_violation(server: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    problems = _watch(page)
    for path in ("/accounts/sign-in/", "/contact/", "/accounts/password-reset/", "/accounts/sign-in-link/"):
        page.goto(server + path)
    sign_in(page, server, "admin@opsdesk.example")
    pages = (
        "/tickets/",
        "/tickets/?view=open",
        "/customers/",
        "/customers/organizations/",
        "/people/teams/",
        "/accounts/users/",
        "/settings/",
        "/audit/",
        "/accounts/preferences/",
        "/accounts/password/",
        "/accounts/two-factor/",
        "/accounts/two-factor/setup/",
        "/accounts/sign-in-policy/",
        "/accounts/tokens/",
    )
    for path in pages:
        response = page.goto(server + path)
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    page.goto(server + "/tickets/?view=open")
    page.locator("[data-ticket-row] a").first.click()
    page.wait_for_load_state("networkidle")
    page.goto(server + "/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    context.close()
    portal = browser.new_context()
    page = portal.new_page()
    problems += _watch(page)
    sign_in(page, server, "customer@opsdesk.example")
    page.goto(server + "/portal/new/")
    page.goto(server + "/portal/")
    page.locator("main a[href*='/portal/tickets/']").first.click()
    page.wait_for_load_state("networkidle")
    portal.close()
    assert problems == []


def test_two_factor_set_up_and_sign_in_in_russian_on_a_phone(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    problems = _watch(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(server + "/accounts/sign-in/?lang=ru")
    page.screenshot(path=str(SHOTS / "sign-in-ru-phone.png"), full_page=True)
    _fits(page)
    sign_in(page, server, "agent.ru@opsdesk.example")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.goto(server + "/accounts/preferences/")
    page.click("a[href$='/accounts/two-factor/']")
    page.click("a[href$='/accounts/two-factor/setup/']")
    expect(page.locator(".qr svg")).to_be_visible()
    page.screenshot(path=str(SHOTS / "two-factor-setup-ru-phone.png"), full_page=True)
    _fits(page)
    secret = page.locator("[data-totp-secret]").get_attribute("data-totp-secret")
    assert secret is not None
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    codes = page.locator("[data-recovery-code]").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=str(SHOTS / "recovery-codes-ru-phone.png"), full_page=True)
    _fits(page)
    page.click("a.button.primary")
    page.goto(server + "/accounts/password/")
    page.screenshot(path=str(SHOTS / "password-change-ru-phone.png"), full_page=True)
    _fits(page)
    page.click("[data-nav-toggle]")  # a phone: Sign out is in the top bar's menu
    page.click("header .sign-out")
    page.fill("input[name=email]", "agent.ru@opsdesk.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page).to_have_url(server + "/accounts/sign-in/code/")
    expect(page.locator("h1")).to_have_text("Введите код для входа")
    page.screenshot(path=str(SHOTS / "sign-in-code-ru-phone.png"), full_page=True)
    _fits(page)
    page.fill("input[name=code]", codes[0])  # the app's code of this half-minute was used already; a recovery code
    page.click("button[type=submit].primary")
    expect(page.locator("nav")).to_contain_text("Входящие")
    page.goto(server + "/accounts/two-factor/")
    expect(page.locator("main")).to_contain_text("Осталось 9 кодов восстановления.")
    context.close()
    assert problems == []
