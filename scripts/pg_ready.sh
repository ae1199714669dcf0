#!/usr/bin/env bash
# Exit 0 when the PostgreSQL server in $1 answers.
.venv/bin/python - "$1" <<'PY'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as error:  # noqa: BLE001
    print(f"PostgreSQL check: {error}", file=sys.stderr)
    sys.exit(1)
PY
