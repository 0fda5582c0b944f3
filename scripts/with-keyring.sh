#!/usr/bin/env bash
# Runs a command with a real, unlocked OS keychain: a private D-Bus session bus and GNOME Keyring's
# Secret Service, as on a Linux desktop. Tests use it so that the vault is exercised for real.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
#
# gnome-keyring-daemon can abort under heavy concurrent use (a GLib assertion, seen here as "trap
# int3" in the kernel log). The private bus starts it by D-Bus activation, through a service file of
# this script's own that starts it unlocked on the same keyring files: a call that arrives after an
# abort starts it again and waits for it, instead of finding no Secret Service (the vault's own
# retries cover the call that was under way).
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
  # A session bus whose only activatable service is the keyring below, started unlocked: the system's
  # service file would start a locked one (which then waits for a password prompt nobody sees).
  mkdir -p "$KEYRING_HOME/services"
  cat >"$KEYRING_HOME/start-keyring.sh" <<'START'
#!/usr/bin/env bash
# Started by the private bus whenever org.freedesktop.secrets is asked for and has no owner.
echo "$$" >"$E2EE_KEYRING_HOME/keyring.pid"
exec gnome-keyring-daemon --foreground --replace --unlock --components=secrets >/dev/null 2>&1 < <(printf 'test-keyring-password')
START
  chmod 700 "$KEYRING_HOME/start-keyring.sh"
  cat >"$KEYRING_HOME/services/org.freedesktop.secrets.service" <<SERVICE
[D-BUS Service]
Name=org.freedesktop.secrets
Exec=$KEYRING_HOME/start-keyring.sh
SERVICE
  cat >"$KEYRING_HOME/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <servicedir>$KEYRING_HOME/services</servicedir>
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
# The keyring daemon is the bus's child; it is stopped with the command's end in any case.
trap 'kill "$(cat "$PID_FILE" 2>/dev/null)" 2>/dev/null || true' EXIT

# Start it now (activation) and wait until the Secret Service's name has its owner on the bus.
dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.StartServiceByName string:org.freedesktop.secrets uint32:0 >/dev/null 2>&1 || true
for _ in $(seq 1 200); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  sleep 0.05
done

export E2EE_KEYRING_AVAILABLE=1
"$@"
