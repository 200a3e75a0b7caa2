#!/usr/bin/env bash
# fuzz.sh: the long fuzzing run. Each fuzz target (every *FuzzTest class) is fuzzed by Jazzer in
# a JVM of its own for RUNS executions, with a 1 s limit per input and 512 MB of heap, and the
# figures (executions, seconds, executions/s, findings, load average before and after) go into
# bench/RESULTS-fuzz.md. Findings are written by Jazzer beside the seeds
# (src/test/resources/.../<Class>Inputs/<method>/crash-*, timeout-*) and make the run fail.
#
# Usage (from anywhere):  bench/fuzz.sh [TARGET...]      (default: every *FuzzTest class)
#   RUNS=1000000        executions per target (0: until MAX_TIME)
#   INPUT_TIMEOUT=1     seconds an input may take before it counts as a hang
#   MAX_TIME=0          seconds per target at most (0: until RUNS)
#   BENCH_LOCK=/work/bench.lock  each target runs under flock of this file, so that long,
#                       measurement-heavy runs of different people on a shared machine take turns
#   BENCH_RESULTS=FILE  where to write (default bench/RESULTS-fuzz.md; "-" = do not write)
# bench/FUZZING.md says more.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
RUNS="${RUNS:-1000000}"
INPUT_TIMEOUT="${INPUT_TIMEOUT:-1}"
MAX_TIME="${MAX_TIME:-0}"
LOCK="${BENCH_LOCK:-/work/bench.lock}"
RESULTS="${BENCH_RESULTS:-$here/RESULTS-fuzz.md}"

die() { echo "fuzz: $*" >&2; exit 1; }
for v in RUNS INPUT_TIMEOUT MAX_TIME; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number"
done
command -v mvn >/dev/null || die "mvn is not installed"
command -v flock >/dev/null || die "flock is not installed (util-linux)"
touch "$LOCK" 2>/dev/null || die "cannot create the lock file $LOCK (set BENCH_LOCK)"

cd "$repo"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(find src/test/java -name '*FuzzTest.java' -printf '%f\n' | sed 's/\.java$//' | sort)
fi
[ ${#targets[@]} -gt 0 ] || die "no fuzz targets found"

logs="$(mktemp -d /var/tmp/smtp-doctor-fuzz.XXXXXX)"   # not /tmp: tmp cleaners must not take the logs mid-run
echo "fuzz: ${#targets[@]} targets, $RUNS runs each, logs in $logs" >&2
mvn -B -q -o test-compile >/dev/null 2>&1 || mvn -B -q test-compile >/dev/null

rows=()
failed=0
for t in "${targets[@]}"; do
  log="$logs/$t.log"
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s)
  status=ok
  # -DskipTests skips the default (regression) execution; the fuzz execution sets skipTests=false and runs this target.
  if ! flock "$LOCK" mvn -B -o test -Pfuzz -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dfuzz.runs="$([ "$RUNS" = 0 ] && echo -1 || echo "$RUNS")" -Dfuzz.time="$MAX_TIME" -Dfuzz.input-timeout="$INPUT_TIMEOUT" \
      -DskipTests >"$log" 2>&1; then
    status=FAILED
    failed=1
  fi
  end=$(date +%s)
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  done_line="$(grep -a -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n1 || true)"
  execs="$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/' <<<"$done_line")"
  secs="$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/' <<<"$done_line")"
  if [ -z "$execs" ]; then # no "Done" line: a finding (or a kill) ended it; the last progress line has the count
    execs="$(grep -a -E '^#[0-9]+' "$log" | tail -n1 | sed -E 's/^#([0-9]+).*/\1/' || true)"
    execs="${execs:-0}"
    secs=$((end - start))
  fi
  rate=$(( secs > 0 ? execs / secs : execs ))
  findings="$(grep -a -c 'Test unit written to' "$log" || true)"
  cov="$(grep -a -E '^#[0-9]+.*cov: ' "$log" | tail -n1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+).*/\1 edges, \3 inputs/' || true)"
  echo "fuzz: $t: $status, $execs executions in ${secs}s ($rate/s), findings $findings, coverage ${cov:-?}, load $load_before -> $load_after" >&2
  rows+=("| $t | $execs | $secs | $rate | $findings | ${cov:-?} | $load_before | $load_after | $status |")
done

if [ "$RESULTS" != "-" ]; then
  {
    echo "# Fuzzing: the long run"
    echo
    echo "Written by \`bench/fuzz.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ) ($(nproc) CPUs, $(uname -sr),"
    echo "$(java -version 2>&1 | head -n1)), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
    echo "RUNS=$RUNS, INPUT_TIMEOUT=${INPUT_TIMEOUT}s (an input slower than that is a finding), 512 MB heap"
    echo "(running out is a finding), each target under \`flock $LOCK\`. Load average: 1, 5 and 15"
    echo "minutes, before and after each target (the machine is shared; 2 CPUs)."
    echo
    echo "| target | executions | seconds | per second | findings | coverage | load before | load after | result |"
    echo "| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
  } >"$RESULTS"
  echo "fuzz: wrote $RESULTS" >&2
fi
exit $failed
