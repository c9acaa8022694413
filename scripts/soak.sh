#!/usr/bin/env bash
# The soak behind `./patchbay soak [minutes] [calls]`, on jars it has just built (issue 20 section 2):
# dev.patchbay.bench.Soak holds the calls, samples the processes every minute and judges the run.
# Knobs: PATCHBAY_SOAK_CHURN (set-ups and hang-ups per second, default 5), PATCHBAY_SOAK_JAVA_OPTS
# (JVM options of the three processes; default a fixed, pre-touched 256 MB heap, so that RSS measures what
# lies outside the heap, which the heap-after-GC figure does not cover, instead of the heap's commit growing
# to its working size). Needs PostgreSQL on 127.0.0.1:5432, user postgres (./patchbay setup).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
say() { printf 'patchbay: %s\n' "$*"; }
die() { printf 'patchbay: %s\n' "$*" >&2; exit 1; }

minutes="${1:-60}" calls="${2:-500}" churn="${PATCHBAY_SOAK_CHURN:-5}"
[[ $minutes =~ ^[1-9][0-9]*$ ]] || die "soak: minutes must be a whole number above 0, not '$minutes'"
[[ $calls =~ ^[1-9][0-9]*$ && $calls -ge 2 ]] || die "soak: calls must be a whole number of 2 or more, not '$calls'"
[[ $churn =~ ^[1-9][0-9]*$ ]] || die "soak: PATCHBAY_SOAK_CHURN must be a whole number above 0, not '$churn'"
out="$ROOT/bench/target/soak"
export PATCHBAY_SOAK_JAVA_OPTS="${PATCHBAY_SOAK_JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch}"
say "soak: $calls calls (half gRPC, half Twilio WSS), churning $churn/s, for $minutes min; CSV and logs in ${out#"$ROOT"/}"
rc=0
java -cp "$ROOT/bench/target/classes:$ROOT/bench/target/libs/*" dev.patchbay.bench.Soak \
  "$ROOT" "${PATCHBAY_PROJECT_VERSION:?}" "$minutes" "$calls" "$churn" "$out" "$ROOT/docs/reliability.md" "$ROOT/docs/soak" || rc=$?
case $rc in
  0) say "soak passed; its section is appended to docs/reliability.md, charts in docs/soak/" ;;
  3) die "soak FAILED (a metric rising, or call records missing or unfinished): see docs/reliability.md and $out/soak.csv" ;;
  *) die "soak could not run (status $rc); the processes' logs are in the scratch directory named above" ;;
esac
