#!/usr/bin/env bash
# Real sync-target servers for the tests, on 127.0.0.1 only:
#   - WebDAV: wsgidav (PyPI, pinned in scripts/requirements-wsgidav.txt) with Basic auth, in a venv;
#   - S3:     s3s-fs (crates.io), installed with `cargo install --locked --debug` into the per-user
#             tools cache (~/.cache/indsats/tools), once per version.
#
# Usage: scripts/sync-servers.sh COMMAND
#   install         make the venv and install s3s-fs if they are missing (s3s-fs compiles for minutes)
#   start           install if needed, start both servers if they are not running, wait until both
#                   answer, write target/sync-servers/env (idempotent)
#   stop            stop both servers (only the processes whose PID files this script wrote)
#   env             print the `export` lines (eval "$(scripts/sync-servers.sh env)")
#   status          say what runs where
#   kill-webdav     SIGKILL the WebDAV server (a crash); restart-webdav starts it again on the same
#   restart-webdav  port with the same data and password
#   kill-s3, restart-s3   the same for the S3 server
#
# Everything else lives in target/sync-servers/ (or $INDSATS_SYNC_SERVERS_DIR): the venv, the served folders, the config, logs, PID files and the env file. The passwords are
# throwaway test values made on the first start; nothing here is a real credential.
set -euo pipefail
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPT="$ROOT/scripts/sync-servers.sh"
DIR="${INDSATS_SYNC_SERVERS_DIR:-$ROOT/target/sync-servers}"
VENV="$DIR/venv"
REQUIREMENTS="$ROOT/scripts/requirements-wsgidav.txt"
# s3s-fs 0.12.0 is the newest release whose rust-version (1.86) fits the workspace's floor (1.90);
# 0.13/0.14 need 1.92 and 0.15+ need 1.96.
S3S_FS_VERSION="${S3S_FS_VERSION:-0.12.0}"
# Built once per version into the per-user tools cache (the Makefile's TOOLS_CACHE), outside the
# clone, so that a new clone or `git clean` does not compile it again.
TOOLS_CACHE="${INDSATS_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/indsats/tools}"
CARGO_ROOT="$TOOLS_CACHE/s3s-fs-$S3S_FS_VERSION"
S3S_FS="$CARGO_ROOT/bin/s3s-fs"
PYTHON="${PYTHON:-python3}"
CARGO="${CARGO:-cargo}"
STATE="$DIR/state"
ENV_FILE="$DIR/env"
WEBDAV_DATA="$DIR/webdav-data"
S3_DATA="$DIR/s3-data"
WEBDAV_PID="$DIR/webdav.pid"
S3_PID="$DIR/s3.pid"
WEBDAV_CONF="$DIR/wsgidav.yaml"
WEBDAV_USER="indsats"
S3_BUCKET="indsats-test"
S3_REGION="us-east-1"
S3_ACCESS_KEY_ID="indsats-test"

say() { echo "sync-servers: $*" >&2; }
die() { say "$*"; exit 1; }

# --- installation ------------------------------------------------------------------------------

ensure_venv() {
  local stamp="$VENV/.requirements.sha256" want
  want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
  if [[ -x "$VENV/bin/wsgidav" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  command -v "$PYTHON" >/dev/null || die "python3 is missing: install python3 and python3-venv (Debian: apt-get install python3 python3-venv)"
  say "making the WebDAV venv in $VENV (pip install -r scripts/requirements-wsgidav.txt)"
  mkdir -p "$DIR"
  "$PYTHON" -m venv "$VENV" || die "could not make a venv: install python3-venv (Debian: apt-get install python3-venv)"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$want" >"$stamp"
}

ensure_s3s() {
  if [[ -x "$S3S_FS" ]] && "$S3S_FS" --version 2>/dev/null | grep -q "$S3S_FS_VERSION"; then return; fi
  command -v "$CARGO" >/dev/null || die "cargo is missing: install Rust to build s3s-fs"
  say "installing s3s-fs $S3S_FS_VERSION into $CARGO_ROOT (compiles for a few minutes, once)"
  # A debug build compiles in far less time; a test server on loopback needs no speed.
  "$CARGO" install s3s-fs --version "$S3S_FS_VERSION" --locked --debug --features binary --root "$CARGO_ROOT" --quiet
}

# --- state: ports and passwords, made on the first start and kept until `stop` ------------------

free_port() {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

random_word() {
  "$PYTHON" -c 'import secrets; print(secrets.token_hex(16))'
}

load_state() {
  if [[ -f "$STATE" ]]; then
    # shellcheck disable=SC1090
    source "$STATE"
  fi
  if [[ -z "${WEBDAV_PORT:-}" || -z "${S3_PORT:-}" || -z "${WEBDAV_PASSWORD:-}" || -z "${S3_SECRET_ACCESS_KEY:-}" ]]; then
    WEBDAV_PORT="$(free_port)"
    S3_PORT="$(free_port)"
    while [[ "$S3_PORT" == "$WEBDAV_PORT" ]]; do S3_PORT="$(free_port)"; done
    WEBDAV_PASSWORD="test-$(random_word)"
    S3_SECRET_ACCESS_KEY="test-$(random_word)"
    mkdir -p "$DIR"

    cat >"$STATE" <<EOF
WEBDAV_PORT=$WEBDAV_PORT
S3_PORT=$S3_PORT
WEBDAV_PASSWORD=$WEBDAV_PASSWORD
S3_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY
EOF
  fi
}

write_env() {

  cat >"$ENV_FILE.tmp" <<EOF
export INDSATS_TEST_WEBDAV_ENDPOINT=http://127.0.0.1:$WEBDAV_PORT
export INDSATS_TEST_WEBDAV_USERNAME=$WEBDAV_USER
export INDSATS_TEST_WEBDAV_PASSWORD=$WEBDAV_PASSWORD
export INDSATS_TEST_WEBDAV_DATA=$WEBDAV_DATA
export INDSATS_TEST_WEBDAV_PID_FILE=$WEBDAV_PID
export INDSATS_TEST_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export INDSATS_TEST_S3_BUCKET=$S3_BUCKET
export INDSATS_TEST_S3_REGION=$S3_REGION
export INDSATS_TEST_S3_ACCESS_KEY_ID=$S3_ACCESS_KEY_ID
export INDSATS_TEST_S3_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY
export INDSATS_TEST_S3_DATA=$S3_DATA
export INDSATS_TEST_S3_PID_FILE=$S3_PID
export INDSATS_SYNC_SERVERS_SCRIPT=$SCRIPT
EOF
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# --- processes -----------------------------------------------------------------------------------

# running PIDFILE PATTERN: the PID in PIDFILE is alive and its command line holds PATTERN (so a PID
# reused by another program is never signalled).
running() {
  local pidfile="$1" pattern="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern"
  else
    ps -p "$pid" -o args= 2>/dev/null | grep -q -- "$pattern"
  fi
}

signal() {
  local pidfile="$1" pattern="$2" sig="$3" pid
  running "$pidfile" "$pattern" || { rm -f "$pidfile"; return 0; }
  pid="$(cat "$pidfile")"
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.1; fi
  rm -f "$pidfile"
}

start_webdav() {
  running "$WEBDAV_PID" "$WEBDAV_CONF" && return 0
  mkdir -p "$WEBDAV_DATA"

  # JSON is valid YAML; wsgidav reads this file with its YAML loader.
  cat >"$WEBDAV_CONF" <<EOF
{
  "host": "127.0.0.1",
  "port": $WEBDAV_PORT,
  "provider_mapping": { "/": "$WEBDAV_DATA" },
  "http_authenticator": {
    "domain_controller": null,
    "accept_basic": true,
    "accept_digest": false,
    "default_to_digest": false
  },
  "simple_dc": { "user_mapping": { "*": { "$WEBDAV_USER": { "password": "$WEBDAV_PASSWORD" } } } },
  "dir_browser": { "enable": false },
  "lock_storage": true,
  "property_manager": true,
  "verbose": 2,
  "logging": { "enable_loggers": [] }
}
EOF
  setsid "$VENV/bin/wsgidav" --config="$WEBDAV_CONF" >>"$DIR/webdav.log" 2>&1 </dev/null &
  echo $! >"$WEBDAV_PID"
}

start_s3() {
  running "$S3_PID" "$S3S_FS" && return 0
  mkdir -p "$S3_DATA/$S3_BUCKET"
  setsid "$S3S_FS" --host 127.0.0.1 --port "$S3_PORT" \
    --access-key "$S3_ACCESS_KEY_ID" --secret-key "$S3_SECRET_ACCESS_KEY" "$S3_DATA" \
    >>"$DIR/s3.log" 2>&1 </dev/null &
  echo $! >"$S3_PID"
}

# wait_webdav: until an authenticated PROPFIND answers 207 (or 30 s).
wait_webdav() {
  "$PYTHON" - "$WEBDAV_PORT" "$WEBDAV_USER" "$WEBDAV_PASSWORD" <<'EOF' || die "the WebDAV server did not answer on 127.0.0.1:$WEBDAV_PORT (see $DIR/webdav.log)"
import base64, http.client, sys, time
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
deadline = time.time() + 30
while time.time() < deadline:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("PROPFIND", "/", headers={"Depth": "0", "Authorization": auth})
        if c.getresponse().status == 207:
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
EOF
}

# wait_s3: until the server answers HTTP at all (an unsigned request gets 403) (or 30 s).
wait_s3() {
  "$PYTHON" - "$S3_PORT" <<'EOF' || die "the S3 server did not answer on 127.0.0.1:$S3_PORT (see $DIR/s3.log)"
import http.client, sys, time
port = int(sys.argv[1])
deadline = time.time() + 30
while time.time() < deadline:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/")
        c.getresponse().read()
        sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
EOF
}

cmd_start() {
  ensure_venv
  ensure_s3s
  local fresh=0
  running "$WEBDAV_PID" "$WEBDAV_CONF" || running "$S3_PID" "$S3S_FS" || fresh=1
  if [[ "$fresh" == 1 ]]; then
    # Neither runs: start from empty folders (the tests use unique names, but old runs add up).
    rm -rf "$WEBDAV_DATA" "$S3_DATA"
  fi
  load_state
  start_webdav
  start_s3
  wait_webdav
  wait_s3
  write_env
  say "WebDAV on http://127.0.0.1:$WEBDAV_PORT (user $WEBDAV_USER), S3 on http://127.0.0.1:$S3_PORT (bucket $S3_BUCKET); env in $ENV_FILE"
}

cmd_stop() {
  signal "$WEBDAV_PID" "$WEBDAV_CONF" TERM
  signal "$S3_PID" "$S3S_FS" TERM
  rm -f "$ENV_FILE" "$STATE"
  say "stopped"
}

cmd_status() {
  if running "$WEBDAV_PID" "$WEBDAV_CONF"; then say "WebDAV runs (PID $(cat "$WEBDAV_PID"))"; else say "WebDAV is not running"; fi
  if running "$S3_PID" "$S3S_FS"; then say "S3 runs (PID $(cat "$S3_PID"))"; else say "S3 is not running"; fi
  [[ -f "$ENV_FILE" ]] && cat "$ENV_FILE" >&2 || true
}

need_state() {
  [[ -f "$STATE" ]] || die "the servers were never started: run scripts/sync-servers.sh start"
  load_state
}

case "${1:-}" in
  install) ensure_venv; ensure_s3s ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) [[ -f "$ENV_FILE" ]] || die "no $ENV_FILE: run scripts/sync-servers.sh start"; cat "$ENV_FILE" ;;
  status) cmd_status ;;
  kill-webdav) signal "$WEBDAV_PID" "$WEBDAV_CONF" KILL ;;
  restart-webdav) need_state; signal "$WEBDAV_PID" "$WEBDAV_CONF" KILL; start_webdav; wait_webdav ;;
  kill-s3) signal "$S3_PID" "$S3S_FS" KILL ;;
  restart-s3) need_state; signal "$S3_PID" "$S3S_FS" KILL; start_s3; wait_s3 ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
