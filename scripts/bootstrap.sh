#!/usr/bin/env bash
# Install uv into a small tools venv, installing Debian's python3-venv first if the machine lacks it.
set -euo pipefail
python="$1"; tools="$2"; uv_version="$3"
if ! "$python" -c "import ensurepip, venv" 2>/dev/null; then
  pyver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing python3-venv with apt..."
    "$(dirname "$0")/apt_install.sh" "python${pyver}-venv" python3-venv
  else
    echo "Python's venv module is missing. Install it, then run make again:" >&2
    echo "    sudo apt-get install python${pyver}-venv" >&2
    exit 1
  fi
fi
rm -rf "$tools"
"$python" -m venv "$tools"
"$tools/bin/pip" install --quiet --disable-pip-version-check "uv==${uv_version}"
