#!/usr/bin/env bash
# Runs a command with a real, unlocked OS keychain: a private D-Bus session bus and GNOME Keyring's
# Secret Service, as on a Linux desktop. Tests use it so that the vault is exercised for real.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
#
# gnome-keyring-daemon can abort under heavy concurrent use (a GLib assertion, seen here as "trap
# int3" in the kernel log); the bus would then start a locked one by itself. A watchdog starts the
# daemon again at once, unlocked, on the same keyring files, so a long test run survives it (the
# vault's own retries cover the moment between).
set -euo pipefail

if [ -z "${E2EE_KEYRING_SESSION:-}" ]; then
  if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
    echo "with-keyring: dbus-run-session and gnome-keyring-daemon are needed (Debian: apt-get install dbus gnome-keyring)." >&2
    exit 1
  fi
  export E2EE_KEYRING_SESSION=1
  # A throwaway keyring home, so tests never touch a person's real keyring. Made before the bus, so
  # that a keyring daemon the bus starts by itself uses it too.
  KEYRING_HOME=$(mktemp -d "${TMPDIR:-/tmp}/e2ee-keyring.XXXXXX")
  export E2EE_KEYRING_HOME="$KEYRING_HOME"
  export XDG_DATA_HOME="$KEYRING_HOME/data" XDG_RUNTIME_DIR="$KEYRING_HOME/run" XDG_CONFIG_HOME="$KEYRING_HOME/config"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME"
  chmod 700 "$XDG_RUNTIME_DIR"
  # A session bus that starts no service by itself: were the keyring daemon to stop, the bus would
  # otherwise start a locked one of its own (which then waits for a password prompt nobody sees).
  cat >"$KEYRING_HOME/session.conf" <<'CONF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  status=0
  dbus-run-session --config-file="$KEYRING_HOME/session.conf" -- "$0" "$@" || status=$?
  rm -rf "$KEYRING_HOME"
  exit "$status"
fi

PID_FILE="$E2EE_KEYRING_HOME/keyring.pid"
STOP_FILE="$E2EE_KEYRING_HOME/keyring.stop"

# The daemon runs in the foreground under a loop that starts it again if it ends before the command
# does. --unlock reads the login keyring's password on stdin and creates the keyring unlocked (or
# unlocks the one on disk, with every item kept); --replace takes the bus name from a daemon the bus
# may have started by itself meanwhile.
keyring_loop() {
  while :; do
    printf 'test-keyring-password' |
      gnome-keyring-daemon --foreground --replace --unlock --components=secrets >/dev/null 2>&1 &
    local pid=$!
    echo "$pid" >"$PID_FILE"
    wait "$pid" || true
    if [ -e "$STOP_FILE" ]; then exit 0; fi
    echo "with-keyring: the keyring daemon stopped; starting it again on the same keyring" >&2
  done
}
keyring_loop &
LOOP=$!
trap 'touch "$STOP_FILE"; kill "$(cat "$PID_FILE" 2>/dev/null)" 2>/dev/null || true; wait "$LOOP" 2>/dev/null || true' EXIT

# Ready once the Secret Service's name has its owner on the bus.
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  sleep 0.05
done

export E2EE_KEYRING_AVAILABLE=1
"$@"
