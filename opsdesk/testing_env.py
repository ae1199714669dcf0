"""A pytest plugin loaded with `-p` before Django is set up: the environment every test run uses."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("OPSDESK_DATA_DIR", tempfile.mkdtemp(prefix="opsdesk-test-"))
os.environ["OPSDESK_FAST_HASHER"] = "1"
os.environ["OPSDESK_PLAIN_STATIC"] = "1"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
