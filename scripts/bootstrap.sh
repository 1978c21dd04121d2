#!/usr/bin/env bash
# Prepare everything the tests and the demo need, from nothing: Python 3.13 venv, pinned
# packages (reinstalled only when a requirements file changes) and Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."

REQS=("requirements_test.txt" "$@")

find_python() {
    local candidate
    for candidate in python3.13 "$(pyenv root 2>/dev/null)/versions/3.13"*/bin/python3.13 \
        /root/.pyenv/versions/3.13*/bin/python3.13 /usr/local/bin/python3.13 /usr/bin/python3.13; do
        if [ -n "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then
            command -v "$candidate" 2>/dev/null || echo "$candidate"
            return 0
        fi
    done
    echo "python3.13 not found: install Python 3.13 (pyenv install 3.13)" >&2
    return 1
}

# shellcheck source=scripts/apt.sh
source scripts/apt.sh

apt_install mosquitto mosquitto
# A real server of the InfluxDB v2 write API for the exporter's end-to-end test.
apt_install victoria-metrics victoria-metrics
# Optional: Debian's InfluxDB 1.x parses the exporter's lines in a test (skipped without).
apt_install influxd influxdb || echo "influxdb not installed: its test will be skipped"

if [ ! -x .venv/bin/python ]; then
    python="$(find_python)"
    echo "Creating .venv with $python (about 4 minutes the first time)"
    "$python" -m venv .venv
fi
for req in "${REQS[@]}"; do
    stamp=".venv/.stamp-$req"
    wanted="$(sha256sum "$req" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        echo "Installing $req into .venv"
        .venv/bin/pip install -q --disable-pip-version-check -r "$req"
        echo "$wanted" > "$stamp"
    fi
done
