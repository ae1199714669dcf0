"""SSRF protection: internal addresses refused unless allowed, checked at save time and again at delivery time."""

from __future__ import annotations

from typing import Any

import pytest

from opsdesk.core.errors import ActionError
from opsdesk.integrations import actions, net
from opsdesk.integrations.models import Webhook

INTERNAL = [
    ("http://127.0.0.1/", "127.0.0.1"),
    ("https://127.0.0.1:8443/x", "127.0.0.1"),
    ("https://10.1.2.3/", "10.1.2.3"),
    ("https://172.16.0.1/", "172.16.0.1"),
    ("https://192.168.1.1/", "192.168.1.1"),
    ("https://100.64.0.1/", "100.64.0.1"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("https://[::1]/", "::1"),
    ("https://[::ffff:127.0.0.1]/", "::ffff:7f00:1"),
    ("https://[fe80::1]/", "fe80::1"),
    ("https://[fc00::1]/", "fc00::1"),
    ("https://0.0.0.0/", "0.0.0.0"),
    ("https://224.0.0.1/", "224.0.0.1"),
    ("https://240.0.0.1/", "240.0.0.1"),
]


@pytest.mark.parametrize(("url", "address"), INTERNAL)
def test_internal_addresses_are_refused(url: str, address: str, settings: Any) -> None:
    settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(net.Refused) as refused:
        net.check_url(url)
    assert f"({address})" in str(refused.value)


def test_a_name_resolving_to_loopback_is_refused(settings: Any) -> None:
    settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(net.Refused) as refused:
        net.check_url("https://localhost:8443/hook")
    assert str(refused.value).startswith("localhost is an internal address (")


def test_allowed_hosts_addresses_and_networks(settings: Any) -> None:
    settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1", "10.0.0.0/8", "localhost"]
    assert net.check_url("http://127.0.0.1:8080/a?b=1") == net.Target("http", "127.0.0.1", 8080, "/a?b=1", "127.0.0.1")
    assert net.check_url("https://10.9.8.7/").address == "10.9.8.7"
    assert net.check_url("https://localhost/").host == "localhost"
    with pytest.raises(net.Refused):
        net.check_url("https://192.168.0.1/")


def test_a_public_address_is_pinned_with_its_host_header(settings: Any) -> None:
    settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS = []
    target = net.check_url("https://93.184.215.14:8443/in")
    assert (target.address, target.host_header) == ("93.184.215.14", "93.184.215.14:8443")
    assert net.Target("https", "::2", 443, "/", "::2").host_header == "[::2]"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "https://user:pw@example.com/",
        "https://example.com:99999/",
        "javascript:alert(1)",
        "https://",
    ],
)
def test_only_plain_http_addresses(url: str) -> None:
    with pytest.raises(net.Refused):
        net.split(url)


def test_saving_refuses_internal_and_plain_http_with_a_field_error(manager: Any, settings: Any) -> None:
    settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS = []
    for url, code in [
        ("https://169.254.169.254/", "refused_url"),
        ("https://[::1]/", "refused_url"),
        ("http://93.184.215.14/", "refused_url"),
        ("https://exa mple.com/", "invalid_url"),
        ("", "empty_url"),
    ]:
        with pytest.raises(ActionError) as refused:
            actions.save_webhook(None, name="x", url=url, events=["*"], team=None, active=True, actor=manager)
        assert (refused.value.code, refused.value.field) == (code, "url"), url
    assert Webhook.objects.count() == 0
    settings.OPSDESK_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    saved = actions.save_webhook(
        None, name="x", url="http://127.0.0.1:9000/in", events=["*"], team=None, active=True, actor=manager
    )
    assert saved.url == "http://127.0.0.1:9000/in"
