#!/usr/bin/env bash
# idle-connections.sh: what idle device connections cost `smtp-doctor relay` (issue 13, item 3).
# Starts a relay on 127.0.0.1 (upstream: a private smtp-sink), optionally puts traffic through
# it first (so its heap has grown as in service), then for each N in CONNS holds N idle device
# connections (bench/idle-connections.py: each reads the banner, then waits) and records the
# relay's RSS and threads; with the N connections still open, one more device sends a message,
# which must be answered 250 (the relay still serves). Writes its own section of
# bench/RESULTS.md.
#
# Usage (as root for smtp-sink -u; from anywhere):  bench/idle-connections.sh
#   CONNS="1000 5000"  idle connection counts, each held in turn by a fresh set of clients
#   WARM=2000          messages through the relay before the first count (0 = none); smtp-source
#   IDLE_EHLO=1        the idle clients send EHLO after the banner (idle sessions; default: they never speak)
#   RELAY_JAVA_OPTS    JVM options for the relay (default: the relay's own, $RELAY_JVM_OPTIONS in
#                      bench/procs.sh, as the launchers and service units start it)
#   RELAY_JAR=FILE     run this jar instead of target/smtp-doctor.jar (to compare builds)
#   JAVA=PATH          the java to run the relay with (default: java on PATH)
#   BENCH_RESULTS=FILE where to write (default bench/RESULTS.md; "-" = do not write)
#   BENCH_KEEP_DIR=1   keep the temp dir (relay.log) after a failure
#   RELAY_NMT=FILE     where the relay's RSS goes: run it with -XX:NativeMemoryTracking=summary and
#                      write into FILE, after the warm-up and with each count open, the heap's
#                      generations (jcmd GC.heap_info), the JVM's native memory summary
#                      (jcmd VM.native_memory) and /proc/PID/smaps_rollup
# Nothing leaves 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
CONNS="${CONNS:-1000 5000}"
WARM="${WARM:-2000}"
RESULTS="${BENCH_RESULTS:-$here/RESULTS.md}"
JAVA="${JAVA:-java}"
RELAY_NMT="${RELAY_NMT:-}"
IDLE_EHLO="${IDLE_EHLO:-}"
if [ -n "$IDLE_EHLO" ]; then idle_say=(ehlo); idle_what="read the banner, say EHLO, and wait"; else idle_say=(); idle_what="read the banner and wait"; fi
HOST="127.0.0.1"

die() { echo "idle-connections: $*" >&2; exit 1; }
log() { echo "idle-connections: $*" >&2; }

for tool in "$JAVA" python3 ss awk smtp-sink; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed"
done
[[ "$WARM" =~ ^[0-9]+$ ]] || die "WARM must be a number"
(( WARM == 0 )) || command -v smtp-source >/dev/null 2>&1 || die "'smtp-source' is not installed (or WARM=0)"
max=0
for n in $CONNS; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "CONNS must be positive integers"
  (( n > max )) && max="$n"
done
# The clients' sockets and the relay's, plus the JVM's own files.
ulimit -n $(( max * 2 + 1000 > 20000 ? max * 2 + 1000 : 20000 )) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(( $(ulimit -n) > max + 500 )) || die "file descriptor limit $(ulimit -n) is too low for $max connections"

# shellcheck source=bench/procs.sh
. "$here/procs.sh"
RELAY_JAVA_OPTS="${RELAY_JAVA_OPTS:-$RELAY_JVM_OPTIONS}"
jar="$(relay_jar)" || exit 1

dir=""
sink_pid=""
relay_pid=""
idle_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  set +e
  [ -n "$idle_pid" ] && stop_tree "$idle_pid" term 200
  [ -n "$relay_pid" ] && stop_tree "$relay_pid" term 300
  [ -n "$sink_pid" ] && stop_tree "$sink_pid" term 200
  if [ -n "$dir" ]; then
    if [ "$rc" != 0 ] && [ "${BENCH_KEEP_DIR:-}" = 1 ]; then log "kept $dir for inspection"; else rm -rf "$dir"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

dir="$(mktemp -d /tmp/sdidlebench-XXXXXX)"
chmod 0755 "$dir"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
status() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.0f", k / 1024 }'; }

sink_port="$(free_port)"
if [ "$(id -u)" = 0 ]; then sink_user=(-u nobody); else sink_user=(); fi
smtp-sink "${sink_user[@]}" -c -m 100 "$HOST:$sink_port" 1024 >"$dir/sink.out" 2>"$dir/sink.err" &
sink_pid=$!
wait_banner "$sink_port" smtp-sink

relay_port="$(free_port "$sink_port")"
limit=$(( max + 100 ))
# every client is 127.0.0.1: both connection limits are raised above the count
bench_relay_config "$dir/relay.yaml" lab.test "$relay_port" "$limit" 5m "$sink_port" 20
nmt_opts=()
if [ -n "$RELAY_NMT" ]; then
  nmt_opts=(-XX:NativeMemoryTracking=summary)
  : >"$RELAY_NMT"
fi
# nmt WHEN: appends the relay's native memory summary and smaps_rollup to $RELAY_NMT (if set)
nmt() {
  [ -n "$RELAY_NMT" ] || return 0
  { echo "=== $1: VmRSS $(status "$relay_pid" VmRSS) kB, $(status "$relay_pid" Threads) threads"
    local jcmd
    jcmd="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jcmd"
    "$jcmd" "$relay_pid" GC.heap_info 2>&1 | sed 1d
    "$jcmd" "$relay_pid" VM.native_memory summary scale=KB 2>&1 | sed 1d
    cat "/proc/$relay_pid/smaps_rollup"; } >>"$RELAY_NMT"
}
# shellcheck disable=SC2086
"$JAVA" $RELAY_JAVA_OPTS "${nmt_opts[@]}" -jar "$jar" relay --config "$dir/relay.yaml" >"$dir/relay.log" 2>&1 &
relay_pid=$!
wait_banner "$relay_port" "the relay"
listener_is "$relay_port" "$relay_pid" || die "port $relay_port is not (only) the relay's"
sleep 2
start_load="$(loadavg)"
start_date="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
rss_start="$(status "$relay_pid" VmRSS)"
threads_start="$(status "$relay_pid" Threads)"
log "relay :$relay_port (pid $relay_pid): RSS $(mb "$rss_start") MB, $threads_start threads after start; load $start_load"

if (( WARM > 0 )); then
  smtp-source -s 20 -m "$WARM" -l 10240 -f bench@lab.test -t someone@example.org "$HOST:$relay_port" >/dev/null 2>"$dir/source.err" \
    || die "smtp-source failed: $(head -3 "$dir/source.err")"
  [ -s "$dir/source.err" ] && die "smtp-source reported errors: $(head -3 "$dir/source.err")"
  sleep 3
fi
rss_warm="$(status "$relay_pid" VmRSS)"
log "after $WARM messages: RSS $(mb "$rss_warm") MB"
nmt "after $WARM messages"

# one_message: a whole SMTP session on a new connection; prints the reply to the final "."
one_message() {
  python3 - "$HOST" "$relay_port" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline().decode("ascii", "replace")
        if len(line) < 4 or line[3] != "-":
            return line.strip()
out = [reply()]
for cmd in [b"EHLO bench.lab.test", b"MAIL FROM:<bench@lab.test>", b"RCPT TO:<someone@example.org>", b"DATA"]:
    s.sendall(cmd + b"\r\n")
    out.append(reply())
s.sendall(b"Subject: still served\r\n\r\nheld idle connections, and one more device\r\n.\r\n")
out.append(reply())
s.sendall(b"QUIT\r\n")
print(out[-1] if all(r[:1] in "23" for r in out) else "failed: " + " | ".join(out))
PY
}

: >"$dir/rows"
for n in $CONNS; do
  l0="$(loadavg)"
  t0="$(date +%s%N)"
  coproc IDLE { exec python3 "$here/idle-connections.py" "$HOST" "$relay_port" "$n" "${idle_say[@]}" 2>"$dir/idle.err"; }
  idle_pid="$IDLE_PID"
  ready=""
  IFS= read -r -t 120 ready <&"${IDLE[0]}" || true
  [ "$ready" = "ready $n" ] || die "$n idle connections: '$ready' $(cat "$dir/idle.err")"
  t1="$(date +%s%N)"
  sleep 5
  rss="$(status "$relay_pid" VmRSS)"
  threads="$(status "$relay_pid" Threads)"
  fds="$(find "/proc/$relay_pid/fd" -mindepth 1 -maxdepth 1 | wc -l)"
  nmt "$n idle connections"
  served="$(one_message)"
  [[ "$served" == 250* ]] || die "with $n idle connections, a new device's message: $served"
  eval "exec ${IDLE[1]}>&-"
  wait_gone 300 "$idle_pid" || stop_tree "$idle_pid" term 200
  idle_pid=""
  refused="$(grep -c 'connection.refused' "$dir/relay.log" || true)"
  (( refused == 0 )) || die "the relay refused $refused connections: $(grep -m1 'connection.refused' "$dir/relay.log")"
  l1="$(loadavg)"
  echo "$n $(mb "$rss") $threads $fds $(( (t1 - t0) / 1000000 )) ${l0// /,} ${l1// /,}" >>"$dir/rows"
  log "$n idle connections: RSS $(mb "$rss") MB, $threads threads, $fds fds; opened in $(( (t1 - t0) / 1000000 )) ms; a new device still served ($served); load $l0 -> $l1"
  sleep 3   # the relay notices the closed connections
done
end_load="$(loadavg)"
errors="$(grep -ciE '"level":"error"|\bERROR\b|OutOfMemoryError|Exception in thread' "$dir/relay.log" || true)"
(( errors == 0 )) || die "the relay logged $errors errors: $(grep -m3 -iE '"level":"error"|\bERROR\b|OutOfMemoryError|Exception in thread' "$dir/relay.log")"
java_version="$("$JAVA" -version 2>&1 | head -1)"

[ "$RESULTS" = "-" ] && exit 0
section="$dir/section"
{
  echo "<!-- idle-connections.sh: begin (this section is rewritten by bench/idle-connections.sh) -->"
  echo "# smtp-doctor relay: idle device connections"
  echo
  echo "Written by \`bench/idle-connections.sh\` (see bench/README.md). A relay with a plain listener"
  echo "on 127.0.0.1 (both connection limits raised to $limit, idle timeout 5 min) first relays $WARM"
  echo "10 KB messages to an smtp-sink (20 sessions, so its heap has grown as in service); then"
  echo "\`bench/idle-connections.py\` opens N connections that each $idle_what. With them"
  echo "open, RSS (VmRSS), threads and file descriptors are read from /proc, and one more device sends"
  echo "a message, which must get its 250. Any refused connection or error fails the run."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $start_date |"
  echo "| machine | $(nproc) CPUs, shared with other people's builds |"
  echo "| load average | $start_load at the start, $end_load at the end (per count below) |"
  echo "| java | $java_version |"
  echo "| relay JVM options | \`$RELAY_JAVA_OPTS\` |"
  [ -n "${RELAY_JAR:-}" ] && echo "| relay jar | $RELAY_JAR |"
  echo "| relay RSS | $(mb "$rss_start") MB after start ($threads_start threads), $(mb "$rss_warm") MB after $WARM messages |"
  echo
  echo "| idle connections | **RSS MB** | threads | fds | all open after ms | new device served | load before\\|after |"
  echo "|---:|---:|---:|---:|---:|---|---|"
  awk '{ gsub(",", " ", $6); gsub(",", " ", $7); printf "| %s | **%s** | %s | %s | %s | 250 | %s \\| %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$dir/rows"
  echo
  echo "Target (issue 13): 1,000 idle connections in at most 128 MB RSS; 5,000 held without errors."
  echo
  echo '```'
  echo "CONNS=\"$CONNS\" WARM=$WARM${IDLE_EHLO:+ IDLE_EHLO=1} bench/idle-connections.sh"
  echo "$JAVA $RELAY_JAVA_OPTS -jar target/smtp-doctor.jar relay --config relay.yaml"
  echo "python3 bench/idle-connections.py 127.0.0.1 RELAYPORT N${IDLE_EHLO:+ ehlo}; grep -E 'VmRSS|Threads' /proc/RELAYPID/status"
  echo '```'
  echo "<!-- idle-connections.sh: end -->"
} >"$section"
if [ -f "$RESULTS" ] && grep -q '^<!-- idle-connections.sh: begin' "$RESULTS"; then
  awk -v sec="$section" '
    /^<!-- idle-connections.sh: begin/ { while ((getline l < sec) > 0) print l; skip = 1; next }
    /^<!-- idle-connections.sh: end -->/ { skip = 0; next }
    !skip { print }' "$RESULTS" >"$RESULTS.tmp.$$"
else
  { [ -f "$RESULTS" ] && cat "$RESULTS" && echo; cat "$section"; } >"$RESULTS.tmp.$$"
fi
mv "$RESULTS.tmp.$$" "$RESULTS"
log "wrote $RESULTS"
