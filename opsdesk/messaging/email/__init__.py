"""Inbound email. Pure parts: `parse` (raw bytes to a ParsedEmail, no ORM) and `threading` (which ticket a parsed
message belongs to). Transports: IMAP polling (`imap`), the LMTP/SMTP receiver (`lmtp`), file ingestion
(`ingest`); each hands raw bytes to `messaging.actions.receive_email`."""
