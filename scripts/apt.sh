# shellcheck shell=bash
# apt_install CMD PKG [CMD PKG ...]: install the Debian packages whose command is
# missing (as root, or with sudo). Sourced by the bootstrap scripts.
apt_install() {
    local missing=()
    while [ $# -gt 0 ]; do
        command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || missing+=("$2")
        shift 2
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing Debian packages: ${missing[*]}"
    $sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
        $sudo apt-get update -q >/dev/null 2>&1
        $sudo apt-get install -y -q "${missing[@]}" >/dev/null
    }
}
