"""The HTTP benchmark: the production server (uvicorn, one process) on a database of N tickets, driven over HTTP.

The database is built once with the demo seeder and kept in var/bench-<N>/ (or BENCH_DATA); later runs reuse it.
Each measurement is BENCH_REQUESTS sequential requests after a warm-up, timed in this process; the server reports the
SQL queries of each request in X-OpsDesk-Queries (OPSDESK_QUERY_COUNT_HEADER=1), and its peak RSS is read from
/proc (VmHWM) at the end.
"""

from __future__ import annotations

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "opsdesk-demo"

SETUP = r"""
import json, sys
import django
django.setup()
from django.db.models import Max
from opsdesk.accounts import actions as account_actions
from opsdesk.accounts.models import User
from opsdesk.customers.models import Customer
from opsdesk.tickets import actions, inbox
from opsdesk.tickets.models import Ticket

agent = User.objects.get(email="agent.en@opsdesk.example")
admin = User.objects.get(email="admin@opsdesk.example")
_t, token = account_actions.issue_api_token(agent, name="benchmark", scope="write", actor=agent)


def conversation(subject, body, replies, customer_says, agent_says):
    # the benchmark's ticket of `subject`, made once through the actions: the customer and the agent in turns
    found = Ticket.objects.filter(subject=subject).first()
    if found is not None:
        return found
    requester = Customer.objects.get(emails__address="customer@opsdesk.example")
    found = actions.create_ticket(
        subject=subject, body=body, requester=requester, actor=None, team=agent.memberships.first().team
    )
    for i in range(replies):
        if i % 2:
            actions.add_customer_reply(found, body=customer_says(i), actor=requester.user, customer=requester)
        else:
            actions.reply_to_ticket(found, body=agent_says(i), actor=agent)
        found.refresh_from_db()
    return found


ticket = conversation(
    "Benchmark: a conversation of twenty messages", "The zanzibarite cable keeps failing.", 19,
    lambda i: f"Still failing, attempt {i}.", lambda i: f"Please try step {i} of the guide.",
)
long_ticket = conversation(
    "Benchmark: a conversation of two hundred messages", "The export to the warehouse stops half-way.", 199,
    lambda i: f"It stopped again, at row {i * 1000}.", lambda i: f"Please run step {i} of the export guide.",
)
qs, scope = inbox.view_queryset(agent, inbox.builtin_filter("my_teams"))
# A page far down the view (the seeded data has a few thousand unsolved tickets per team): 20,000 rows deep when
# there are that many, else half-way. The cursor must exist: a missing one used to fall back to the first page.
waiting = qs.count()
deep = qs.order_by("-updated_at", "-pk")[min(20000, waiting // 2)]
print(json.dumps({
    "token": token,
    "ticket": ticket.pk,
    "messages": ticket.messages.count(),
    "long_ticket": long_ticket.pk,
    "long_messages": long_ticket.messages.count(),
    "deep_cursor": inbox.encode_cursor(deep, "-updated"),
    "deep_rows": min(20000, waiting // 2),
    "team": agent.memberships.first().team_id,
    "tickets": Ticket.objects.aggregate(n=Max("pk"))["n"],
    "recent_number": Ticket.objects.visible_to(agent).order_by("-pk").values_list("pk", flat=True)[5000],
}))
"""


def bench_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(
        {
            "OPSDESK_DATA_DIR": str(data),
            "DJANGO_SETTINGS_MODULE": "opsdesk.settings",
            "OPSDESK_FAST_HASHER": "1",
            "OPSDESK_QUERY_COUNT_HEADER": "1",
            "OPSDESK_API_RATE_LIMIT": "100000000",  # one token makes thousands of calls a minute here
        }
    )
    return env


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=3600
    )
    return done.stdout


def ensure_database(tickets: int, data: Path, env: dict[str, str]) -> dict[str, Any] | None:
    """Seed a database of `tickets` tickets unless one is there; return the seeding figures when it seeded."""
    marker = data / f"seeded-{tickets}"
    if marker.exists():
        return None
    data.mkdir(parents=True, exist_ok=True)
    run(env, "-m", "opsdesk.cli", "migrate", "-v0")
    started = time.perf_counter()
    # without the SLA backfill, as before it existed: its time is measured on its own (bench/sla_scan.py)
    output = run(env, "-m", "opsdesk.cli", "seed-demo", "--tickets", str(tickets), "--no-sla-clocks")
    seconds = time.perf_counter() - started
    run(env, "-m", "opsdesk.cli", "collectstatic")
    marker.write_text(output)
    found = re.search(r"Seeded (\d+) tickets, (\d+) messages, (\d+) events", output)
    return {"seconds": seconds, "output": output.strip(), "match": found.groups() if found else None}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sign_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/sign-in/", timeout=30).raise_for_status()
    response = session.post(
        f"{base}/accounts/sign-in/",
        data={"email": email, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/sign-in/"},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {response.status_code}")
    return session


def measure(name: str, call: Callable[[int], requests.Response], *, count: int, expect: int = 200) -> dict[str, Any]:
    for i in range(5):
        call(-1 - i)
    times, queries = [], []
    for i in range(count):
        started = time.perf_counter()
        response = call(i)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != expect:
            raise RuntimeError(f"{name}: HTTP {response.status_code}: {response.text[:300]}")
        queries.append(int(response.headers["X-OpsDesk-Queries"]))
    times.sort()

    def pct(p: float) -> float:
        return round(times[min(len(times) - 1, int(round(p / 100 * len(times) + 0.5)) - 1)], 1)

    entry = {
        "name": name,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "queries": max(queries),
        "requests": count,
    }
    print(
        f"{name:28} p50 {entry['p50_ms']:7.1f} ms  p95 {entry['p95_ms']:7.1f}  p99 {entry['p99_ms']:7.1f}  "
        f"queries {entry['queries']}",
        flush=True,
    )
    return entry


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return round(int(found.group(1)) / 1024, 1) if found else 0.0


def http_benchmark(tickets: int, *, requests_per: int) -> dict[str, Any]:
    data = Path(os.environ.get("BENCH_DATA", ROOT / "var" / f"bench-{tickets}"))
    env = bench_env(data)
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    seeded = ensure_database(tickets, data, env)
    facts = json.loads(run(env, "-c", SETUP).strip().splitlines()[-1])
    load_before = round(os.getloadavg()[0], 2)  # a busy machine shows in the figures: say how busy it was
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "opsdesk.cli", "serve", "--port", str(port)], env=env, cwd=ROOT)
    try:
        for _ in range(600):
            try:
                requests.get(base + "/health/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        agent = sign_in(base, "agent.en@opsdesk.example")
        customer = sign_in(base, "customer@opsdesk.example")
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {facts['token']}"
        n = requests_per
        ticket, team = facts["ticket"], facts["team"]

        def get(session: requests.Session, url: str) -> Callable[[int], requests.Response]:
            return lambda _i: session.get(base + url, timeout=60)

        def create(i: int) -> requests.Response:
            return api.post(
                base + "/api/v1/tickets/",
                json={
                    "subject": f"Benchmark ticket {i}",
                    "body": "Created by the benchmark over the API.",
                    "requester_email": f"bench{i % 50}@example.com",
                    "team_id": team,
                },
                headers={"Idempotency-Key": str(uuid.uuid4())},
                timeout=60,
            )

        only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]

        def timed(name: str, call: Callable[[int], requests.Response], **options: Any) -> dict[str, Any] | None:
            """`measure`, unless BENCH_ONLY (names, comma-separated) leaves the entry out."""
            return measure(name, call, **options) if not only or name in only else None

        results = [
            timed("inbox_first_page", get(agent, "/tickets/?view=my_teams"), count=n),
            timed(
                "inbox_deep_page",
                get(agent, f"/tickets/?view=my_teams&cursor={quote(facts['deep_cursor'])}"),
                count=n,
            ),
            timed("ticket_page_20_messages", get(agent, f"/tickets/{ticket}/"), count=n),
            timed("ticket_page_200_messages", get(agent, f"/tickets/{facts['long_ticket']}/"), count=n),
            timed("search_common_word", get(agent, "/tickets/?view=recent&q=order"), count=n),
            timed("search_rare_word", get(agent, "/tickets/?view=recent&q=zanzibarite"), count=n),
            timed("search_ticket_number", get(agent, f"/tickets/?view=recent&q=%23{facts['recent_number']}"), count=n),
            timed("api_ticket_list", get(api, "/api/v1/tickets/?limit=50"), count=n),
            timed(
                "api_ticket_list_filtered",
                get(api, f"/api/v1/tickets/?limit=50&status=open,pending&team_id={team}&channel=email"),
                count=n,
            ),
            timed("api_search", get(api, "/api/v1/tickets/search?q=refund"), count=n),
            timed("api_ticket_create", create, count=n, expect=201),
            timed("portal_ticket_list", get(customer, "/portal/"), count=n),
        ]
        results = [entry for entry in results if entry is not None]
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return {
        "database": database,
        "tickets": facts["tickets"],
        "load_average": {"before": load_before, "after": round(os.getloadavg()[0], 2)},
        "server_peak_rss_mb": rss,
        "results": results,
        "seeded": seeded,
        "ticket_messages": facts["messages"],
        "long_ticket_messages": facts["long_messages"],
    }


def table(report: dict[str, Any]) -> str:
    lines = [
        f"OpsDesk over HTTP: {report['database']}, {report['tickets']:,} tickets, uvicorn (1 process), "
        f"server peak RSS {report['server_peak_rss_mb']} MB, load average (1 min) "
        f"{report['load_average']['before']} before and {report['load_average']['after']} after",
        "",
        "| measurement | p50 ms | p95 ms | p99 ms | queries |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['name']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['queries']} |" for r in report["results"]
    ]
    return "\n".join(lines) + "\n"
