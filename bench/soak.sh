#!/usr/bin/env bash
# soak.sh: devices -> smtp-doctor relay -> smtp-sink for a long time, with the relay killed
# (SIGKILL) and restarted on the same spool every few minutes. Checks that every message that
# got a 250 arrived at the sink (lost must be 0), counts the ones that arrived twice (a kill
# during a delivery may repeat it: delivery is at least once), and samples the relay's RSS, open
# file descriptors and threads over time, reporting the start and end of each run of the relay.
#
# Usage (root, for smtp-sink -u):  bench/soak.sh
#   DURATION=1800    seconds of load (default 30 minutes)
#   KILL_EVERY=300   seconds between kill -9 of the relay (0: never)
#   RATE=20          messages a second the devices try to send
#   THREADS=8        device connections at once
#   SIZE=4096        message body bytes
#   SAMPLE=15        seconds between samples of RSS, fds and threads
#   DRAIN=180        seconds the relay gets after the load to deliver what it holds
#   RELAY_JAVA_OPTS  (default the relay's own, $RELAY_JVM_OPTIONS in bench/procs.sh)
#   BENCH_RESULTS=FILE  where to write the report (default bench/RESULTS-soak.md; "-" = only print)
#   BENCH_KEEP_DIR=1 keep the temp dir (logs, spool, sink dumps) when the soak fails
# Nothing leaves 127.0.0.1. bench/README.md says more; bench/SOAK.md has a recorded run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
DURATION="${DURATION:-1800}"
KILL_EVERY="${KILL_EVERY:-300}"
RATE="${RATE:-20}"
THREADS="${THREADS:-8}"
SIZE="${SIZE:-4096}"
SAMPLE="${SAMPLE:-15}"
DRAIN="${DRAIN:-180}"
RESULTS="${BENCH_RESULTS:-$here/RESULTS-soak.md}"
HOST=127.0.0.1

die() { echo "soak: $*" >&2; exit 1; }
log() { echo "soak: $(date -u +%H:%M:%S) $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (smtp-sink -u nobody)"
for tool in smtp-sink java python3 ss awk; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed"
done
for v in DURATION KILL_EVERY SAMPLE DRAIN THREADS SIZE; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number"
done
[[ "$RATE" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "RATE must be a number"

# shellcheck source=bench/procs.sh
. "$here/procs.sh"
RELAY_JAVA_OPTS="${RELAY_JAVA_OPTS:-$RELAY_JVM_OPTIONS}"
jar="$(relay_jar)" || exit 1
commit="$(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$repo" && git diff --quiet HEAD -- src/main pom.xml 2>/dev/null || echo ' (with uncommitted changes)')"

dir=""
sink_pid=""
relay_pid=""
devices_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  set +e
  [ -n "$devices_pid" ] && stop_tree "$devices_pid" term 50
  [ -n "$relay_pid" ] && stop_tree "$relay_pid" term 200
  [ -n "$sink_pid" ] && stop_tree "$sink_pid" term 50
  remove_dir "$rc"
  exit "$rc"
}
on_exit cleanup

dir="$(mktemp -d /var/tmp/sdsoak-XXXXXX)"   # not /tmp: tmp cleaners must not eat the spool mid-run
chmod 0755 "$dir"
mkdir -m 1777 "$dir/sink"

# ------------------------------------------------------------------ smtp-sink: the upstream
sink_port="$(free_port)"
# -d: one file per message (its Message-ID is how arrivals are counted); -m: room for every
# delivering connection.
smtp-sink -u nobody -m 200 -d "$dir/sink/%H%M%S." "$HOST:$sink_port" 256 >"$dir/sink.out" 2>"$dir/sink.err" &
sink_pid=$!
wait_banner "$sink_port" smtp-sink
listener_is "$sink_port" "$sink_pid" || die "port $sink_port is not (only) smtp-sink's"

# ------------------------------------------------------------------ the relay
relay_port="$(free_port "$sink_port")"
bench_relay_config "$dir/relay.yaml" soak.test "$relay_port" 200 1m "$sink_port" 4

incarnation=0
relay_started=0
start_relay() {
  incarnation=$((incarnation + 1))
  # shellcheck disable=SC2086
  java $RELAY_JAVA_OPTS -jar "$jar" relay --config "$dir/relay.yaml" >>"$dir/relay-$incarnation.log" 2>&1 &
  relay_pid=$!
  relay_started=$(date +%s)
  wait_banner "$relay_port" "the relay"
  listener_is "$relay_port" "$relay_pid" || die "port $relay_port is not (only) the relay's"
}
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
threads() { awk '/^Threads:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
arrived() { find "$dir/sink" -type f | wc -l; }
accepted_count() { grep -c '^accepted ' "$dir/devices.out" 2>/dev/null || echo 0; }

samples="$dir/samples.tsv"
printf 'elapsed_s\trun\trun_age_s\trss_kb\tfds\tthreads\taccepted\tarrived\tload1\n' >"$samples"
sample() {
  pid_alive "$relay_pid" || return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(( $(date +%s) - t0 ))" "$incarnation" "$(( $(date +%s) - relay_started ))" \
    "$(rss_kb "$relay_pid")" "$(fds "$relay_pid")" "$(threads "$relay_pid")" "$(accepted_count)" "$(arrived)" \
    "$(cut -d' ' -f1 /proc/loadavg)" >>"$samples"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s)
start_relay
log "sink :$sink_port, relay :$relay_port (pid $relay_pid); $DURATION s of load at $RATE/s from $THREADS devices, kill -9 every ${KILL_EVERY}s"
python3 "$here/soak-devices.py" "$HOST" "$relay_port" "$RATE" "$THREADS" "$DURATION" "$dir/devices.out" "$SIZE" &
devices_pid=$!

kills=0
next_kill=$(( KILL_EVERY > 0 ? t0 + KILL_EVERY : 0 ))
next_sample=$(( t0 + SAMPLE ))
while pid_alive "$devices_pid"; do
  now=$(date +%s)
  if [ "$now" -ge "$next_sample" ]; then
    sample
    next_sample=$(( now + SAMPLE ))
  fi
  if [ "$next_kill" -gt 0 ] && [ "$now" -ge "$next_kill" ] && [ "$now" -lt $(( t0 + DURATION - 30 )) ]; then
    sample
    kill -KILL "$relay_pid"
    wait "$relay_pid" 2>/dev/null || true   # reaped here, so the shell does not report "Killed"
    wait_gone 100 "$relay_pid" || die "the relay survived SIGKILL"
    kills=$((kills + 1))
    log "kill -9 #$kills (run $incarnation, $((now - t0)) s in): accepted so far $(accepted_count), arrived $(arrived)"
    start_relay
    next_kill=$(( $(date +%s) + KILL_EVERY ))
  fi
  sleep 1
done
wait "$devices_pid" || die "the devices failed"
devices_pid=""

# ------------------------------------------------------------------ drain and check
ids() { grep "^$1 " "$dir/devices.out" | awk '{print $2}' | sort -n; }
ids accepted >"$dir/accepted.ids"
drain_end=$(( $(date +%s) + DRAIN ))
arrivals() { # every soak Message-ID the sink has, one per arrival
  find "$dir/sink" -type f -print0 | xargs -0 -r grep -h -a -o -i '^Message-ID: <soak-[0-9]*@soak.test>' \
    | sed -E 's/.*soak-([0-9]+)@.*/\1/' | sort -n
}
missing() { comm -23 "$dir/accepted.ids" <(arrivals | uniq); }
while [ -n "$(missing | head -1)" ] && [ "$(date +%s)" -lt "$drain_end" ]; do
  sample
  sleep 5
done
sleep "$SAMPLE"   # idle after the drain: the end figures
sample
stop_tree "$relay_pid" term 300
relay_pid=""
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

arrivals >"$dir/arrived.ids"
accepted=$(wc -l <"$dir/accepted.ids")
refused=$(grep -c '^refused ' "$dir/devices.out" || true)
broken=$(grep -c '^broken ' "$dir/devices.out" || true)
lost=$(missing | wc -l)
unique_arrived=$(uniq "$dir/arrived.ids" | wc -l)
duplicates=$(uniq -d "$dir/arrived.ids" | wc -l)
extra_copies=$(( $(wc -l <"$dir/arrived.ids") - unique_arrived ))
unacked=$(comm -13 "$dir/accepted.ids" <(uniq "$dir/arrived.ids") | wc -l)
elapsed=$(( $(date +%s) - t0 ))

# Per run of the relay: the first sample at least 30 s after its start, and its last sample.
runs="$(awk -F'\t' 'NR > 1 && $3 >= 30 && !($2 in first) {first[$2] = $0} NR > 1 {last[$2] = $0}
  END {for (r in last) { split(first[r] ? first[r] : last[r], f, "\t"); split(last[r], l, "\t");
    printf "| %s | %s s | %d / %d MB | %s / %s | %s / %s |\n", r, l[3], f[4] / 1024, l[4] / 1024, f[5], l[5], f[6], l[6] } }' \
  "$samples" | sort -t'|' -k2 -n)"
first_sample="$(awk -F'\t' 'NR > 1 && $3 >= 30 {print; exit}' "$samples")"
last_sample="$(tail -n1 "$samples")"

report() {
  echo "# Soak: devices -> relay -> sink, with kill -9"
  echo
  echo "Written by \`bench/soak.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ) ($(nproc) CPUs, $(uname -sr),"
  echo "$(java -version 2>&1 | head -n1)), commit $commit (at the start)."
  echo "DURATION=$DURATION KILL_EVERY=$KILL_EVERY RATE=$RATE THREADS=$THREADS SIZE=$SIZE SAMPLE=$SAMPLE DRAIN=$DRAIN,"
  echo "relay JVM: \`$RELAY_JAVA_OPTS\`. Load average before: $load_before; after: $load_after. Wall time ${elapsed} s."
  echo
  echo "| figure | value |"
  echo "| --- | ---: |"
  echo "| messages that got 250 | $accepted |"
  echo "| refused (4xx/5xx) | $refused |"
  echo "| connection broken before a reply (relay being killed) | $broken |"
  echo "| kill -9 of the relay | $kills |"
  echo "| **lost** (250 and never arrived) | **$lost** |"
  echo "| arrived more than once (messages / extra copies) | $duplicates / $extra_copies |"
  echo "| arrived without a 250 seen (the kill came after the spool had it) | $unacked |"
  echo
  echo "Each run of the relay: age at its last sample, then RSS, open fds and threads at its first"
  echo "sample 30 s or more after start / at its last sample (the last run's is after the drain, idle):"
  echo
  echo "| run | age | RSS | fds | threads |"
  echo "| ---: | ---: | ---: | ---: | ---: |"
  echo "$runs"
  echo
  echo "First sample (elapsed, run, age, RSS kB, fds, threads, accepted, arrived, load): \`$first_sample\`"
  echo "Last sample: \`$last_sample\`"
}
report >&2
if [ "$RESULTS" != "-" ]; then
  { report; echo; echo "Every sample:"; echo; echo '```'; cat "$samples"; echo '```'; } >"$RESULTS"
  log "wrote $RESULTS"
fi
[ "$lost" = 0 ] || die "$lost messages that got 250 never arrived (ids: $(missing | head -20 | tr '\n' ' '))"
