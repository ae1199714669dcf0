"""Sealing and opening secrets (core/secrets.py); the mailbox field that uses it is tested in messaging."""

from __future__ import annotations

import pytest

from opsdesk.core import secrets


def test_seal_and_unseal_round_trip_with_a_new_token_each_time() -> None:
    first, second = secrets.seal("pässword 1"), secrets.seal("pässword 1")
    assert first != second and first.startswith("sealed:v1:") and "pässword" not in first
    assert secrets.unseal(first) == secrets.unseal(second) == "pässword 1"
    assert secrets.seal("") == "" and secrets.unseal("") == ""
    with pytest.raises(secrets.Unreadable):
        secrets.unseal("plain text")
    with pytest.raises(secrets.Unreadable):
        secrets.unseal("sealed:v1:not-a-token")
