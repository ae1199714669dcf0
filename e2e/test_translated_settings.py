"""An administrator gives a custom field its label in the five languages, side by side; a customer who reads Greek
sees the Greek label in the portal, and the drop-down's choices in Greek while the ticket stores the stable value."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import sign_in

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def set_language(page: Any, server: str, language: str) -> None:
    page.goto(server + "/accounts/preferences/")
    page.select_option("select[name=language]", language)
    page.click("button[type=submit].primary")
    expect(page.locator("html")).to_have_attribute("lang", language)


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1


def test_a_custom_fields_label_shows_in_greek_in_the_greek_portal(
    browser: Any, server: str, page: Any, outside_requests: list[str]
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    key = f"postcode_{uuid.uuid4().hex[:6]}"
    sign_in(page, server, "admin@opsdesk.example")
    page.goto(server + "/settings/")
    page.click("text=New field")
    expect(page.locator("label[for=id_label_0]")).to_have_text("English (default)")
    page.fill("input[name=label]", "Delivery postcode")
    page.fill("input[name=label_el]", "Ταχυδρομικός κώδικας παράδοσης")
    page.fill("input[name=label_fi]", "Toimituksen postinumero")
    page.fill("input[name=key]", key)
    page.check("input[name=visible_in_portal]")
    page.screenshot(path=str(SHOTS / "settings-field-en.png"), full_page=True)
    page.click("button:has-text('Save')")
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.locator("main")).to_contain_text("Delivery postcode")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1).new_page()
    sign_in(phone, server, "admin@opsdesk.example")
    phone.goto(server + "/settings/untranslated/?lang=el")
    entry = phone.locator("li", has_text="Ταχυδρομικός κώδικας παράδοσης")  # listed in the reader's language
    expect(entry).to_contain_text("Svenska, Русский")  # the languages it lacks
    entry.locator("a").click()
    expect(phone.locator("input[name=label_el]")).to_have_value("Ταχυδρομικός κώδικας παράδοσης")
    phone.screenshot(path=str(SHOTS / "settings-field-el-phone.png"), full_page=True)
    no_sideways_scroll(phone)

    customer = browser.new_context().new_page()
    sign_in(customer, server, "customer@opsdesk.example")
    set_language(customer, server, "el")
    try:
        customer.goto(server + "/portal/new/")
        expect(customer.locator(f"label[for=id_cf_{key}]")).to_have_text("Ταχυδρομικός κώδικας παράδοσης")
        expect(customer.locator("label[for=id_cf_product_area]")).to_have_text("Τομέας προϊόντος")
        customer.fill("input[name=subject]", "Λάθος διεύθυνση")
        customer.fill("textarea[name=body]", "Ο ταχυδρομικός κώδικας είναι λάθος.")
        customer.fill(f"input[name=cf_{key}]", "10558")
        customer.select_option("select[name=cf_product_area]", label="Πληρωμές")
        customer.click("button[type=submit].primary")
        facts = customer.locator(".portal-fields")
        expect(facts).to_contain_text("Ταχυδρομικός κώδικας παράδοσης")
        expect(facts).to_contain_text("10558")
        expect(facts).to_contain_text("Πληρωμές")
        customer.screenshot(path=str(SHOTS / "portal-fields-el.png"), full_page=True)
    finally:
        set_language(customer, server, "en")
    assert outside_requests == []
