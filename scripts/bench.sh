#!/usr/bin/env bash
# The benchmarks behind `./patchbay bench`, on jars it has just built; arguments: JVM options.
# 1. JMH microbenchmarks of every media stage. 2. The separate-process load benchmark
# (dev.patchbay.bench.LoadGenerator): the three processes as their own JVMs, concurrent echo calls
# ramped against the gRPC and a Twilio WSS echo bot, SIPp and NIO echoes as references, the SIPp
# setup rate. 3. The in-process comparison of the gRPC bot transports (a stream per call, AudioMux).
# Knobs: PATCHBAY_BENCH_* (bench/src/main/java/dev/patchbay/bench/Settings.java).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
JAVA_OPTS_ARR=("$@")
say() { printf 'patchbay: %s\n' "$*"; }
die() { printf 'patchbay: %s\n' "$*" >&2; exit 1; }
rel() { printf '%s\n' "${1#"$ROOT"/}"; }

target="$ROOT/bench/target" cp="$ROOT/bench/target/classes:$ROOT/bench/target/libs/*" doc="$ROOT/docs/benchmarks.md"
if [[ ${PATCHBAY_BENCH_JMH:-1} != 0 ]]; then
  say "running JMH: 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement per benchmark (about 90 s; PATCHBAY_BENCH_JMH=0 skips)"
  java "${JAVA_OPTS_ARR[@]}" -cp "$cp" org.openjdk.jmh.Main -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff "$target/jmh-result.json" MediaPathBenchmarks
  java "${JAVA_OPTS_ARR[@]}" -cp "$cp" dev.patchbay.bench.BenchReport "$target/jmh-result.json" "$target/microbenchmarks.md" >/dev/null
else
  printf '## Media path microbenchmarks (JMH)\n\nNot run (PATCHBAY_BENCH_JMH=0).\n' >"$target/microbenchmarks.md"
fi
say "running the separate-process load benchmark: steps ${PATCHBAY_BENCH_STEPS:-50,100,200,500,800,1000,1600,2000,3200}, ${PATCHBAY_BENCH_SECONDS:-10} s each, until a step fails; then SIPp and NIO references, the setup rate and the cold start"
PATCHBAY_BENCH_JAVA_OPTS="${JAVA_OPTS_ARR[*]} ${PATCHBAY_JAVA_OPTS:-}" java "${JAVA_OPTS_ARR[@]}" -cp "$cp" dev.patchbay.bench.LoadGenerator \
  "$ROOT" "$target/load-processes.md" "$ROOT/docs/bench" "${PATCHBAY_PROJECT_VERSION:?}" "$ROOT/docs"
bridge="${PATCHBAY_BENCH_BRIDGE_CALLS:-200}"
say "running $bridge concurrent calls in-process per gRPC bot transport: a stream per call, and AudioMux"
java "${JAVA_OPTS_ARR[@]}" -cp "$cp" dev.patchbay.bench.LoadBench "$bridge" "${PATCHBAY_BENCH_SECONDS:-10}" "$target/bridge.md" grpc,mux >/dev/null
{
  printf '# Patchbay benchmarks\n\n'
  # The headline section (the echo headline and the call set-up table) comes first, then the fixes.
  sed '/^## Machine and run/,$d' "$target/load-processes.md"
  printf '\n'
  cat "$ROOT/docs/bench/fixes.md"
  printf '\n'
  sed -n '/^## Machine and run/,$p' "$target/load-processes.md"
  printf '\n'
  sed 's/^## Concurrent echo calls, in-process (upper bound)/## gRPC bot transports in one process: a stream per call vs AudioMux/' "$target/bridge.md"
  printf '\n'
  cat "$target/microbenchmarks.md"
} >"$doc"
say "wrote $(rel "$doc") and $(rel "$ROOT/docs/bench")/*.png"
