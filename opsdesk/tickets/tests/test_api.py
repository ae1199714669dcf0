"""The REST API for tickets, through the client with real tokens: results, errors, paging, idempotency, budgets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from opsdesk.accounts import actions as account_actions
from opsdesk.core import ratelimit
from opsdesk.tickets import actions
from opsdesk.tickets.models import Message, Ticket, TicketStatus


def token(user: Any, scope: str = "write") -> dict[str, str]:
    _token, raw = account_actions.issue_api_token(user, name="test", scope=scope, actor=user)
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_does_not_grow_with_rows(
    client: Client, world: Any, django_assert_num_queries: Any, rows: int
) -> None:
    for i in range(rows):
        world.ticket(subject=f"T{i}", tags=["a"])
    headers = token(world.admin)
    client.get("/api/v1/tickets/", headers=headers)  # stamps the token's last use (once a minute)
    # token, the rate-limit counter, the keyset query (no category filter: one query), tags
    with django_assert_num_queries(4):
        response = client.get("/api/v1/tickets/", headers=headers)
    assert len(response.json()["items"]) == rows
    # token, the rate-limit counter, sort keys of the four unsolved categories, the page's rows, tags
    with django_assert_num_queries(8):
        response = client.get("/api/v1/tickets/?status=unsolved", headers=headers)
    assert len(response.json()["items"]) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_an_agents_list_reads_each_visible_branch_with_its_own_bounded_query(
    client: Client, world: Any, django_assert_num_queries: Any, rows: int
) -> None:
    for i in range(rows):
        world.ticket(subject=f"T{i}")
    headers = token(world.agent)
    client.get("/api/v1/tickets/", headers=headers)
    # token, the rate-limit counter, team ids, the sort keys of "assigned to me", "in Support" and "in no team" in
    # each of the six status categories (18), the page's rows, tags
    with django_assert_num_queries(23):
        response = client.get("/api/v1/tickets/", headers=headers)
    assert len(response.json()["items"]) == rows


def test_branch_pages_merge_without_gaps_or_repeats(client: Client, world: Any) -> None:
    support = [world.ticket(subject=f"S{i}") for i in range(3)]
    no_team = [world.ticket(subject=f"N{i}", team=None) for i in range(2)]
    billing_mine = world.ticket(subject="B mine", team=world.billing, assignee=world.agent)
    world.ticket(subject="B other", team=world.billing)
    both = world.ticket(subject="S mine", assignee=world.agent)  # assigned to me and in my team: listed once
    expected = [t.pk for t in Ticket.objects.visible_to(world.agent).order_by("-updated_at", "-pk")]
    assert sorted(expected) == sorted(t.pk for t in [*support, *no_team, billing_mine, both])
    headers = token(world.agent)
    seen: list[int] = []
    url: str | None = "/api/v1/tickets/?limit=2"
    while url:
        body = client.get(url, headers=headers).json()
        seen += [item["id"] for item in body["items"]]
        url = f"/api/v1/tickets/?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert seen == expected


def test_cursor_pages_follow_changes_in_order_without_gaps(client: Client, world: Any) -> None:
    made = [world.ticket(subject=f"T{i}") for i in range(7)]
    headers = token(world.admin)
    seen: list[int] = []
    url = "/api/v1/tickets/?order=updated&limit=3"
    while True:
        body = client.get(url, headers=headers).json()
        seen += [item["id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        url = f"/api/v1/tickets/?order=updated&limit=3&cursor={body['next_cursor']}"
    assert seen == [t.pk for t in made]
    actions.set_priority(made[2], priority="high", actor=world.agent)
    since = Ticket.objects.get(pk=made[2].pk).updated_at
    changed = client.get("/api/v1/tickets/", {"updated_since": since.isoformat()}, headers=headers).json()
    assert [item["id"] for item in changed["items"]] == [made[2].pk]
    assert changed["items"][0]["priority"] == "high"


def test_create_is_idempotent_with_a_key(client: Client, world: Any) -> None:
    headers = {**token(world.agent), "Idempotency-Key": "abc-123"}
    payload = {"subject": "Printer", "body": "Jammed", "requester_email": "Pat@Example.com", "tags": ["HW"]}
    first = client.post("/api/v1/tickets/", payload, content_type="application/json", headers=headers)
    again = client.post("/api/v1/tickets/", payload, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Ticket.objects.filter(subject="Printer").count() == 1
    created = first.json()
    assert (created["channel"], created["tags"], created["status_category"]) == ("api", ["hw"], "new")
    assert Message.objects.get(ticket_id=created["id"]).via == "api"


def test_reply_and_timeline(client: Client, world: Any) -> None:
    ticket = world.ticket()
    headers = token(world.agent)
    pending = TicketStatus.objects.get(name="Pending")
    reply = client.post(
        f"/api/v1/tickets/{ticket.pk}/reply",
        {"body": "Which model?", "status_id": pending.pk},
        content_type="application/json",
        headers=headers,
    )
    assert reply.status_code == 201
    assert (reply.json()["visibility"], reply.json()["via"]) == ("public", "api")
    events = client.get(f"/api/v1/tickets/{ticket.pk}/events", headers=headers).json()
    assert [e["kind"] for e in events] == ["ticket.created", "comment.added", "comment.added", "status.changed"]
    assert events[-1]["data"]["to_category"] == "pending"


def test_errors_share_one_shape_and_the_right_status(
    client: Client, world: Any, settings: Any, monkeypatch: Any
) -> None:
    ticket = world.ticket()
    assert client.get("/api/v1/tickets/").json() == {
        "code": "unauthorized",
        "message": "Send a valid API token: Authorization: Bearer <token>.",
        "field": None,
    }
    assert client.get("/api/v1/tickets/", headers={"Authorization": "Bearer nope"}).status_code == 401
    write = token(world.agent)
    missing = client.post(
        "/api/v1/tickets/",
        {"body": "x", "requester_email": "a@b.example"},
        content_type="application/json",
        headers=write,
    )
    assert (missing.status_code, missing.json()["code"], missing.json()["field"]) == (422, "invalid", "subject")
    bad_email = client.post(
        "/api/v1/tickets/",
        {"subject": "s", "body": "x", "requester_email": "nope"},
        content_type="application/json",
        headers=write,
    )
    assert (bad_email.status_code, bad_email.json()["code"]) == (422, "invalid_email")
    read = token(world.agent, scope="read")
    refused = client.post(
        f"/api/v1/tickets/{ticket.pk}/note", {"body": "x"}, content_type="application/json", headers=read
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "read_only_token")
    hidden = world.ticket(team=world.billing)
    assert client.get(f"/api/v1/tickets/{hidden.pk}", headers=write).json()["code"] == "not_found"
    closed = TicketStatus.objects.get(name="Closed")
    actions.change_status(ticket, status=closed, actor=world.agent)
    conflict = client.post(
        f"/api/v1/tickets/{ticket.pk}/status",
        {"status_id": closed.pk - 1},
        content_type="application/json",
        headers=write,
    )
    assert (conflict.status_code, conflict.json()["code"]) == (409, "ticket_closed")
    assert client.get("/api/v1/tickets/?cursor=xyz", headers=write).json()["field"] == "cursor"
    settings.OPSDESK_API_RATE_LIMIT = 2
    limited = token(world.manager)
    monkeypatch.setattr(ratelimit, "EPOCH", 0)  # windows counted from the Unix epoch, as in production
    with time_machine.travel(datetime(2030, 1, 1, 12, 0, 15, tzinfo=UTC), tick=False):  # 15 s into a minute
        codes = [client.get("/api/v1/tickets/", headers=limited).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert client.get("/api/v1/tickets/", headers=limited)["Retry-After"] == "45"  # when the minute ends


def test_openapi_document_and_docs_are_served_offline(client: Client, db: None) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "OpsDesk API"
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def test_malformed_json_is_a_400_in_the_error_shape(client: Client, world: Any) -> None:
    ticket = world.ticket()
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/note", "{not json", content_type="application/json", headers=token(world.agent)
    )
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "field"}


def test_times_with_any_offset_are_compared_in_utc(client: Client, world: Any) -> None:
    world.ticket()
    headers = token(world.admin)
    far = client.get("/api/v1/tickets/", {"created_after": "0670-09-02T17:45:40+16:07"}, headers=headers)
    assert (far.status_code, len(far.json()["items"])) == (200, 1)
    edge = client.get("/api/v1/tickets/", {"created_after": "0001-01-01T00:00:00+05:00"}, headers=headers)
    assert (edge.status_code, edge.json()["field"]) == (400, "created_after")
    same = client.get("/api/v1/tickets/", {"created_at__gte": "0001-01-01T00:00:00+05:00"}, headers=headers)
    assert (same.status_code, same.json()["field"]) == (400, "created_at__gte")


def test_nul_characters_are_refused_before_they_reach_the_database(client: Client, world: Any) -> None:
    headers = token(world.agent)
    listed = client.get("/api/v1/customers/", {"q": "a\x00b"}, headers=headers)
    assert (listed.status_code, listed.json()["code"]) == (400, "invalid")
    created = client.post(
        "/api/v1/tickets/",
        {"subject": "a\x00", "body": "b", "requester_email": "n@n.example"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 400
    assert Ticket.objects.filter(subject__startswith="a").count() == 0
    assert client.get("/customers/", {"q": "\x00"}).status_code == 400


def test_merge_link_and_configuration_lists(client: Client, world: Any) -> None:
    source, target, other = world.ticket(subject="Dup"), world.ticket(subject="Main"), world.ticket()
    headers = token(world.agent)
    merged = client.post(
        f"/api/v1/tickets/{source.pk}/merge", {"target_id": target.pk}, content_type="application/json", headers=headers
    )
    assert (merged.status_code, merged.json()["id"]) == (200, target.pk)
    source.refresh_from_db()
    assert (source.merged_into_id, source.status_category) == (target.pk, "closed")
    link = client.post(
        f"/api/v1/tickets/{target.pk}/links", {"other_id": other.pk}, content_type="application/json", headers=headers
    )
    assert (link.status_code, link.json()["kind"]) == (201, "related")
    hidden = world.ticket(team=world.billing)
    refused = client.post(
        f"/api/v1/tickets/{target.pk}/links", {"other_id": hidden.pk}, content_type="application/json", headers=headers
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "other_id")
    teams = client.get("/api/v1/teams/", headers=headers).json()
    assert [t["name"] for t in teams] == ["Billing", "Support"]
    assert {m["user_id"] for m in teams[1]["members"]} == {world.agent.pk, world.lead.pk, world.light_agent.pk}
    users = client.get("/api/v1/users/", headers=headers).json()
    assert world.customer_user.pk not in [u["id"] for u in users]
    assert client.get("/api/v1/custom-fields/", headers=headers).json() == []


def test_patch_changes_only_what_is_sent(client: Client, world: Any) -> None:
    ticket = world.ticket(tags=["vip"])
    headers = token(world.agent)
    changed = client.patch(
        f"/api/v1/tickets/{ticket.pk}",
        {"priority": "urgent", "assignee_id": world.agent.pk},
        content_type="application/json",
        headers=headers,
    )
    assert changed.status_code == 200
    body = changed.json()
    assert (body["priority"], body["assignee_id"], body["tags"], body["team_id"], body["status_category"]) == (
        "urgent",
        world.agent.pk,
        ["vip"],
        world.support.pk,
        "open",
    )
    kinds = list(ticket.events.order_by("id").values_list("kind", flat=True))
    assert kinds[-3:] == ["assignee.changed", "status.changed", "priority.changed"]
    bad = client.patch(
        f"/api/v1/tickets/{ticket.pk}", {"priority": "whenever"}, content_type="application/json", headers=headers
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "priority")
    cleared = client.patch(
        f"/api/v1/tickets/{ticket.pk}", {"unassign": True}, content_type="application/json", headers=headers
    )
    assert cleared.json()["assignee_id"] is None


def test_replies_and_notes_with_files_upload_and_download_through_the_access_check(
    client: Client, world: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    ticket = world.ticket()
    headers = token(world.agent)
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/messages",
        {
            "body": "Here is the log.",
            "files": [
                SimpleUploadedFile("log.txt", b"line 1\nline 2\n", "text/plain"),
                SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\nfake", "image/png"),
            ],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["visibility"], body["via"]) == ("public", "api")
    assert [(a["filename"], a["content_type"], a["size"]) for a in body["attachments"]] == [
        ("log.txt", "text/plain", 14),
        ("shot.png", "image/png", 12),
    ]
    log = body["attachments"][0]
    download = client.get(log["download_url"], headers=headers)
    assert download.status_code == 200
    assert download.getvalue() == b"line 1\nline 2\n"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/api/v1/attachments/{log['id']}", headers=headers).json()["sha256"] == log["sha256"]
    # another team's agent does not see the ticket, so not its files either
    assert client.get(log["download_url"], headers=token(world.other_agent)).status_code == 404
    listed = client.get(f"/api/v1/tickets/{ticket.pk}/messages", headers=headers).json()
    assert [len(m["attachments"]) for m in listed] == [0, 2]

    note = client.post(
        f"/api/v1/tickets/{ticket.pk}/messages",
        {"body": "Internal", "visibility": "internal", "files": SimpleUploadedFile("n.txt", b"x", "text/plain")},
        headers=token(world.light_agent),
    )
    assert note.status_code == 201
    assert note.json()["visibility"] == "internal"


def test_a_refused_file_stores_nothing(client: Client, world: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.OPSDESK_MAX_ATTACHMENT_BYTES = 10
    ticket = world.ticket()
    headers = token(world.agent)
    for files, code in [
        ([SimpleUploadedFile("ok.txt", b"ok"), SimpleUploadedFile("big.txt", b"x" * 11)], "attachment_too_large"),
        ([SimpleUploadedFile("run.exe", b"MZ", "application/x-msdownload")], "attachment_type"),
    ]:
        response = client.post(
            f"/api/v1/tickets/{ticket.pk}/messages", {"body": "Files", "files": files}, headers=headers
        )
        assert response.status_code == 422
        assert response.json()["code"] == code
    assert Message.objects.filter(ticket=ticket).count() == 1
    assert not any(tmp_path.rglob("*.*"))


def test_customers_use_the_api_as_they_use_the_portal(client: Client, world: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    own = world.ticket(subject="My printer", body="It jams.", tags=["vip"])
    actions.assign_ticket(own, assignee=world.agent, actor=world.admin)
    actions.add_note(own, body="Secret: replace the fuser", actor=world.agent)
    on_hold = TicketStatus.objects.get(category="on_hold", is_default=True)
    actions.change_status(own, status=on_hold, actor=world.agent)
    world.ticket(subject="Someone else's", body="Not yours.", requester=world.other_customer)
    headers = token(world.customer_user)

    listed = client.get("/api/v1/tickets/", headers=headers).json()["items"]
    assert [(t["subject"], t["team_id"], t["assignee_id"], t["tags"], t["status_category"]) for t in listed] == [
        ("My printer", None, None, [], "open")
    ]
    messages = client.get(f"/api/v1/tickets/{own.pk}/messages", headers=headers).json()
    assert [m["body_text"] for m in messages] == ["It jams."]
    assert client.get("/api/v1/tickets/search?q=fuser", headers=headers).json()["items"] == []
    assert [
        i["ticket"]["id"] for i in client.get("/api/v1/tickets/search?q=jams", headers=headers).json()["items"]
    ] == [own.pk]

    reply = client.post(f"/api/v1/tickets/{own.pk}/reply", {"body": "Still jams."}, "application/json", headers=headers)
    assert reply.status_code == 201
    assert reply.json()["author_role"] == "end_user"
    with_status = {"body": "x", "status_id": on_hold.pk}
    assert (
        client.post(f"/api/v1/tickets/{own.pk}/reply", with_status, "application/json", headers=headers).status_code
        == 403
    )
    note = {"body": "x", "visibility": "internal", "files": SimpleUploadedFile("a.txt", b"a", "text/plain")}
    assert client.post(f"/api/v1/tickets/{own.pk}/messages", note, headers=headers).status_code == 403

    mine = {"subject": "New", "body": "Help", "requester_email": "carl@acme.example"}
    created = client.post("/api/v1/tickets/", mine, "application/json", headers=headers)
    assert created.status_code == 201
    assert Ticket.objects.get(pk=created.json()["id"]).requester_id == world.customer.pk
    for extra in ({"requester_email": "dora@else.example"}, {"team_id": world.support.pk}, {"public": False}):
        refused = client.post("/api/v1/tickets/", {**mine, **extra}, "application/json", headers=headers)
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden_field"
    from opsdesk.tickets import configuration

    configuration.save_custom_field(
        None,
        label="Order number",
        key="order",
        type="text",
        visible_in_portal=True,
        required_in_portal=True,
        actor=world.admin,
    )
    second = {**mine, "subject": "And the scanner"}  # the same body again within seconds would be the first's answer
    missing = client.post("/api/v1/tickets/", second, "application/json", headers=headers)
    assert (missing.status_code, missing.json()["code"]) == (422, "required_field")
    given = {**second, "custom_fields": {"order": "A-17"}}
    assert client.post("/api/v1/tickets/", given, "application/json", headers=headers).status_code == 201
    for staff_only in ("/api/v1/customers/", f"/api/v1/tickets/{own.pk}/events", "/api/v1/teams/", "/api/v1/tags/"):
        assert client.get(staff_only, headers=headers).status_code == 403
