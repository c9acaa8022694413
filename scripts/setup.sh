#!/usr/bin/env bash
# Machine provisioning for the test suite: PostgreSQL with a passwordless 'test' database on
# 127.0.0.1:5432, the real SIP peers and tools the tests drive, the deploy tests' npm packages and,
# as root, the local Jib base image. Run by `./patchbay setup` and `./patchbay test`.
#
#   scripts/setup.sh          do what is missing, one line per action; silent when all is done
#   scripts/setup.sh --check  change nothing: list what is missing, exit 1 if anything is
#
# Changing the machine needs root; as another user it says which command to run as root.
# PATCHBAY_TEST_DB_URL set: the tests use that database, and the local PostgreSQL is left alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CHECK=0
case "${1:-}" in
  "") ;;
  --check) CHECK=1 ;;
  *) echo "usage: scripts/setup.sh [--check]" >&2; exit 2 ;;
esac

PG_HOST=127.0.0.1
PG_PORT=5432
MISSING=0 # --check: how many actions are due

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# act "WHAT IS DONE" [the command a non-root user should run as root]: says the action and returns 0
# when the caller should do it now; in --check mode, or without root, reports it and returns 1.
act() {
  if [[ $CHECK -eq 1 ]]; then
    say "missing: $1"
    MISSING=$((MISSING + 1))
    return 1
  fi
  if [[ -n ${2:-} ]] && ! is_root; then
    die "needed: $1, which needs root: run '$2' (or ./patchbay setup as root)"
  fi
  say "$1"
}

APT_LOG="${TMPDIR:-/tmp}/patchbay-setup-apt.log"
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if apt-get install -y -q "$@" >"$APT_LOG" 2>&1 </dev/null; then return 0; fi
  # A fresh container has no package lists yet.
  apt-get update -q >>"$APT_LOG" 2>&1 </dev/null || true
  apt-get install -y -q "$@" >>"$APT_LOG" 2>&1 </dev/null && return 0
  tail -n 15 "$APT_LOG" >&2
  die "apt-get install $* failed (log: $APT_LOG)"
}

# --- PostgreSQL ---------------------------------------------------------------------------------

pg_ready() { command -v pg_isready >/dev/null && pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }
pg_sql() { psql -X -w -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -At -c "$1" </dev/null 2>/dev/null; }

# "VERSION NAME" of the cluster on our port, else of the first one, else nothing.
pg_cluster() {
  command -v pg_lsclusters >/dev/null || return 0
  pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '
    $3 == port {print $1, $2; found = 1; exit}
    NR == 1 {first = $1 " " $2}
    END {if (!found && first != "") print first}'
}

wait_for() { # wait_for SECONDS COMMAND...: polls every 0.25 s
  local i
  for ((i = 0; i < $1 * 4; i++)); do
    "${@:2}" && return 0
    sleep 0.25
  done
  return 1
}

setup_postgres() {
  if ! command -v pg_ctlcluster >/dev/null || ! command -v psql >/dev/null; then
    act "install PostgreSQL (apt-get install postgresql)" "apt-get install postgresql" || return 0
    apt_install postgresql
  fi
  local cluster ver
  cluster="$(pg_cluster)"
  if [[ -z $cluster ]]; then
    ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
    act "create PostgreSQL cluster $ver/main" "pg_createcluster $ver main" || return 0
    [[ -n $ver ]] || die "no PostgreSQL server under /usr/lib/postgresql; apt-get install postgresql"
    pg_createcluster "$ver" main >/dev/null || die "pg_createcluster $ver main failed"
    cluster="$ver main"
  fi
  if ! pg_ready; then
    act "start PostgreSQL $cluster" "pg_ctlcluster --skip-systemctl-redirect $cluster start" || return 0
    pg_ctlcluster --skip-systemctl-redirect "${cluster% *}" "${cluster#* }" start >/dev/null 2>&1 || true
    wait_for 30 pg_ready || die "PostgreSQL $cluster does not answer on $PG_HOST:$PG_PORT (see /var/log/postgresql/)"
  fi
  if ! pg_sql 'select 1' >/dev/null; then
    local hba
    hba="/etc/postgresql/${cluster% *}/${cluster#* }/pg_hba.conf"
    act "trust TCP logins from 127.0.0.1 and ::1 in $hba" "a 'host all all 127.0.0.1/32 trust' line first in $hba" || return 0
    pg_trust "$hba" "$cluster"
  fi
  # Some tests connect as the OS user; mirror 'root' as this machine's image has it.
  if [[ -z $(pg_sql "select 1 from pg_roles where rolname = 'root'") ]]; then
    act "create PostgreSQL role root" || return 0
    pg_sql 'create role root superuser login' >/dev/null || die "could not create role 'root'"
  fi
  if [[ -z $(pg_sql "select 1 from pg_database where datname = 'test'") ]]; then
    act "create database test" || return 0
    createdb -w -h "$PG_HOST" -p "$PG_PORT" -U postgres test </dev/null || die "createdb -h $PG_HOST -U postgres test failed"
  fi
}

# Puts the trust lines first in pg_hba.conf (replacing earlier copies of them) and reloads.
pg_trust() {
  local hba="$1" cluster="$2" tmp
  [[ -f $hba ]] || die "$hba not found; add 'host all all 127.0.0.1/32 trust' to the cluster's pg_hba.conf"
  tmp="$(mktemp)"
  {
    echo "# added by patchbay (./patchbay setup): passwordless TCP logins from this machine only"
    echo "host    all    all    127.0.0.1/32    trust"
    echo "host    all    all    ::1/128         trust"
    grep -v '^# added by patchbay' "$hba" | grep -Ev '^host[[:space:]]+all[[:space:]]+all[[:space:]]+(127\.0\.0\.1/32|::1/128)[[:space:]]+trust[[:space:]]*$' || true
  } >"$tmp"
  cat "$tmp" >"$hba" # keeps the file's owner and mode
  rm -f "$tmp"
  pg_ctlcluster --skip-systemctl-redirect "${cluster% *}" "${cluster#* }" reload >/dev/null 2>&1 || true
  wait_for 5 pg_sql 'select 1' >/dev/null || die "user postgres still cannot log in on $PG_HOST:$PG_PORT after editing $hba"
}

# --- tools --------------------------------------------------------------------------------------

# "PACKAGE COMMAND...". SIPp calls in; sipvicious sweeps the gateway in the SIP security tests;
# espeak-ng renders agents' voice synthesis; baresip is the TLS + SRTP user agent (Debian's SIPp has
# no TLS); linphonec sends INVITEs without SDP (late offer); multimon-ng decodes in-band DTMF, with
# sox resampling for it; tcpdump stamps test RTP in the kernel; node renders the Helm chart and checks
# the Kubernetes schemas; systemd-analyze verifies the units; kamailio is the SIP front of
# deploy/kamailio (KamailioFrontTest); ffmpeg made the G.722 golden files and the G.722 RTP the
# wideband e2e test plays; chromium is the browser the console's Playwright tests drive
# (ConsoleBrowserTest); mmdebstrap makes the local image base (root only).
TOOLS=("sip-tester sipp" "sipvicious svmap svwar" "espeak-ng espeak-ng" "baresip baresip" "linphone-cli linphonec"
  "multimon-ng multimon-ng" "sox sox" "tcpdump tcpdump" "nodejs node npm" "systemd systemd-analyze" "kamailio kamailio"
  "ffmpeg ffmpeg" "chromium chromium")

setup_tools() {
  local entry pkg cmd cmds missing=()
  local tools=("${TOOLS[@]}")
  # As root also what MultiHostE2eTest needs: network namespaces (ip) and 1:1 NAT (nft).
  if is_root; then tools+=("mmdebstrap mmdebstrap" "iproute2 ip" "nftables nft"); fi
  for entry in "${tools[@]}"; do
    read -r pkg cmds <<<"$entry"
    for cmd in $cmds; do
      if ! command -v "$cmd" >/dev/null; then missing+=("$pkg"); break; fi
    done
  done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  act "install ${missing[*]} (apt-get install)" "apt-get install ${missing[*]}" || return 0
  apt_install "${missing[@]}"
}

# The npm packages, pinned by package-lock.json: the deploy tests' and the operator console's
# (Vite, TypeScript, and playwright-core, which drives Debian's chromium; never its own browser).
setup_npm() {
  local js
  for js in deploy-tests/js admin-api/console; do
    [[ -f $js/node_modules/.package-lock.json && ! $js/package-lock.json -nt $js/node_modules/.package-lock.json ]] && continue
    act "npm ci in $js" || continue
    (cd "$js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci in $js failed; run it there to see why"
  done
}

# As root `./patchbay test` also builds the Jib images, on a base made here since no image registry
# is reachable: Debian's essential packages (mmdebstrap) plus a jlink runtime of $JAVA_HOME.
setup_image_base() {
  is_root || return 0
  local base=target/jib-base/base.tar
  [[ -f $base && ! deploy/image/local-base.sh -nt $base ]] && return 0
  act "make the local Jib base image $base (mmdebstrap + jlink, about 30 s)" || return 0
  [[ -x ${JAVA_HOME:-}/bin/jlink ]] || die "JAVA_HOME must be a JDK with jlink to make the image base"
  mkdir -p "$(dirname "$base")"
  deploy/image/local-base.sh "$PWD/$base" >/dev/null || die "deploy/image/local-base.sh failed"
}

if [[ -z ${PATCHBAY_TEST_DB_URL:-} ]]; then setup_postgres; fi
setup_tools
setup_npm
setup_image_base
if [[ $CHECK -eq 1 && $MISSING -gt 0 ]]; then
  die "$MISSING thing(s) missing; run ./patchbay setup (as root)"
fi
