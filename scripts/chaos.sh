#!/usr/bin/env bash
# The chaos runs behind `./patchbay chaos [name|all]` (issue 20 §3, docs/reliability.md "Chaos"):
# e2e tests on the real processes, each a fault injected mid-call and the records checked after.
# Each run is one Maven test selection in the e2e module; the namespace ones need root.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
say() { printf 'patchbay: %s\n' "$*"; }
die() { printf 'patchbay: %s\n' "$*" >&2; exit 1; }

# name  test class  what it injects
RUNS=(
  "postgres-restart PostgresRestartChaosE2eTest a private PostgreSQL 15 stopped and started under 50 calls"
  "replica-kill-wss ReplicaKillWssChaosE2eTest kill -9 of the replica bridging Twilio WSS calls: the other re-attaches the bots"
  "stalled-bot StalledBotChaosE2eTest a bot WebSocket that stops reading mid-call: bounded, dropped frames counted, others unaffected, calls end"
  "network-cut NetworkCutChaosE2eTest nftables drops media-plane <-> control-plane for at least 10 s (network namespaces)"
  "fleet MultiHostE2eTest kill -9 of a control-plane replica (calls adopted) and of a media host (media-node-lost), SIGTERM drain"
  "control-plane-restart ControlPlaneRestartE2eTest the only control-plane killed -9 mid-call and started again"
  "media-sigterm MediaPlaneSigtermE2eTest SIGTERM to a media-plane with calls up: drained, none lost"
)
NAMES="$(for r in "${RUNS[@]}"; do printf '%s ' "${r%% *}"; done)"

target="${1:-all}"
classes=()
for r in "${RUNS[@]}"; do
  read -r name class what <<<"$r"
  if [[ $target == all || $target == "$name" ]]; then
    say "chaos $name: $what ($class)"
    classes+=("$class")
  fi
done
[[ ${#classes[@]} -gt 0 ]] || die "chaos: unknown run '$target'; one of: all $NAMES"
[[ $(id -u) -eq 0 ]] || say "chaos: not root, so the namespace runs (network-cut, fleet) are skipped; run as root for all of them"
IFS=,
./mvnw -B -pl e2e -am test "-Dtest=${classes[*]}" -Dsurefire.failIfNoSpecifiedTests=false -Djib.skip=true
say "chaos: passed: ${classes[*]}; the figures are in each test's log (e2e/target/surefire-reports/*-output.txt)"
