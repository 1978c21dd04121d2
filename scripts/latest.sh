#!/usr/bin/env bash
# Run a Python module on the newest Home Assistant (requirements_test_latest.txt, and
# requirements_demo_latest.txt for the demo), prepared by scripts/bootstrap_latest.sh:
# `scripts/latest.sh MODULE [args]`, for instance `scripts/latest.sh pytest
# tests/test_sensor.py` or `scripts/latest.sh scripts.demo`.
#   - .venv-latest on a host Python >= 3.14.2, when there is one;
#   - otherwise the Debian sid chroot .chroot/, the project bind-mounted at /project.
#     Its mounts (/proc, /dev, the project) exist only in a private mount namespace:
#     they vanish with the command, even if it is killed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x .venv-latest/bin/python ]; then
    .venv-latest/bin/python -c 'import sys, homeassistant.const as c; print(f"Home Assistant {c.__version__} on Python {sys.version.split()[0]} (.venv-latest)")'
    exec env -u VIRTUAL_ENV -u PYTHONPATH .venv-latest/bin/python -m "$@"
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
ROOT="$(pwd)/.chroot"
if [ ! -f "$ROOT/opt/venv/pyvenv.cfg" ]; then
    echo "latest: no environment yet; run scripts/bootstrap_latest.sh first" >&2
    exit 1
fi
if grep -qE " $ROOT(/| )" /proc/mounts; then
    echo "latest: something is mounted under $ROOT; unmount it first" >&2
    exit 1
fi

# Inside: the chroot's venv only (not the project's .venv, which is visible under
# /project), bytecode of Python 3.14 kept out of the project tree, and no host pip path.
unset_vars=(-u VIRTUAL_ENV -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP -u PYTHONUSERBASE)
[[ "${PIP_FIND_LINKS:-}" == /* ]] && unset_vars+=(-u PIP_FIND_LINKS)
exec $SUDO env "${unset_vars[@]}" \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONPYCACHEPREFIX=/var/cache/pycache \
    unshare --mount --propagation private bash -c '
        set -e
        root="$0"
        project="$1"
        shift
        mount --bind /proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount --bind "$project" "$root/project"
        exec chroot "$root" /bin/sh -c '\''
            cd /project
            /opt/venv/bin/python -c "import sys, homeassistant.const as c; print(f\"Home Assistant {c.__version__} on Python {sys.version.split()[0]} (Debian sid chroot .chroot)\")"
            exec /opt/venv/bin/python -m "$@"'\'' sh "$@"' \
    "$ROOT" "$(pwd)" "$@"
