"""Inbound email, pure parts: `parse` (raw bytes to a ParsedEmail, no ORM) and `threading` (which ticket a parsed
message belongs to)."""
