"""A private Dovecot IMAP server for tests: Debian's dovecot-imapd started as a subprocess with a temporary config.

One instance serves a session: plain IMAP with STARTTLS on one free port, IMAP over TLS on another, with a
self-signed certificate for 127.0.0.1 (made with openssl) that the tests trust through OPSDESK_IMAP_CA_FILE.
Users live in a passwd-file written at the start; each test takes an account of its own and so starts with an
empty Maildir. `scripts/ensure_dovecot.sh` installs Dovecot (the Makefile's test targets run
it); when it is missing or does not start, the tests fail with the reason, they are never skipped."""

from __future__ import annotations

import contextlib
import grp
import imaplib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from opsdesk.core.tests.smtp import free_port

DOVECOT = os.environ.get("OPSDESK_DOVECOT", "/usr/sbin/dovecot")
PASSWORD = "secret"
USERS = 500
_USERS = itertools.count(1)


class DovecotUnavailable(Exception):
    """Dovecot is missing or did not start; the message says why and what to do."""


@dataclass
class Dovecot:
    root: Path
    port: int  # plain IMAP, STARTTLS offered
    ssl_port: int  # IMAP over TLS
    cert: Path
    process: subprocess.Popen[bytes]

    def add_user(self) -> str:
        """A fresh account with an empty Maildir (made in advance: Dovecot notices a changed passwd-file only when
        its modification time moves on, a second at a time)."""
        number = next(_USERS)
        if number > USERS:
            raise RuntimeError(f"more than {USERS} IMAP accounts in one session: raise USERS")
        return f"user{number}"

    def client(self, user: str) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(user, PASSWORD)
        return conn

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _mail_owner() -> tuple[str, int, int]:
    """Dovecot refuses to run mail processes or the login process as root: as root, use the package's users."""
    if os.getuid() != 0:
        me = pwd.getpwuid(os.getuid())
        return me.pw_name, me.pw_uid, me.pw_gid
    try:
        user = pwd.getpwnam("dovecot")
        pwd.getpwnam("dovenull")
    except KeyError:
        raise DovecotUnavailable("the 'dovecot' and 'dovenull' users are missing: reinstall dovecot-core")
    return "dovecot", user.pw_uid, user.pw_gid


def _config(root: Path, *, port: int, ssl_port: int, cert: Path, key: Path) -> str:
    owner, uid, gid = _mail_owner()
    as_root = os.getuid() == 0
    login_user = "dovenull" if as_root else owner
    group = grp.getgrgid(gid).gr_name
    login_chroot = "" if as_root else "chroot ="
    service_user = "user = root" if as_root else ""
    anvil = "" if as_root else "service anvil {\n  chroot =\n}"
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {owner}
default_internal_group = {group}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  {login_chroot}
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service auth {{
  {service_user}
}}
service auth-worker {{
  {service_user}
}}
{anvil}
"""


def _certificate(root: Path) -> tuple[Path, Path]:
    cert, key = root / "cert.pem", root / "key.pem"
    openssl = shutil.which("openssl")
    if openssl is None:
        raise DovecotUnavailable("openssl is missing (it makes the test certificate): apt-get install openssl")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def _wait(dovecot: Dovecot, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if dovecot.process.poll() is not None:
            break
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            imaplib.IMAP4("127.0.0.1", dovecot.port, timeout=2).logout()
            return
        time.sleep(0.1)
    raise DovecotUnavailable(f"Dovecot did not start on 127.0.0.1:{dovecot.port}. Its log:\n{dovecot.log()}")


@contextlib.contextmanager
def running_dovecot(*, port: int = 0, ssl_port: int = 0) -> Iterator[Dovecot]:
    if not os.access(DOVECOT, os.X_OK):
        raise DovecotUnavailable(
            f"Dovecot is not installed at {DOVECOT}; the IMAP tests need it. "
            "Run scripts/ensure_dovecot.sh (as root) or: sudo apt-get install dovecot-imapd"
        )
    root = Path(tempfile.mkdtemp(prefix="opsdesk-dovecot-"))
    os.chmod(root, 0o755)  # the mail processes run as Dovecot's user and must reach the Maildirs
    process = None
    try:
        _owner, uid, gid = _mail_owner()
        for sub in ("run", "state", "mail", "home"):
            (root / sub).mkdir()
        for sub in ("mail", "home"):
            os.chown(root / sub, uid, gid)
        (root / "passwd").write_text("".join(f"user{n}:{{PLAIN}}{PASSWORD}::::::\n" for n in range(1, USERS + 1)))
        cert, key = _certificate(root)
        port, ssl_port = port or free_port(), ssl_port or free_port()
        (root / "dovecot.conf").write_text(_config(root, port=port, ssl_port=ssl_port, cert=cert, key=key))
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        dovecot = Dovecot(root=root, port=port, ssl_port=ssl_port, cert=cert, process=process)
        _wait(dovecot, 15)
        yield dovecot
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    """`python -m opsdesk.messaging.tests.dovecot [PORT [SSL_PORT]]`: the same private Dovecot, by hand (for trying
    a mailbox end to end with a mail client), until Ctrl-C."""
    import signal
    import sys

    def interrupt(*_args: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    ports = [int(arg) for arg in sys.argv[1:3]]
    with running_dovecot(port=ports[0] if ports else 0, ssl_port=ports[1] if len(ports) > 1 else 0) as server:
        sys.stdout.write(
            f"Dovecot IMAP on 127.0.0.1:{server.port} (plain or STARTTLS) and 127.0.0.1:{server.ssl_port} (TLS)\n"
            f"Users user1 … user{USERS}, password {PASSWORD!r}; certificate {server.cert} "
            "(set OPSDESK_IMAP_CA_FILE to it for TLS)\nCtrl-C stops it and removes its mail.\n"
        )
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            server.process.wait()


if __name__ == "__main__":
    main()
