#!/usr/bin/env bash
# Runs a command with a real, unlocked OS keychain: a private D-Bus session bus and GNOME Keyring's
# Secret Service, as on a Linux desktop. Tests use it so that the vault is exercised for real.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail

if [ -z "${E2EE_KEYRING_SESSION:-}" ]; then
  if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
    echo "with-keyring: dbus-run-session and gnome-keyring-daemon are needed (Debian: apt-get install dbus gnome-keyring)." >&2
    exit 1
  fi
  export E2EE_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

# A throwaway keyring home, so tests never touch a person's real keyring.
KEYRING_HOME=$(mktemp -d "${TMPDIR:-/tmp}/e2ee-keyring.XXXXXX")
trap 'kill "${GNOME_KEYRING_PID:-}" 2>/dev/null || true; rm -rf "$KEYRING_HOME"' EXIT
export XDG_DATA_HOME="$KEYRING_HOME/data" XDG_RUNTIME_DIR="$KEYRING_HOME/run" XDG_CONFIG_HOME="$KEYRING_HOME/config"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME"
chmod 700 "$XDG_RUNTIME_DIR"
# --unlock reads the login keyring's password on stdin and creates the keyring unlocked.
eval "$(printf 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL GNOME_KEYRING_PID
export E2EE_KEYRING_AVAILABLE=1
"$@"
