#!/usr/bin/env bash
# Prepare the test suite's second pass, on the newest Home Assistant that
# pytest-homeassistant-custom-component supports (requirements_test_latest.txt), which
# needs Python >= 3.14.2:
#   - with such a Python on the host (python3.14, python3.15, pyenv): the venv .venv-latest;
#   - otherwise a Debian unstable (sid) chroot in .chroot/ with Debian's python3.14 and
#     mosquitto, from the host's own Debian mirror, and a venv in it at /opt/venv.
# `scripts/bootstrap_latest.sh [more requirements files]` (the demo adds its own).
# Cached: a second run only checks stamps; a changed requirements file reinstalls.
# Needs root (or sudo) for the chroot. Every mount it makes lives in a private mount
# namespace (unshare), so nothing stays mounted, even if it is killed.
set -euo pipefail
cd "$(dirname "$0")/.."

REQS=(requirements_test_latest.txt "$@")
ROOT=.chroot
CHROOT_VENV=/opt/venv
SUITE=sid
# Beside Python: mosquitto, influxdb and victoria-metrics for the tests that run them,
# tzdata (the tests run in Europe/Paris) and fonts-dejavu-core (the brand images'
# test draws with it).
PACKAGES=(python3.14 python3.14-venv python3.14-dev ca-certificates build-essential git
    libffi-dev libssl-dev mosquitto influxdb victoria-metrics tzdata fonts-dejavu-core)
MIN_PYTHON="(3, 14, 2)"

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

now() { date +%s; }
step_start=0
step() {
    step_start="$(now)"
    echo "bootstrap_latest: $*"
}
done_step() {
    echo "bootstrap_latest:   done in $(($(now) - step_start)) s"
}

# shellcheck source=scripts/apt.sh
source scripts/apt.sh

find_host_python() {
    # A host Python >= 3.14.2, if any.
    local candidate pyenv_root
    pyenv_root="$(pyenv root 2>/dev/null || echo /root/.pyenv)"
    for candidate in python3.15 python3.14 \
        "$pyenv_root"/versions/3.1[4-9]*/bin/python3 \
        /usr/local/bin/python3.15 /usr/local/bin/python3.14 /usr/bin/python3.15 /usr/bin/python3.14; do
        if "$candidate" -c "import sys; assert sys.version_info >= $MIN_PYTHON" 2>/dev/null; then
            command -v "$candidate" 2>/dev/null || echo "$candidate"
            return 0
        fi
    done
    return 1
}

req_hash() { sha256sum "$1" | cut -d' ' -f1; }

# One bootstrap at a time for this working tree.
exec 9>"/tmp/bootstrap_latest-$(pwd | sha256sum | cut -c1-16).lock"
flock 9

# --- A host Python that is new enough: a plain venv ---------------------------------
if host_python="$(find_host_python)"; then
    apt_install mosquitto mosquitto
    if [ ! -x .venv-latest/bin/python ]; then
        step "creating .venv-latest with $host_python"
        "$host_python" -m venv .venv-latest
        done_step
    fi
    for req in "${REQS[@]}"; do
        stamp=.venv-latest/.stamp-$req
        if [ "$(cat "$stamp" 2>/dev/null)" != "$(req_hash "$req")" ]; then
            step "installing $req into .venv-latest"
            .venv-latest/bin/pip install -q --disable-pip-version-check -r "$req"
            req_hash "$req" > "$stamp"
            done_step
        fi
    done
    exit 0
fi

# --- Otherwise Debian sid's python3.14 in a chroot ----------------------------------
ABS_ROOT="$(pwd)/$ROOT"

mounted_under_root() {
    # Anything mounted under the chroot (there never should be, outside a namespace).
    grep -qE " $ABS_ROOT(/| )" /proc/mounts
}

in_chroot() {
    # Run a command in the chroot with /proc and /dev, inside a private mount namespace.
    # The host's venv and PYTHON* settings mean nothing inside, nor do local pip paths.
    local unset=(-u VIRTUAL_ENV -u PYTHONPATH -u PYTHONHOME)
    [[ "${PIP_FIND_LINKS:-}" == /* ]] && unset+=(-u PIP_FIND_LINKS)
    $SUDO env "${unset[@]}" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive \
        unshare --mount --propagation private bash -c '
            set -e
            mount --bind /proc "$0/proc"
            mount --rbind /dev "$0/dev"
            exec chroot "$0" "$@"' "$ABS_ROOT" "$@"
}

mirror() {
    # The URI of the host's own Debian source, else Debian's redirector.
    local uri=""
    if [ -r /etc/apt/sources.list.d/debian.sources ]; then
        uri="$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
            /etc/apt/sources.list.d/debian.sources)"
    fi
    if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
        uri="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|ftp):/) { if ($i !~ /security/) { print $i; exit } else break } }' \
            /etc/apt/sources.list)"
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

if mounted_under_root; then
    echo "bootstrap_latest: something is mounted under $ABS_ROOT; unmount it first:" >&2
    grep -E " $ABS_ROOT(/| )" /proc/mounts >&2
    exit 1
fi

if [ ! -f "$ROOT/.stamp-debootstrap" ]; then
    apt_install debootstrap debootstrap
    apt_install unshare util-linux
    if [ -e "$ROOT" ]; then
        echo "bootstrap_latest: removing an unfinished $ROOT"
        $SUDO rm -rf --one-file-system "$ROOT"
    fi
    uri="$(mirror)"
    include="$(IFS=,; echo "${PACKAGES[*]}")"
    step "building a Debian $SUITE chroot in $ROOT from $uri (about 2 minutes, 700 MB)"
    mkdir -p "$ROOT"
    log="$(mktemp)"
    # debootstrap mounts /proc and /sys in the target: keep those mounts in a namespace.
    if ! $SUDO unshare --mount --propagation private \
        debootstrap --variant=minbase --include="$include" "$SUITE" "$ROOT" "$uri" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        echo "bootstrap_latest: debootstrap failed (full log: $log)" >&2
        exit 1
    fi
    rm -f "$log"
    $SUDO rm -rf "$ROOT/var/cache/apt/archives/"*.deb
    printf '%s\n' "${PACKAGES[@]}" | $SUDO tee "$ROOT/.stamp-debootstrap" >/dev/null
    done_step
fi

# No daemon starts in the chroot when a package is installed (mosquitto, influxdb).
if [ ! -x "$ROOT/usr/sbin/policy-rc.d" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$ROOT/usr/sbin/policy-rc.d" >/dev/null
    $SUDO chmod 755 "$ROOT/usr/sbin/policy-rc.d"
fi

# The host's network and certificate settings (refreshed every run: they are small).
$SUDO cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
[ -f /etc/hosts ] && $SUDO cp -L /etc/hosts "$ROOT/etc/hosts"
[ -f /etc/pip.conf ] && $SUDO cp -L /etc/pip.conf "$ROOT/etc/pip.conf"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    $SUDO mkdir -p "$ROOT/etc/ssl/certs"
    $SUDO cp -L /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
fi
$SUDO mkdir -p "$ROOT/project"

# Debian packages added to the list since the chroot was built.
missing=()
for package in "${PACKAGES[@]}"; do
    $SUDO chroot "$ROOT" dpkg-query -W -f='${Status}' "$package" 2>/dev/null \
        | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    step "installing ${missing[*]} in $ROOT"
    in_chroot apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
        in_chroot apt-get update -q >/dev/null
        in_chroot apt-get install -y -q "${missing[@]}" >/dev/null
    }
    printf '%s\n' "${PACKAGES[@]}" | $SUDO tee "$ROOT/.stamp-debootstrap" >/dev/null
    done_step
fi

# (bin/python links to the chroot's /usr/bin/python3.14: test the venv's own file.)
if [ ! -f "$ROOT$CHROOT_VENV/pyvenv.cfg" ]; then
    $SUDO chroot "$ROOT" python3.14 -c "import sys; assert sys.version_info >= $MIN_PYTHON, sys.version" || {
        echo "bootstrap_latest: the chroot's python3.14 is older than 3.14.2" >&2
        exit 1
    }
    step "creating the venv $CHROOT_VENV in $ROOT"
    in_chroot python3.14 -m venv "$CHROOT_VENV"
    done_step
fi

for req in "${REQS[@]}"; do
    stamp="$ROOT$CHROOT_VENV/.stamp-$req"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$(req_hash "$req")" ]; then
        step "installing $req into $ROOT$CHROOT_VENV (about 1 minute the first time)"
        $SUDO cp "$req" "$ROOT$CHROOT_VENV/$req"
        in_chroot "$CHROOT_VENV/bin/pip" install -q --disable-pip-version-check -r "$CHROOT_VENV/$req"
        req_hash "$req" | $SUDO tee "$stamp" >/dev/null
        done_step
    fi
done
