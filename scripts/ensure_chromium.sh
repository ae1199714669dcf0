#!/usr/bin/env bash
# Browser tests use Debian's Chromium (no browser download is possible here); install it as root when missing.
set -euo pipefail
exe="${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-/usr/bin/chromium}"
if [ -x "$exe" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  "$(dirname "$0")/apt_install.sh" chromium
else
  echo "Chromium is missing at $exe. Install it with: sudo apt-get install chromium" >&2
  exit 1
fi
