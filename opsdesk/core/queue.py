"""The job queue's SQLite storage, for deployments without Redis or PostgreSQL.

huey's SqliteStorage leaves SQLite's default `synchronous=FULL`, an fsync on every enqueue: more than the main
database itself (WAL with `synchronous=NORMAL`, settings.py), and about a fifth of an inbound email's processing
time. NORMAL in WAL mode keeps every committed job across a crash of any process; only a power cut can lose the
last few, and every job OpsDesk queues has a sweep that queues it again from the database (the outbox, inbound
mail, event consumers), so nothing is lost that the database still holds. Imported by settings: no Django here."""

from __future__ import annotations

import sqlite3

from huey.storage import SqliteStorage


class SqliteQueueStorage(SqliteStorage):
    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn
