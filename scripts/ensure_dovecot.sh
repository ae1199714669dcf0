#!/usr/bin/env bash
# The IMAP tests start a private Dovecot (Debian's dovecot-imapd) on a free local port; install it as root when
# missing. The system service it brings is not used: the tests run their own instance with a temporary config.
set -euo pipefail
exe="${OPSDESK_DOVECOT:-/usr/sbin/dovecot}"
if [ -x "$exe" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's dovecot-imapd for the IMAP tests..."
  "$(dirname "$0")/apt_install.sh" dovecot-imapd
else
  echo "Dovecot is missing at $exe. Install it with: sudo apt-get install dovecot-imapd" >&2
  exit 1
fi
