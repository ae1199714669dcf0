"""Raw bytes of an email to a `ParsedEmail`: a pure module (no ORM, no settings unless passed in), so it can be
tested on a corpus of real messages and never depends on the database.

It never raises on broken MIME (a missing boundary, truncated base64, a header block of half a megabyte, a charset
nobody knows): what can be read is read, the rest is left in the stored raw message. `UnparseableEmail` is raised
only when nothing usable can be read: no sender address at all.

Charsets: the declared one first, then UTF-8, then the declared one with replacement characters (or windows-1252
when the declared one is unknown), so "us-ascii" with 8-bit bytes, "unicode-1-1-utf-7", "x-unknown" and
mislabelled parts all come out as text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.header import decode_header
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any

from opsdesk.core.html import clean_html, html_to_text

MAX_HEADER_CHARS = 4000  # per header value kept; a 500 KB Received chain is not copied around
_EXTENSIONS = """
ade adp app application appref-ms bas bat cab chm cmd com cpl dll exe gadget hta inf ins isp jar js jse lnk mde msc msh
msi msp mst pif ps1 ps1xml ps2 psc1 psd1 psm1 reg scf scr sct shb shs vb vbe vbs vxd ws wsc wsf wsh xll xbap
"""
DANGEROUS_EXTENSIONS = frozenset(_EXTENSIONS.split())
DANGEROUS_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-ms-installer",
        "application/x-msi",
        "application/x-bat",
        "application/x-sh",
        "application/javascript",
        "text/javascript",
        "application/x-javascript",
        "application/hta",
        "application/x-ms-shortcut",
        "text/vbscript",
        "application/x-powershell",
    }
)
TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
_CHARSET_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "unicode-1-1-utf-8": "utf-8",
    "utf8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "unknown": "",
    "x-user-defined": "",
    "default": "",
    "iso-8859-8-i": "iso-8859-8",
    "ks_c_5601-1987": "cp949",
    "windows-874": "cp874",
    "x-mac-cyrillic": "mac-cyrillic",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
_AUTO_HEADERS = (
    "Auto-Submitted",
    "Precedence",
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "List-Id",
    "List-Unsubscribe",
    "List-Post",
    "X-Loop",
    "Return-Path",
)


class UnparseableEmail(Exception):
    """Nothing usable could be read from the message (it is quarantined, never dropped)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""  # without <>, for inline images referenced as cid:
    inline: bool = False


@dataclass(frozen=True)
class Blocked:
    """A part that was not kept: `reason` is "dangerous", "too_large" or "tnef" (winmail.dat)."""

    filename: str
    content_type: str
    size: int
    reason: str


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification (RFC 3464): who could not be reached, and the Message-ID of what bounced."""

    recipients: tuple[str, ...]
    original_message_id: str


@dataclass
class ParsedEmail:
    from_name: str
    from_address: str
    reply_to: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    delivered_to: tuple[str, ...] = ()
    subject: str = ""
    message_id: str = ""
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    date: datetime | None = None
    auto_headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> value, the loop/list headers
    text: str = ""  # the whole plain text (from the text part, or from the HTML when there is none)
    html: str = ""  # the HTML part, sanitised
    new_text: str = ""  # what the sender wrote now, without quoted text or signature
    quoted_text: str = ""
    signature: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    bounce: Bounce | None = None
    charsets: tuple[str, ...] = ()  # the charsets text was actually decoded with, in part order

    @property
    def sender(self) -> str:
        """Where a reply goes: Reply-To when given, else From."""
        return self.reply_to or self.from_address

    def header(self, name: str) -> str:
        return self.auto_headers.get(name.lower(), "")


# --- decoding --------------------------------------------------------------------------------------------------------


def _codec(charset: str | None) -> str:
    """A Python codec name for a declared charset; "" when it is unknown or says nothing."""
    name = (charset or "").strip().strip("\"'").lower()
    name = _CHARSET_ALIASES.get(name, name)
    if not name:
        return ""
    try:
        codec = codecs.lookup(name)
    except (LookupError, ValueError):  # unknown, or not even a name (a NUL inside)
        return ""
    return codec.name if codec._is_text_encoding else ""


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str]:
    """(text, the codec used): declared charset, then UTF-8, then declared (or windows-1252) with replacements."""
    declared = _codec(charset)
    if declared == "ascii" or (declared == "" and charset):
        declared = declared or ""
    tries = [c for c in (declared, "utf-8") if c]
    for name in dict.fromkeys(tries):
        try:
            return data.decode(name), name
        except (UnicodeError, LookupError, ValueError, TypeError):
            continue
    fallback = declared if declared and declared not in ("ascii", "utf-8", "utf-7") else "cp1252"
    return data.decode(fallback, errors="replace"), fallback


def _unescape_8bit(value: str) -> str:
    """A header read by compat32 keeps raw 8-bit bytes as surrogates: decode them as UTF-8 (or windows-1252)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_bytes(value.encode("ascii", "surrogateescape"), "utf-8")[0]


_FOLD = re.compile(r"\r?\n(?=[ \t])")


def decode_header_value(value: object, limit: int = MAX_HEADER_CHARS) -> str:
    """A header's text with its encoded words decoded; broken words stay as written; never raises."""
    if value is None:
        return ""
    # Unfolded first (RFC 5322 §2.2.3: the line break goes, the space stays): decode_header drops the folding
    # whitespace between an encoded word and plain text, so a folded `=?utf-8?...?=\r\n <a@b>` read "Name<a@b>".
    raw = _FOLD.sub("", _unescape_8bit(str(value))[: limit * 4])
    try:
        parts = decode_header(raw)
    except Exception:  # noqa: BLE001 - a header is text whatever its encoded words say
        parts = [(raw, None)]
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset or "utf-8")[0])
        else:
            out.append(chunk)
    text = "".join(out).replace("\x00", "")
    return " ".join(text.split())[:limit]


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    values = []
    for name in names:
        values += [_unescape_8bit(str(v))[: MAX_HEADER_CHARS * 4] for v in message.get_all(name) or []]
    try:
        pairs = getaddresses(values)
    except Exception:  # noqa: BLE001
        pairs = [parseaddr(v) for v in values]
    result = []
    for name, address in pairs:
        address = address.strip().strip("<>").lower()
        if "@" in address and len(address) <= 254 and not _CONTROL.search(address):
            result.append((decode_header_value(name, 200), address))
    return result


_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def _ids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(re.findall(r"<[^<>\s\x00-\x1f\x7f]{1,250}>", value)))


# --- quoted text and signatures ----------------------------------------------------------------------------------

_WROTE = (
    r"wrote|writes|kirjoitti|skrev|schrieb|a écrit|escribió|έγραψε|пишет|писал|писала|писал\(а\)|написал|"
    r"написала|написал\(а\)"
)
_QUOTE_HEADERS = [
    # Gmail, Apple Mail, Thunderbird: "On Tue, 3 Nov 2026 at 10:00, Anna <anna@x> wrote:" (may wrap onto two lines)
    re.compile(rf"^\s*(On|Le|Am|El|Den|Στις|Στις)\b.{{0,300}}({_WROTE})\s*:?\s*$", re.IGNORECASE | re.DOTALL),
    # "Anna Svensson <anna@x> skrev:", "Matti kirjoitti 3.11.2026 klo 10.00:", "Иван пишет:", "... έγραψε:"
    re.compile(rf"^.{{0,250}}\b({_WROTE})\b.{{0,80}}:\s*$", re.IGNORECASE | re.DOTALL),
    # Swedish Gmail: "Den tis 3 nov. 2026 kl 10:00 skrev Anna <anna@x>:"
    re.compile(r"^\s*Den\b.{0,120}\bskrev\b.{0,200}:\s*$", re.IGNORECASE | re.DOTALL),
    # Russian Gmail: "вт, 3 нояб. 2026 г. в 10:00, Иван Петров <ivan@x>:"
    re.compile(r"^\s*\w{2}, \d{1,2} \w+\.? \d{4} г\. в \d{1,2}:\d{2}, .{0,200}:\s*$", re.DOTALL),
    # "-----Original Message-----" and its translations
    re.compile(
        r"^\s*-{2,}\s*(Original Message|Alkuperäinen viesti|Ursprungligt meddelande|Исходное сообщение|"
        r"Αρχικό μήνυμα)\s*-{2,}\s*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*_{20,}\s*$"),  # Outlook's rule above its From:/Sent: block
]
_OUTLOOK_FROM = re.compile(r"^\s*\*?(From|Lähettäjä|Från|От|Από|Von|De)\s*:\*?\s*\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(Sent|Date|Lähetetty|Päivämäärä|Skickat|Datum|Отправлено|Дата|Εστάλη|Ημερομηνία|Gesendet|Envoyé|"
    r"Enviado|To|Vastaanottaja|Till|Кому|Προς|Subject|Aihe|Ämne|Тема|Θέμα)\s*:",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(r"^.{0,250}<?[^\s<>@]+@[^\s<>@]+>?.{0,40}:$")
_SIGNATURE_LINE = re.compile(r"^(-- ?|--)$")
_SENT_FROM = re.compile(
    r"^\s*(Sent from my |Sent from Mail for |Get Outlook for |Lähetetty (iPhonesta|Android)|Skickat från min |"
    r"Отправлено с (iPhone|моего)|Εστάλη από )",
    re.IGNORECASE,
)


def _quote_start(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        candidates = [stripped]
        if i + 1 < len(lines):  # a quote header wrapped onto the next line
            candidates.append(stripped + " " + lines[i + 1].strip())
        if not any(":" in c or "---" in c or "___" in c for c in candidates):
            continue  # every quote header ends in a colon or is a rule: most lines are passed over at once
        for candidate in candidates:
            if any(p.match(candidate) for p in _QUOTE_HEADERS) and (
                # a "wrote:" header is followed by quoted text or at least something
                any(s.strip() for s in lines[i + 1 :])
            ):
                return i
        # any other client's attribution: a line naming an address and ending in ":" right above "> " lines
        following = next((s.strip() for s in lines[i + 1 : i + 3] if s.strip()), "")
        if _ATTRIBUTION.match(stripped) and following.startswith(">"):
            return i
        if _OUTLOOK_FROM.match(stripped):
            block = [s for s in lines[i + 1 : i + 6] if s.strip()]
            if sum(1 for s in block[:4] if _OUTLOOK_NEXT.match(s)) >= 2:
                return i
    return None


def split_quoted(text: str) -> tuple[str, str, str]:
    """(new text, quoted text, signature). The new text is never empty when the text is not: a message that is all
    quote is kept whole as new text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quoted: list[str] = []
    start = _quote_start(lines)
    if start is not None:
        lines, quoted = lines[:start], lines[start:]
    else:
        # a trailing block of "> " lines (with blank lines among them) is the quote; interleaved replies stay whole
        end = len(lines)
        while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
            end -= 1
        if any(line.lstrip().startswith(">") for line in lines[end:]):
            lines, quoted = lines[:end], lines[end:]
    signature: list[str] = []
    for i in range(len(lines) - 1, -1, -1):
        if _SIGNATURE_LINE.match(lines[i].rstrip("\n")) and lines[i] in ("-- ", "--"):
            if any(s.strip() for s in lines[:i]):
                lines, signature = lines[:i], lines[i:]
            break
        if _SENT_FROM.match(lines[i]) and len(lines) - i <= 3 and any(s.strip() for s in lines[:i]):
            lines, signature = lines[:i], lines[i:]
            break
    new = "\n".join(lines).strip()
    if not new:
        return text.strip(), "", ""
    return new, "\n".join(quoted).strip(), "\n".join(signature).strip()


# --- parts ---------------------------------------------------------------------------------------------------------


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def sanitise_filename(name: str, content_type: str = "application/octet-stream") -> str:
    """A file name safe to store and offer for download: no path, no control or reserved characters, at most 200
    characters with its extension kept; "attachment" plus a guessed extension when nothing is left."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" ._")
    name = " ".join(name.split())
    if not name:
        import mimetypes

        name = "attachment" + (mimetypes.guess_extension(content_type) or ".bin")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 200 - len(ext) - 1] + dot + ext if dot and len(ext) <= 10 else name[:200]
    return name


def _filename(part: Message) -> str:
    raw: Any = part.get_filename(None)
    if raw is None:
        # RFC 2231 parameters are decoded by get_filename; a bare "name" on Content-Type is the older spelling
        raw = part.get_param("name", None)
    if raw is None:
        return ""
    if isinstance(raw, tuple):  # RFC 2231 that get_filename could not collapse
        charset, _lang, value = raw
        raw = decode_bytes(str(value).encode("latin-1", "replace"), charset or "utf-8")[0]
    return decode_header_value(str(raw), 500)


def is_dangerous(filename: str, content_type: str) -> bool:
    extensions = [e.lower() for e in filename.split(".")[1:]]
    return content_type in DANGEROUS_TYPES or any(e in DANGEROUS_EXTENSIONS for e in extensions[-1:])


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - a part that cannot be decoded counts as empty
        return b""
    if isinstance(data, bytes):
        return data
    return b""


def _text_of(part: Message) -> tuple[str, str]:
    data = _payload(part)
    if not data:
        payload = part.get_payload()
        if isinstance(payload, str):
            data = payload.encode("ascii", "surrogateescape")
    return decode_bytes(data, part.get_content_charset())


_DSN_RECIPIENT = re.compile(r"^(Final|Original)-Recipient:\s*(?:rfc822;)?\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$", re.I | re.M)
_DSN_ACTION = re.compile(r"^Action:\s*(\S+)", re.I | re.M)


def _bounce(message: Message) -> Bounce | None:
    """The failed recipients and the original Message-ID of a multipart/report DSN."""
    if message.get_content_type() != "multipart/report":
        return None
    failed: list[str] = []
    original = ""
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            # compat32 parses the status groups as messages; read them back as text
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else [payload]
            for block in blocks:
                text = block.as_string() if isinstance(block, Message) else str(block)
                for group in re.split(r"\n\s*\n", text):
                    action = _DSN_ACTION.search(group)
                    final = [m[1] for m in _DSN_RECIPIENT.findall(group) if m[0].lower() == "final"]
                    addresses = final or [m[1] for m in _DSN_RECIPIENT.findall(group)]
                    if addresses and (action is None or action[1].lower() in ("failed", "failure")):
                        failed.append(addresses[0].lower())
        elif ctype in ("message/rfc822", "text/rfc822-headers") and not original:
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                original = str(payload[0].get("Message-ID", "") or "")
            elif isinstance(payload, str):
                found = re.search(r"^Message-ID:\s*(<[^>]+>)", payload, re.I | re.M)
                original = found[1] if found else ""
    if not failed:
        return None
    ids = _ids(original)
    return Bounce(recipients=tuple(dict.fromkeys(failed)), original_message_id=ids[0] if ids else "")


def _walk(
    message: Message, *, max_attachment_bytes: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[Attachment], list[Blocked]]:
    texts: list[tuple[str, str]] = []
    htmls: list[tuple[str, str]] = []
    attachments: list[Attachment] = []
    blocked: list[Blocked] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = str(part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        filename = _filename(part)
        content_id = decode_header_value(part.get("Content-ID"), 250).strip("<>")
        body_part = disposition != "attachment" and not filename and ctype in ("text/plain", "text/html")
        if body_part:
            (texts if ctype == "text/plain" else htmls).append(_text_of(part))
            continue
        if ctype in ("message/delivery-status", "text/rfc822-headers"):
            continue
        data = _payload(part)
        name = sanitise_filename(filename, ctype)
        if ctype in TNEF_TYPES or name.lower() == "winmail.dat":
            blocked.append(Blocked(name, ctype, len(data), "tnef"))
        elif is_dangerous(name, ctype):
            blocked.append(Blocked(name, ctype, len(data), "dangerous"))
        elif len(data) > max_attachment_bytes:
            blocked.append(Blocked(name, ctype, len(data), "too_large"))
        elif data:
            attachments.append(
                Attachment(
                    filename=name,
                    content_type=ctype,
                    data=data,
                    content_id=content_id,
                    inline=disposition == "inline" or (bool(content_id) and disposition != "attachment"),
                )
            )
    return texts, htmls, attachments, blocked


def _detach_messages(message: Message) -> list[bytes]:
    """Attached messages (message/rfc822), which compat32 would walk as if they were this message's parts: each is
    taken out whole (to be kept as one .eml attachment) and its part emptied."""
    found = []
    for part in list(message.walk()):
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            try:
                first = inner[0] if isinstance(inner, list) and inner else None
                found.append(first.as_bytes() if isinstance(first, Message) else b"")
            except Exception:  # noqa: BLE001 - an attached message too broken to serialise is left in the raw
                found.append(b"")
            part.set_payload([])
    return found


def parse_email(raw: bytes, *, max_attachment_bytes: int = 10 * 1024 * 1024) -> ParsedEmail:
    """Read everything usable from a raw message; `UnparseableEmail` when there is no sender address at all."""
    try:
        message = message_from_bytes(raw, policy=compat32)
    except Exception as error:  # noqa: BLE001 - compat32 does not raise on bad MIME; this is the last guard
        raise UnparseableEmail(f"not a message: {error}") from error
    senders = _addresses(message, "From") or _addresses(message, "Sender")
    if not senders:
        raise UnparseableEmail("no sender address")
    from_name, from_address = senders[0]
    reply_to = _addresses(message, "Reply-To")
    date = None
    try:
        if message.get("Date"):
            date = parsedate_to_datetime(decode_header_value(message.get("Date"), 200))
    except (TypeError, ValueError, IndexError):
        date = None
    auto = {}
    for name in _AUTO_HEADERS:
        value = message.get(name)
        if value is not None:
            auto[name.lower()] = decode_header_value(value, 500)

    bounce = _bounce(message)
    # Attached messages: each is kept as one .eml attachment instead of being flattened into this message's parts
    # (a bounce's returned message is only read for its Message-ID).
    forwarded = _detach_messages(message)
    texts, htmls, attachments, blocked = _walk(message, max_attachment_bytes=max_attachment_bytes)
    for data in forwarded if bounce is None else []:
        inner_subject = ""
        if data:
            inner_subject = decode_header_value(message_from_bytes(data, policy=compat32).get("Subject"), 150)
        name = sanitise_filename((inner_subject or "message") + ".eml")
        if len(data) > max_attachment_bytes:
            blocked.append(Blocked(name, "message/rfc822", len(data), "too_large"))
        elif data:
            attachments.append(Attachment(filename=name, content_type="message/rfc822", data=data))

    charsets = tuple(c for _t, c in [*texts, *htmls])
    text = "\n\n".join(t for t, _c in texts if t.strip()).strip()
    html_raw = "\n".join(h for h, _c in htmls)
    html = clean_html(html_raw) if html_raw.strip() else ""
    if not text and html:
        text = html_to_text(html)
    text = text.replace("\r\n", "\n").replace("\x00", "")
    new_text, quoted_text, signature = split_quoted(text)
    return ParsedEmail(
        from_name=from_name,
        from_address=from_address,
        reply_to=reply_to[0][1] if reply_to else "",
        to=tuple(dict.fromkeys(a for _n, a in _addresses(message, "To"))),
        cc=tuple(dict.fromkeys(a for _n, a in _addresses(message, "Cc"))),
        delivered_to=tuple(
            dict.fromkeys(a for _n, a in _addresses(message, "Delivered-To", "X-Original-To", "Envelope-To"))
        ),
        subject=decode_header_value(message.get("Subject"), 250),
        message_id=(_ids(decode_header_value(message.get("Message-ID"), 300)) or ("",))[0],
        in_reply_to=_ids(decode_header_value(message.get("In-Reply-To"), MAX_HEADER_CHARS)),
        references=_ids(decode_header_value(message.get("References"), MAX_HEADER_CHARS * 4)),
        date=date,
        auto_headers=auto,
        text=text,
        html=html,
        new_text=new_text,
        quoted_text=quoted_text,
        signature=signature,
        attachments=attachments,
        blocked=blocked,
        bounce=bounce,
        charsets=charsets,
    )


# --- automatic mail (RFC 3834 and the usual conventions) -------------------------------------------------------------

_DAEMONS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|noreply-dmarc-support)@", re.IGNORECASE)


def automatic_reasons(parsed: ParsedEmail) -> list[str]:
    """Why a message looks automatic (empty when a person wrote it): the header or convention that says so."""
    reasons = []
    auto_submitted = parsed.header("auto-submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        reasons.append("auto-submitted")
    if parsed.header("precedence").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        reasons.append("precedence")
    if parsed.header("x-autoreply") or parsed.header("x-autorespond"):
        reasons.append("x-autoreply")
    suppress = {v.strip().lower() for v in parsed.header("x-auto-response-suppress").split(",")}
    if suppress & {"all", "oof"}:
        reasons.append("auto-response-suppress")
    if parsed.header("list-id") or parsed.header("list-unsubscribe") or parsed.header("list-post"):
        reasons.append("list")
    if _DAEMONS.match(parsed.from_address) or parsed.header("return-path").strip() == "<>":
        reasons.append("mailer-daemon")
    return reasons
