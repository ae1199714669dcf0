"""The reporting API (/api/v1/reports/) over a small desk built through the ticket actions and summed by the real
rebuild: exact figures, the long-format daily rows, the drill-down's pages, raw rollups, who may see what, bad
parameters and query budgets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from opsdesk.accounts import actions as account_actions
from opsdesk.analytics import rollups, sketch
from opsdesk.analytics.models import Rollup
from opsdesk.analytics.tests.test_rollups import MONDAY, build_desk
from opsdesk.sla.actions import policies as policy_actions
from opsdesk.sla.actions import tracking
from opsdesk.sla.actions.policies import TargetInput
from opsdesk.sla.consumers import track
from opsdesk.sla.models import SlaPolicy
from opsdesk.tickets import actions
from opsdesk.tickets.actions.common import default_status
from opsdesk.tickets.models import TicketEvent

WEEK = "start=2027-03-01&end=2027-03-07"
NOW = MONDAY + timedelta(days=10)  # "as_of" in every answer
R = "/api/v1/reports"


def token(user: Any) -> dict[str, str]:
    _token, raw = account_actions.issue_api_token(user, name="bi", scope="read", actor=user)
    return {"Authorization": f"Bearer {raw}"}


def get(client: Client, user: Any, url: str, **headers: str) -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.get(url, headers={**token(user), **headers})


def sketched(seconds: int) -> float:
    """A duration as the daily sketches give it back (sketch.py: within 2 % of the value)."""
    return sketch.bucket_value(sketch.bucket(seconds))


def between(low: int, high: int, q: float) -> float:
    """The q-quantile of two values as the sketches give it: type 7 between their bucket values."""
    return sketched(low) + q * (sketched(high) - sketched(low))


@pytest.fixture
def desk(world: Any) -> dict[str, Any]:
    made = build_desk(world)
    rollups.rebuild()
    return made


NO_CUT = {"team": None, "agent": None, "channel": None, "language": None, "priority": None}
NO_CUT |= {"organization": None, "tag": None}


def figure(kpi: str, value: Any, n: int, **more: Any) -> dict[str, Any]:
    found = {"kpi": kpi, "value": value, "n": n, "p90": None, "mean": None, "numerator": None}
    return found | more


def test_the_kpi_catalogue_in_the_requests_language(client: Client, world: Any) -> None:
    english = get(client, world.agent, f"{R}/kpis")
    assert english.status_code == 200
    assert [k["key"] for k in english.json()] == [
        "created",
        "solved",
        "backlog",
        "frt",
        "first_resolution",
        "resolution",
        "requester_wait",
        "agent_work",
        "one_touch",
        "reopen_rate",
        "sla_attainment",
        "replies",
    ]
    assert english.json()[3] == {
        "key": "frt",
        "label": "First response time",
        "description": "From creation to the first public reply by a person on the desk; not counted when an agent "
        "opened the ticket with a public message.",
        "kind": "duration",
        "unit": "seconds",
        "formula": "first_reply_at − created_at",
        "has_business_hours": True,
        "lower_is_better": True,
        "counts_on": "the first reply",
        "attribution": "author of the first reply",
    }
    assert english.json()[8]["unit"] == "percent" and english.json()[2]["unit"] == "count"
    finnish = get(client, world.agent, f"{R}/kpis", **{"Accept-Language": "fi"}).json()
    assert finnish[3]["label"] == "Ensivasteaika"
    greek = get(client, world.agent, f"{R}/kpis?lang=el").json()
    assert greek[1]["label"] == "Επιλυμένα αιτήματα"


def test_figures_of_a_week_with_the_week_before(client: Client, world: Any, desk: dict[str, Any]) -> None:
    response = get(client, world.manager, f"{R}/figures?{WEEK}&kpi=created&kpi=frt,reopen_rate&kpi=backlog")
    assert response.status_code == 200
    empty = {"value": None, "n": 0, "p90": None, "mean": None, "numerator": None}
    assert response.json() == {
        "period": {"start": "2027-03-01", "end": "2027-03-07", "days": 7},
        "time_zone": "Europe/Helsinki",
        "business_hours": False,
        "cut": NO_CUT,
        "as_of": "2027-03-11T07:00:00Z",
        "preset": "custom",
        "compare_name": "previous",
        "compare_period": {"start": "2027-02-22", "end": "2027-02-28", "days": 7},
        "figures": [
            figure("created", 3.0, 3, compare=empty | {"value": 0.0}),  # A, B, C; D was merged away
            # A after 30 minutes, B after 2 hours (a note is no reply); the median is the lower value's bucket
            figure("frt", between(1800, 7200, 0.5), 2, p90=between(1800, 7200, 0.9), mean=4500.0, compare=empty),
            figure("reopen_rate", 50.0, 2, numerator=1, compare=empty | {"numerator": 0}),  # A of A and B
            figure("backlog", 1.0, 1, compare=empty | {"value": 0.0}),  # C
        ],
    }


def test_figures_default_to_yesterday_and_compare_a_year_back(client: Client, world: Any, desk: Any) -> None:
    body = get(client, world.admin, f"{R}/figures?compare=year&kpi=solved&bh=true").json()
    assert body["period"] == {"start": "2027-03-10", "end": "2027-03-10", "days": 1}
    assert body["compare_period"] == {"start": "2026-03-10", "end": "2026-03-10", "days": 1}
    assert (body["preset"], body["compare_name"], body["business_hours"]) == ("yesterday", "year", True)
    empty = {"value": 0.0, "n": 0, "p90": None, "mean": None, "numerator": None}
    assert body["figures"] == [figure("solved", 0.0, 0, compare=empty)]


def test_figures_of_cuts_the_rollups_do_not_hold(client: Client, world: Any, desk: Any) -> None:
    url = f"{R}/figures?{WEEK}&compare=none&team={world.support.pk}&priority=high&kpi=created,solved,frt"
    body = get(client, world.manager, url).json()
    assert body["cut"] == NO_CUT | {"team": world.support.pk, "priority": "high"}
    assert body["compare_period"] is None
    assert body["figures"] == [
        figure("created", 1.0, 1, compare=None),  # B
        figure("solved", 1.0, 1, compare=None),
        figure("frt", sketched(7200), 1, p90=sketched(7200), mean=7200.0, compare=None),
    ]


def test_daily_rows_are_one_per_day_and_kpi(client: Client, world: Any, desk: Any) -> None:
    body = get(client, world.manager, f"{R}/daily?start=2027-03-01&end=2027-03-03&kpi=created,solved,frt").json()
    assert body["period"] == {"start": "2027-03-01", "end": "2027-03-03", "days": 3}
    row = {"p90": None, "mean": None, "numerator": None}
    assert body["rows"] == [
        {"day": "2027-03-01", "kpi": "created", "value": 3.0, "n": 3} | row,
        {"day": "2027-03-01", "kpi": "solved", "value": 2.0, "n": 2} | row,  # B, and A the first time
        {
            "day": "2027-03-01",
            "kpi": "frt",
            "value": between(1800, 7200, 0.5),
            "n": 2,
            "p90": between(1800, 7200, 0.9),
            "mean": 4500.0,
        }
        | {"numerator": None},
        {"day": "2027-03-02", "kpi": "created", "value": 0.0, "n": 0} | row,  # D was merged away
        {"day": "2027-03-02", "kpi": "solved", "value": 1.0, "n": 1} | row,  # A again
        {"day": "2027-03-02", "kpi": "frt", "value": None, "n": 0} | row,
        {"day": "2027-03-03", "kpi": "created", "value": 0.0, "n": 0} | row,
        {"day": "2027-03-03", "kpi": "solved", "value": 0.0, "n": 0} | row,
        {"day": "2027-03-03", "kpi": "frt", "value": None, "n": 0} | row,
    ]
    backlog = get(client, world.manager, f"{R}/daily?start=2027-03-01&end=2027-03-03&kpi=backlog").json()["rows"]
    assert [(r["day"], r["value"]) for r in backlog] == [("2027-03-01", 1.0), ("2027-03-02", 1.0), ("2027-03-03", 1.0)]
    default = get(client, world.manager, f"{R}/daily?kpi=created").json()
    assert default["period"] == {"start": "2027-02-09", "end": "2027-03-10", "days": 30}
    assert len(default["rows"]) == 30


def test_the_drill_down_lists_each_value_and_the_exact_figure(client: Client, world: Any, desk: Any) -> None:
    a, b = desk["a"], desk["b"]
    body = get(client, world.manager, f"{R}/drill/frt?{WEEK}").json()
    assert (body["kpi"], body["part"], body["next_cursor"]) == ("frt", None, None)
    assert body["exact"] == {"value": 4500.0, "n": 2, "p90": 6660.0, "mean": 4500.0, "numerator": None}  # type 7
    assert body["items"] == [
        {"ticket_id": a.pk, "at": "2027-03-01T07:30:00Z", "value": 1800, "agent_id": world.agent.pk}
        | {"part": None, "detail": ""},
        {"ticket_id": b.pk, "at": "2027-03-01T09:00:00Z", "value": 7200, "agent_id": world.agent.pk}
        | {"part": None, "detail": ""},
    ]
    solved = get(client, world.manager, f"{R}/drill/solved?{WEEK}").json()
    assert [(i["ticket_id"], i["at"], i["agent_id"]) for i in solved["items"]] == [
        (a.pk, "2027-03-01T09:00:00Z", world.agent.pk),  # at the same instant: in the order they were stored
        (b.pk, "2027-03-01T09:00:00Z", None),  # solved while unassigned
        (a.pk, "2027-03-02T08:00:00Z", world.agent.pk),
    ]
    assert solved["exact"] is None


def test_drill_pages_follow_each_other_without_gaps_or_repeats(client: Client, world: Any, desk: Any) -> None:
    seen: list[tuple[int, str]] = []
    url = f"{R}/drill/solved?{WEEK}&limit=1"
    pages = 0
    while url:
        body = get(client, world.manager, url).json()
        pages += 1
        assert (body["exact"] is None) or pages == 1
        seen += [(item["ticket_id"], item["at"]) for item in body["items"]]
        url = f"{R}/drill/solved?{WEEK}&limit=1&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    assert pages == 3
    assert seen == [
        (desk["a"].pk, "2027-03-01T09:00:00Z"),
        (desk["b"].pk, "2027-03-01T09:00:00Z"),
        (desk["a"].pk, "2027-03-02T08:00:00Z"),
    ]
    first = get(client, world.manager, f"{R}/drill/frt?{WEEK}&limit=1").json()
    assert first["exact"]["n"] == 2 and first["next_cursor"]
    second = get(client, world.manager, f"{R}/drill/frt?{WEEK}&limit=1&cursor={first['next_cursor']}").json()
    assert second["exact"] is None  # the exact figure is read once, with the first page
    assert [i["ticket_id"] for i in second["items"]] == [desk["b"].pk] and second["next_cursor"] is None


def test_the_parts_of_a_ratio(client: Client, world: Any, desk: Any) -> None:
    a, b = desk["a"], desk["b"]
    both = get(client, world.manager, f"{R}/drill/one_touch?{WEEK}").json()["items"]
    assert [(i["ticket_id"], i["part"]) for i in both] == [(b.pk, "yes"), (a.pk, "no")]
    yes = get(client, world.manager, f"{R}/drill/one_touch?{WEEK}&part=yes").json()
    assert ([i["ticket_id"] for i in yes["items"]], yes["part"]) == ([b.pk], "yes")
    reopened = get(client, world.manager, f"{R}/drill/reopen_rate?{WEEK}&part=yes").json()["items"]
    assert [(i["ticket_id"], i["at"], i["part"]) for i in reopened] == [(a.pk, "2027-03-01T09:00:00Z", "yes")]
    not_reopened = get(client, world.manager, f"{R}/drill/reopen_rate?{WEEK}&part=no").json()["items"]
    assert [i["ticket_id"] for i in not_reopened] == [b.pk]


def test_sla_attainment_and_its_breached_and_achieved_parts(client: Client, world: Any) -> None:
    start = datetime(2027, 3, 3, 7, 0, tzinfo=UTC)
    seen = [TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0]

    def consume(at: datetime) -> None:
        rows = list(TicketEvent.objects.filter(id__gt=seen[0]).order_by("id"))
        if rows:
            seen[0] = rows[-1].pk
            with time_machine.travel(at, tick=False):
                track(rows)

    policy = SlaPolicy.objects.get(is_default=True)
    target = TargetInput("normal", "first_reply", 3600, business_hours=False)
    policy_actions.save_policy(
        policy, name=policy.name, conditions={}, calendar=None, pause_categories=("pending",), targets=[target],
        actor=world.manager,
    )  # fmt: skip
    with time_machine.travel(start, tick=False):
        quick, slow = world.ticket(subject="Quick"), world.ticket(subject="Slow")
    consume(start + timedelta(seconds=5))
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        actions.reply_to_ticket(quick, body="Here.", actor=world.agent)
    consume(start + timedelta(minutes=21))
    tracking.check_due(start + timedelta(hours=2))  # the slow one breaches at its deadline
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        actions.reply_to_ticket(slow, body="Sorry.", actor=world.agent, status=default_status("solved"))
    consume(start + timedelta(hours=3, minutes=1))
    rollups.rebuild()
    found = get(client, world.manager, f"{R}/figures?{WEEK}&compare=none&kpi=sla_attainment").json()["figures"]
    assert found == [figure("sla_attainment", 50.0, 2, numerator=1, compare=None)]
    items = get(client, world.manager, f"{R}/drill/sla_attainment?{WEEK}").json()["items"]
    assert [(i["ticket_id"], i["at"], i["part"], i["detail"]) for i in items] == [
        (quick.pk, "2027-03-03T07:20:00Z", "achieved", "first_reply"),
        (slow.pk, "2027-03-03T08:00:00Z", "breached", "first_reply"),
    ]
    breached = get(client, world.manager, f"{R}/drill/sla_attainment?{WEEK}&part=breached").json()["items"]
    assert [i["ticket_id"] for i in breached] == [slow.pk]


def test_raw_rollups_page_through_every_row_of_a_dimension(client: Client, world: Any, desk: Any) -> None:
    expected = sorted(
        Rollup.objects.filter(dim="team", day__range=(date(2027, 3, 1), date(2027, 3, 7))).values_list(
            "key", "measure", "day", "n", "total"
        )
    )
    assert len(expected) > 10
    seen: list[tuple[Any, ...]] = []
    url = f"{R}/rollups?{WEEK}&dim=team&limit=7"
    while url:
        body = get(client, world.admin, url).json()
        assert body["period"] == {"start": "2027-03-01", "end": "2027-03-07", "days": 7}
        assert body["time_zone"] == "Europe/Helsinki"
        seen += [(i["key"], i["measure"], date.fromisoformat(i["day"]), i["n"], i["total"]) for i in body["items"]]
        assert {i["dim"] for i in body["items"]} == {"team"}
        url = f"{R}/rollups?{WEEK}&dim=team&limit=7&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    assert seen == expected
    one = get(client, world.manager, f"{R}/rollups?{WEEK}&dim=team&key={world.billing.pk}&measure=created").json()
    assert one["items"] == [
        {"day": "2027-03-01", "measure": "created", "dim": "team", "key": str(world.billing.pk), "n": 1, "total": 0}
    ]
    frt = get(client, world.manager, f"{R}/rollups?{WEEK}&measure=frt").json()["items"]
    assert frt == [{"day": "2027-03-01", "measure": "frt", "dim": "all", "key": "", "n": 2, "total": 9000}]


def test_raw_rollups_only_for_those_who_see_every_ticket(client: Client, world: Any, desk: Any) -> None:
    for user in (world.lead, world.agent):
        response = get(client, user, f"{R}/rollups?{WEEK}")
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert get(client, world.manager, f"{R}/rollups?{WEEK}").status_code == 200


def test_a_lead_sees_their_teams_and_is_refused_another(client: Client, world: Any, desk: Any) -> None:
    mine = get(client, world.lead, f"{R}/figures?{WEEK}&kpi=created").json()
    assert mine["cut"]["team"] == world.support.pk  # their team by default
    assert mine["figures"][0]["value"] == 2.0  # A and B
    other = get(client, world.lead, f"{R}/figures?{WEEK}&team={world.billing.pk}")
    assert other.status_code == 403
    assert other.json() == {
        "code": "forbidden",
        "message": "You can see the figures of your own teams only.",
        "field": None,
    }
    assert get(client, world.lead, f"{R}/drill/frt?{WEEK}&team={world.billing.pk}").status_code == 403
    assert get(client, world.lead, f"{R}/daily?{WEEK}&agent={world.other_agent.pk}").status_code == 403
    assert get(client, world.lead, f"{R}/daily?{WEEK}&agent={world.agent.pk}").status_code == 200  # in Support


def test_an_agent_sees_only_their_own_figures(client: Client, world: Any, desk: Any) -> None:
    kpi = "kpi=created,solved,backlog,frt,replies"
    body = get(client, world.agent, f"{R}/figures?{WEEK}&compare=none&{kpi}&agent={world.other_agent.pk}").json()
    assert body["cut"] == NO_CUT | {"agent": world.agent.pk}
    assert body["figures"] == [
        figure("created", 0.0, 0, compare=None),  # created and the backlog are nobody's
        figure("solved", 2.0, 2, compare=None),  # A twice; B was solved unassigned
        figure("backlog", None, 0, compare=None),
        figure("frt", between(1800, 7200, 0.5), 2, p90=between(1800, 7200, 0.9), mean=4500.0, compare=None),
        figure("replies", 3.0, 3, compare=None),
    ]
    other = get(client, world.other_agent, f"{R}/figures?{WEEK}&compare=none&{kpi}").json()
    assert [(f["value"], f["n"]) for f in other["figures"]] == [(0.0, 0), (0.0, 0), (None, 0), (None, 0), (0.0, 0)]
    assert get(client, world.other_agent, f"{R}/drill/created?{WEEK}").json()["items"] == []


def test_the_drill_down_lists_only_tickets_the_caller_may_open(client: Client, world: Any, desk: Any) -> None:
    actions.set_team(desk["b"], team=world.billing, actor=world.admin)  # B was answered by the agent, unassigned
    rollups.rebuild()
    body = get(client, world.agent, f"{R}/drill/frt?{WEEK}").json()
    assert [i["ticket_id"] for i in body["items"]] == [desk["a"].pk]
    assert body["exact"]["n"] == 2  # the figure still counts both: it is the agent's own


@pytest.mark.parametrize("user", ["customer_user", "light_agent"])
def test_customers_and_light_agents_are_refused(client: Client, world: Any, user: str) -> None:
    for path in ("kpis", f"figures?{WEEK}", f"daily?{WEEK}", f"drill/frt?{WEEK}", f"rollups?{WEEK}", "figures?team=x"):
        response = get(client, getattr(world, user), f"{R}/{path}")
        assert response.status_code == 403, path
        assert set(response.json()) == {"code", "message", "field"}


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("figures?period=nonsense", "period", "Period: “nonsense” is not one of today, yesterday, 7d, 30d, 90d, "
         "this_week, last_week, this_month, last_month, this_quarter, custom."),
        ("figures?start=2027-03-01", "start", "Custom dates: enter both the first and the last day."),
        ("daily?period=custom&end=2027-03-01", "start", "Custom dates: enter both the first and the last day."),
        ("figures?start=2027-03-08&end=2027-03-01", "end", "Until: the last day must not be before the first."),
        ("figures?start=2027-02-30&end=2027-03-01", "start", "From: enter a date such as 2025-01-31."),
        ("figures?start=2020-01-01&end=2027-03-01", "end", "Choose at most 731 days."),
        ("figures?team=abc", "team", "Team: enter a whole number from 1 to 9223372036854775807."),
        (f"figures?agent={10**30}", "agent", "Agent: enter a whole number from 1 to 9223372036854775807."),
        ("daily?organization=0", "organization", "Organization: enter a whole number from 1 to 9223372036854775807."),
        ("figures?language=xx", "language", "Language: “xx” is not one of en, fi, sv, ru, el."),
        ("figures?channel=fax", "channel", None),
        ("figures?bh=maybe", "bh", "Business hours: enter true or false."),
        ("figures?compare=never", "compare", None),
        ("figures?start=0001-01-01&end=0001-01-02", "compare",
         "Compare: there is no earlier period for these dates. Choose later dates or no comparison."),
        ("figures?kpi=unknown", "kpi", None),
        ("daily?kpi=frt,nope", "kpi", None),
        ("drill/unknown", "kpi", None),
        ("drill/frt?cursor=garbage", "cursor",
         "Page: this link's place in the list is not valid. Start again from the first page."),
        ("drill/frt?part=yes", "part", "Part: only these KPIs have parts: one_touch, reopen_rate, sla_attainment."),
        ("drill/one_touch?part=breached", "part", "Part: “breached” is not one of yes, no."),
        ("drill/frt?limit=1001", "limit", "Rows a page: enter a whole number from 1 to 1000."),
        ("rollups?cursor=garbage", "cursor",
         "Page: this link's place in the list is not valid. Start again from the first page."),
        ("rollups?cursor=WyJhIiwgImIiLCAiMjAyNy0xMy0wMSJd", "cursor", None),  # ["a", "b", "2027-13-01"]
        ("rollups?dim=country", "dim", "Dimension: “country” is not one of all, team, agent, channel, language, "
         "priority, hour."),
        ("rollups?start=2027-03-01", "start", "Custom dates: enter both the first and the last day."),
        ("rollups?limit=0", "limit", "Rows a page: enter a whole number from 1 to 1000."),
    ],
)  # fmt: skip
def test_bad_parameters_are_a_400_naming_the_field(
    client: Client, world: Any, path: str, field: str, message: str | None
) -> None:
    response = get(client, world.admin, f"{R}/{path}")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_parameter", field)
    if message is not None:
        assert body["message"] == message


def test_a_bad_parameter_is_explained_in_the_callers_language(client: Client, world: Any) -> None:
    body = get(client, world.admin, f"{R}/figures?team=abc", **{"Accept-Language": "sv"}).json()
    assert body == {
        "code": "invalid_parameter",
        "message": "Grupp: ange ett heltal från 1 till 9223372036854775807.",
        "field": "team",
    }


def many(world: Any, count: int) -> None:
    """`count` tickets, each answered and solved by the agent; then the rollups."""
    for i in range(count):
        with time_machine.travel(MONDAY + timedelta(minutes=i), tick=False):
            ticket = world.ticket(subject=f"T{i}", assignee=world.agent)
            actions.reply_to_ticket(ticket, body="Done.", actor=world.agent, status=default_status("solved"))
    rollups.rebuild()


@pytest.mark.parametrize("count", [1, 12])
def test_query_counts_do_not_grow_with_rows(
    client: Client, world: Any, django_assert_num_queries: Any, count: int
) -> None:
    many(world, count)
    manager, lead, agent = token(world.manager), token(world.lead), token(world.agent)
    for headers in (manager, lead, agent):
        client.get(f"{R}/kpis", headers=headers)  # stamps the token's last use (once a minute)
    # the token and the rate-limit counter in each
    budgets = [
        (manager, f"{R}/kpis", 2),
        (manager, f"{R}/figures?{WEEK}", 6),  # the rollup cells and the backlog, twice (the comparison)
        (lead, f"{R}/figures?{WEEK}", 7),  # and the lead's teams
        (agent, f"{R}/figures?{WEEK}", 4),  # an agent's cut has no backlog
        (manager, f"{R}/daily?{WEEK}", 5),  # the cells, the backlog before the period and its days
        (manager, f"{R}/drill/frt?{WEEK}", 4),  # the page and the exact figure
        (agent, f"{R}/drill/frt?{WEEK}", 5),  # and the agent's teams, for the tickets they may open
        (manager, f"{R}/drill/solved?{WEEK}&limit=5", 3),
        (manager, f"{R}/rollups?{WEEK}&dim=agent", 3),
    ]
    for headers, url, queries in budgets:
        with django_assert_num_queries(queries):
            response = client.get(url, headers=headers)
        assert response.status_code == 200, url
    solved = client.get(f"{R}/drill/solved?{WEEK}&limit=5", headers=manager).json()["items"]
    assert len(solved) == min(count, 5)


def test_the_openapi_document_describes_every_parameter(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    names = {path: [p["name"] for p in op["get"]["parameters"]] for path, op in paths.items() if "/reports/" in path}
    cut = ["team", "agent", "channel", "language", "priority", "organization", "tag", "bh"]
    assert names == {
        "/api/v1/reports/kpis": [],
        "/api/v1/reports/figures": ["period", "start", "end", "compare", *cut, "kpi"],
        "/api/v1/reports/daily": ["period", "start", "end", *cut, "kpi"],
        "/api/v1/reports/drill/{kpi}": ["kpi", "period", "start", "end", *cut, "part", "cursor", "limit"],
        "/api/v1/reports/rollups": ["period", "start", "end", "dim", "key", "measure", "cursor", "limit"],
    }
    figures = paths["/api/v1/reports/figures"]["get"]
    assert set(figures["responses"]) == {"200", "400", "401", "403", "404", "409", "413", "422", "429"}
    period = next(p for p in figures["parameters"] if p["name"] == "period")
    assert period["schema"]["enum"][:2] == ["today", "yesterday"]


def test_every_kpis_counted_on_text_is_in_the_readers_language() -> None:
    from django.utils import translation

    from opsdesk.analytics.kpis import CATALOGUE, COUNTS_ON_WORDS

    assert {kpi.counts_on for kpi in CATALOGUE} <= set(COUNTS_ON_WORDS)
    first_reply = next(kpi for kpi in CATALOGUE if kpi.key == "frt")
    with translation.override("fi"):
        assert first_reply.counts_on_text == "ensimmäinen vastaus"
    assert first_reply.counts_on == "the first reply"  # the API and docs/metrics.md keep the English
