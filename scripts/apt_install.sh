#!/usr/bin/env bash
# Install Debian packages as root, waiting for the package manager's lock instead of failing when another install
# (unattended-upgrades, a second clone's `make test`) holds it. Usage: scripts/apt_install.sh PACKAGE...
set -euo pipefail
wait_seconds="${OPSDESK_APT_LOCK_WAIT:-900}"
apt_get() {
  # DPkg::Lock::Timeout makes apt wait for the dpkg and lists locks itself; the loop covers older apt and the
  # short window between two lock holders.
  local deadline=$((SECONDS + wait_seconds)) log
  log="$(mktemp)"
  until DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$wait_seconds" "$@" 2>"$log"; do
    if grep -qiE "could not get lock|unable to (acquire|lock)|is another process using it" "$log" \
      && [ "$SECONDS" -lt "$deadline" ]; then
      echo "Waiting for another package installation to finish..." >&2
      sleep 5
      continue
    fi
    cat "$log" >&2
    rm -f "$log"
    return 1
  done
  rm -f "$log"
}
apt_get update -qq
apt_get install -y -qq "$@"
