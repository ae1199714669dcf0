#!/usr/bin/env python3
"""Live chat delivery under load (`python bench/chat_delivery.py`; also `bench/run.py chat`).

One OpsDesk server process (uvicorn, `opsdesk serve`, SQLite, no Redis: the in-process fan-out) holds CONNECTIONS
idle widget streams open (server-sent events, each with its visitor's bearer token). While they are open, messages
go both ways on ACTIVE of those chats, taken by agents whose own streams are open too: the visitor POSTs to the
widget endpoint and the time until the message arrives on the agent's stream is measured, and the agent POSTs from
the workspace and the time until it arrives on the visitor's stream. Reported: p50/p95/p99 over MESSAGES messages,
the connections held, and the server's peak RSS (VmHWM from /proc/<pid>/status). Targets (issue 9): p95 ≤ 250 ms
with 1,000 connections open, RSS < 300 MB.

The client is plain asyncio streams speaking HTTP/1.0 (the response body is then the raw event stream).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from opsdesk.tests.demo_server import _free_port, demo_env, opsdesk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = int(os.environ.get("BENCH_CHAT_CONNECTIONS", "1000"))
ACTIVE = int(os.environ.get("BENCH_CHAT_ACTIVE", "40"))  # chats taken by agents, where messages are sent
MESSAGES = int(os.environ.get("BENCH_CHAT_MESSAGES", "400"))
# BENCH_CHAT_REDIS=redis://127.0.0.1:6379/14 runs the same through Redis publish/subscribe (entry
# `chat_delivery_redis`); the entry `chat_delivery` is the default set-up, in-process.
REDIS = os.environ.get("BENCH_CHAT_REDIS", "")
ORIGIN = "https://shop.example"

SETUP = """
import json, secrets
from django.test import Client
from django.utils import timezone
from opsdesk.accounts import actions as accounts
from opsdesk.messaging.actions import chat
from opsdesk.messaging.models import ChatAgent
from opsdesk.people import actions as people
admin = accounts.create_user(email="bench-admin@opsdesk.example", name="Admin", role="admin", password="x" * 12,
                             actor=None)
team = people.save_team(None, name="Chat", languages=["en"], actor=admin)
agents = []
for n in range(%(agents)d):
    agent = accounts.create_user(email=f"agent{n}@opsdesk.example", name=f"Agent {n}", role="agent",
                                 password="x" * 12, actor=None)
    people.set_membership(team, user=agent, member=True, actor=admin)
    # online for the whole run (the Chats page's stream refreshes this every 20 s in real use)
    ChatAgent.objects.update_or_create(user=agent, defaults={"seen_at": timezone.now() + timezone.timedelta(days=1)})
    agents.append(agent)
widget = chat.save_chat_widget(None, name="Bench", team=team, allowed_origins=["%(origin)s"], greeting="Hi",
                               offline_message="Away", agent_limit=20, actor=admin)
chats = []
for n in range(%(connections)d):
    started = chat.start_chat(widget, name=f"Visitor {n}", email=f"v{n}@visitor.example", language="en",
                              message="Hello")
    chats.append({"session": started.session.pk, "token": started.token})
cookies = {}
for i, item in enumerate(chats[:%(active)d]):
    agent = agents[i // 20]
    chat.accept_chat(chat.ChatSession.objects.get(pk=item["session"]), actor=agent)
    item["agent"] = agent.pk
    if agent.pk not in cookies:
        client = Client()
        client.force_login(agent)
        cookies[agent.pk] = client.cookies["sessionid"].value
print("BENCH" + json.dumps({"key": widget.key, "chats": chats, "cookies": cookies}))
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    """The server's peak (VmHWM) or current (VmRSS) resident memory."""
    text = Path(f"/proc/{pid}/status").read_text()
    found = re.search(field + r":\s+(\d+) kB", text)
    return int(found[1]) / 1024 if found else 0.0


class Streams:
    """Every open stream's reader: message arrivals are matched to the senders waiting for them by text."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.connected = 0
        self.ready: dict[int, asyncio.Event] = {}

    async def open(self, port: int, path: str, headers: dict[str, str], name: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**20)
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n{head}\r\n".encode())
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"stream {path}: {status!r}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        event = ""
        while True:
            line = await reader.readline()
            if not line:
                return
            text = line.decode().rstrip("\n")
            if text.startswith("event: "):
                event = text[7:]
            elif text.startswith("data: "):
                data = json.loads(text[6:])
                if event == "state" and name in self.ready and not self.ready[name].is_set():
                    self.connected += 1
                    self.ready[name].set()
                elif event == "message":
                    future = self.waiting.pop(data["text"], None)
                    if future is not None and not future.done():
                        future.set_result(time.perf_counter())


async def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(
        f"POST {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n{head}\r\n".encode() + body
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    await reader.read()
    writer.close()
    return status


async def drive(port: int, setup: dict[str, Any], server_pid: int) -> dict[str, Any]:
    key, chats, cookies = setup["key"], setup["chats"], setup["cookies"]
    streams = Streams()
    tasks = []
    idle_rss = rss_mb(server_pid, "VmRSS")
    started = time.perf_counter()
    for i, item in enumerate(chats):
        streams.ready[i] = asyncio.Event()
        headers = {"Authorization": f"Bearer {item['token']}", "Origin": ORIGIN}
        tasks.append(asyncio.create_task(streams.open(port, f"/chat/widget/{key}/stream/", headers, i)))
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # a burst of 1,000 TCP handshakes at once would measure the backlog
    for i, item in enumerate(chats[:ACTIVE]):
        name = 100_000 + i
        streams.ready[name] = asyncio.Event()
        headers = {"Cookie": f"sessionid={cookies[str(item['agent'])]}"}
        tasks.append(asyncio.create_task(streams.open(port, f"/chats/{item['session']}/events/", headers, name)))
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in streams.ready.values())), timeout=300)
    opened = time.perf_counter() - started
    held = len([t for t in tasks if not t.done()])
    open_rss = rss_mb(server_pid, "VmRSS")
    print(
        f"{held} streams open ({CONNECTIONS} widget + {ACTIVE} agent) in {opened:.1f} s; RSS {idle_rss:.0f} MB before,"
        f" {open_rss:.0f} MB with them open; idle 25 s (a heartbeat)"
    )
    await asyncio.sleep(25)

    latencies: dict[str, list[float]] = {"visitor_to_agent": [], "agent_to_visitor": []}
    for n in range(MESSAGES):
        item = chats[n % ACTIVE]
        text = f"bench message {n} {'x' * 40}"
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        streams.waiting[text] = future
        if n % 2 == 0:
            direction = "visitor_to_agent"
            body = json.dumps({"body": text}).encode()
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {item['token']}",
                "Origin": ORIGIN,
            }
            sent = time.perf_counter()
            status = await post(port, f"/chat/widget/{key}/messages/", body, headers)
        else:
            direction = "agent_to_visitor"
            body = f"body={text.replace(' ', '+')}".encode()
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={cookies[str(item['agent'])]}; csrftoken={'b' * 32}",
                "X-CSRFToken": "b" * 32,
                "Accept": "application/json",
            }
            sent = time.perf_counter()
            status = await post(port, f"/chats/{item['session']}/send/", body, headers)
        if status not in (201,):
            raise RuntimeError(f"{direction} message {n}: HTTP {status}")
        arrived = await asyncio.wait_for(future, timeout=30)
        latencies[direction].append((arrived - sent) * 1000)
        await asyncio.sleep(0.02)
    still_open = len([t for t in tasks if not t.done()])
    for task in tasks:
        task.cancel()
    every = latencies["visitor_to_agent"] + latencies["agent_to_visitor"]
    return {
        "name": "chat_delivery",
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(percentile(every, 95), 1),
        "p99_ms": round(percentile(every, 99), 1),
        "connections": CONNECTIONS,
        "agent_streams": ACTIVE,
        "connections_open_at_end": still_open,
        "messages": len(every),
        "visitor_to_agent_p95_ms": round(percentile(latencies["visitor_to_agent"], 95), 1),
        "agent_to_visitor_p95_ms": round(percentile(latencies["agent_to_visitor"], 95), 1),
        "peak_rss_mb": round(rss_mb(server_pid), 1),
        "rss_before_streams_mb": round(idle_rss, 1),
        "rss_with_streams_open_mb": round(open_rss, 1),
        "seconds_to_open_streams": round(opened, 1),
        "database": "sqlite",
        "pubsub": "redis" if REDIS else "in-process",
    }


def run() -> dict[str, Any]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    with tempfile.TemporaryDirectory(prefix="opsdesk-chat-bench-") as data:
        env = demo_env(
            Path(data),
            OPSDESK_CHAT_START_RATE_LIMIT="1000000",
            OPSDESK_CHAT_RATE_LIMIT="1000000",
            OPSDESK_API_RATE_LIMIT="1000000",
            **({"REDIS_URL": REDIS} if REDIS else {}),
        )
        opsdesk(env, "migrate", "-v0")
        agents = (ACTIVE + 19) // 20
        code = SETUP % {"agents": agents, "origin": ORIGIN, "connections": CONNECTIONS, "active": ACTIVE}
        output = opsdesk(env, "manage", "shell", "-c", code)
        setup = json.loads(output[output.index("BENCH") + 5 :])
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "opsdesk.cli", "serve", "--port", str(port)], env=env, cwd=ROOT
        )
        try:
            import urllib.request

            for _ in range(200):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            return asyncio.run(drive(port, setup, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=20)


def main() -> int:
    entry = run()
    print(json.dumps(entry, indent=2))
    if REDIS:
        entry["name"] = "chat_delivery_redis"
    from bench.results import write_entry

    write_entry(entry)
    return 0 if entry["p95_ms"] <= 250 and entry["peak_rss_mb"] < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
