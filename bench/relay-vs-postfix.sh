#!/usr/bin/env bash
# relay-vs-postfix.sh: throughput of `smtp-doctor relay` against a private Postfix set up as a
# relay, both fed by Postfix's smtp-source on 127.0.0.1 and both delivering to the same
# smtp-sink. Both keep a durable queue (every message fsync'd before its 250). Also the relay's
# RSS idle and with 1,000 idle device connections. Prints the figures and writes them into
# bench/RESULTS.md (its own section; the check-vs-swaks section is left alone).
#
# Usage (as root, from anywhere):  bench/relay-vs-postfix.sh
#   COUNT=20000        messages per run at 20 and 100 sessions
#   COUNT_1=COUNT/10   messages per run at 1 session (one session is slow: ~1/10 of the time)
#   SESSIONS="1 20 100"  the smtp-source session counts to run
#   SIZE=10240         message size in bytes (smtp-source -l)
#   ROUNDS=1           repeat everything; medians are reported
#   IDLE_CONNS=1000    idle device connections for the RSS figure (0 = skip)
#   RELAY_JAVA_OPTS    JVM options for the relay (default: the relay's own, $RELAY_JVM_OPTIONS in bench/procs.sh)
#   RELAY_JAR=FILE     run this jar instead of target/smtp-doctor.jar (to compare builds)
#   BENCH_RESULTS=FILE where to write (default bench/RESULTS.md; "-" = do not write)
#   BENCH_KEEP_DIR=1   keep the temp dir (logs, spool, maillog) after a failure
#   RELAY_JFR=FILE     record the relay with Java Flight Recorder (settings=profile) into FILE
# Nothing leaves 127.0.0.1: Postfix and the relay relay only to the smtp-sink.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
COUNT="${COUNT:-20000}"
COUNT_1="${COUNT_1:-$(( COUNT / 10 > 0 ? COUNT / 10 : 1 ))}"
SESSIONS="${SESSIONS:-1 20 100}"
SIZE="${SIZE:-10240}"
ROUNDS="${ROUNDS:-1}"
IDLE_CONNS="${IDLE_CONNS:-1000}"
RESULTS="${BENCH_RESULTS:-$here/RESULTS.md}"
FROM="bench@lab.test"
RCPT="someone@example.org"
HOST="127.0.0.1"
HOSTNAME_="lab.test"

die() { echo "relay-vs-postfix: $*" >&2; exit 1; }
log() { echo "relay-vs-postfix: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (postfix -c DIR start, smtp-sink -u)"
for tool in postfix postconf smtp-source smtp-sink java python3 ss awk; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed"
done
for v in COUNT COUNT_1 SIZE ROUNDS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer"
done
[[ "$IDLE_CONNS" =~ ^[0-9]+$ ]] || die "IDLE_CONNS must be a number"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# shellcheck source=bench/procs.sh
. "$(dirname "$0")/procs.sh"
# The relay's own options (bench/procs.sh, the same as the launchers and service units; why: bench/README.md).
RELAY_JAVA_OPTS="${RELAY_JAVA_OPTS:-$RELAY_JVM_OPTIONS}"
jar="$(relay_jar)" || exit 1

# ------------------------------------------------------------------ cleanup
dir=""
postfix_master=""
sink_pid=""
relay_pid=""
idle_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  set +e
  [ -n "$idle_pid" ] && stop_tree "$idle_pid" term 200
  [ -n "$relay_pid" ] && stop_tree "$relay_pid" term 200
  if [ -n "$dir" ]; then
    [ -z "$postfix_master" ] && [ -f "$dir/queue/pid/master.pid" ] && postfix_master="$(awk '{print $1; exit}' "$dir/queue/pid/master.pid")"
    [ -n "$postfix_master" ] && stop_tree "$postfix_master" postfix 200
  fi
  [ -n "$sink_pid" ] && stop_tree "$sink_pid" term 200
  remove_dir "$rc"
  exit "$rc"
}
on_exit cleanup

dir="$(mktemp -d /tmp/sdrelaybench-XXXXXX)"
chmod 0755 "$dir"

now_ns() { date +%s%N; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
clk_tck="$(getconf CLK_TCK)"
cpu_ticks() { # user + system CPU of PID so far, in clock ticks (/proc/PID/stat fields 14 and 15)
  sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# ------------------------------------------------------------------ smtp-sink (the upstream of both)
sink_port="$(free_port)"
# -c: running counters on stdout ("sess=N quit=N mesg=N", updated at every "." received):
# the cheapest reliable count (no file per message). -m: room for every delivering connection.
smtp-sink -u nobody -c -m 1000 "$HOST:$sink_port" 1024 >"$dir/sink.out" 2>"$dir/sink.err" &
sink_pid=$!
wait_banner "$sink_port" smtp-sink
listener_is "$sink_port" "$sink_pid" || die "port $sink_port is not (only) smtp-sink's"
sink_count() { # messages the sink has received so far ("." seen)
  tail -c 400 "$dir/sink.out" 2>/dev/null | tr '\r' '\n' | awk -F'mesg=' 'NF > 1 { v = $2 + 0; if (v > n) n = v } END { print n + 0 }'
}

# ------------------------------------------------------------------ private Postfix, as a relay
mkdir -p "$dir/etc" "$dir/queue/pid" "$dir/data"
chmod 0755 "$dir/queue"
for d in active bounce corrupt defer deferred flush hold incoming private saved trace; do
  install -d -o postfix -m 0700 "$dir/queue/$d"
done
install -d -o postfix -g postdrop -m 0730 "$dir/queue/maildrop"
install -d -o postfix -g postdrop -m 0710 "$dir/queue/public"
chown postfix "$dir/data"; chmod 0700 "$dir/data"

postfix_port="$(free_port "$sink_port")"
cat >"$dir/etc/main.cf" <<EOF
# private Postfix for relay-vs-postfix.sh: accepts from 127.0.0.0/8, relays everything to the sink.
# Everything not set here is Postfix's default: the queue file is fsync'd before the 250,
# in_flow_delay = 1s, 20 connections to the relayhost (default_destination_concurrency_limit).
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = $HOSTNAME_
mydomain = $HOSTNAME_
myorigin = $HOSTNAME_
smtpd_banner = \$myhostname ESMTP
inet_interfaces = loopback-only
inet_protocols = ipv4
mydestination =
relay_domains =
mynetworks = 127.0.0.0/8
relayhost = [$HOST]:$sink_port
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions =
local_recipient_maps =
alias_maps =
alias_database =
biff = no
smtpd_peername_lookup = no
EOF
cat >"$dir/etc/master.cf" <<EOF
# service type private unpriv chroot wakeup maxproc command
$HOST:$postfix_port inet n - n - - smtpd
pickup     unix  n - n 60    1 pickup
cleanup    unix  n - n -     0 cleanup
qmgr       unix  n - n 300   1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n -     - trivial-rewrite
bounce     unix  - - n -     0 bounce
defer      unix  - - n -     0 bounce
trace      unix  - - n -     0 bounce
verify     unix  - - n -     1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -     - proxymap
proxywrite unix  - - n -     1 proxymap
smtp       unix  - - n -     - smtp
relay      unix  - - n -     - smtp
showq      unix  n - n -     - showq
error      unix  - - n -     - error
retry      unix  - - n -     - error
discard    unix  - - n -     - discard
anvil      unix  - - n -     1 anvil
scache     unix  - - n -     1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
touch -d '-10 seconds' "$dir/etc/main.cf" "$dir/etc/master.cf"   # Postfix waits ~1.5 s after a fresh edit
: >"$dir/queue/quick-start"
postfix -c "$dir/etc" start >/dev/null 2>&1 || die "postfix -c $dir/etc start failed: $(tail -5 "$dir/maillog" 2>/dev/null)"
postfix_master="$(awk '{print $1; exit}' "$dir/queue/pid/master.pid")"
wait_banner "$postfix_port" Postfix
listener_is "$postfix_port" "$postfix_master" || die "port $postfix_port is not (only) our Postfix's"

# ------------------------------------------------------------------ the relay
relay_port="$(free_port "$sink_port" "$postfix_port")"
conn_limit=$(( IDLE_CONNS + 200 > 1200 ? IDLE_CONNS + 200 : 1200 ))
# 20 delivery connections, like Postfix's default_destination_concurrency_limit
bench_relay_config "$dir/relay.yaml" "$HOSTNAME_" "$relay_port" "$conn_limit" 5m "$sink_port" 20
jfr_opt=""
[ -n "${RELAY_JFR:-}" ] && jfr_opt="-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$RELAY_JFR"
# shellcheck disable=SC2086
java $RELAY_JAVA_OPTS $jfr_opt -jar "$jar" relay --config "$dir/relay.yaml" >"$dir/relay.log" 2>&1 &
relay_pid=$!
wait_banner "$relay_port" "the relay"
listener_is "$relay_port" "$relay_pid" || die "port $relay_port is not (only) the relay's"
sleep 2
rss_idle_start="$(rss_kb "$relay_pid")"
log "sink :$sink_port, Postfix :$postfix_port (master $postfix_master), relay :$relay_port (pid $relay_pid, RSS ${rss_idle_start} kB idle)"

# ------------------------------------------------------------------ runs
# run_one NAME PORT SESSIONS COUNT -> "accepted_per_s e2e_per_s accept_ms e2e_ms load_before load_after"
run_one() {
  local name="$1" port="$2" s="$3" n="$4" base t0 t1 t2 got last_change last_got deadline err
  base="$(sink_count)"
  err="$dir/source.$name.$s.err"
  local l0; l0="$(loadavg)"
  local c0=0 c1=0
  [ "$name" = relay ] && c0="$(cpu_ticks "$relay_pid")"
  t0="$(now_ns)"
  smtp-source -s "$s" -m "$n" -l "$SIZE" -f "$FROM" -t "$RCPT" "$HOST:$port" >/dev/null 2>"$err" \
    || die "smtp-source against $name failed: $(head -3 "$err")"
  t1="$(now_ns)"
  [ -s "$err" ] && die "smtp-source against $name reported errors: $(head -3 "$err")"
  # until the sink has them all; fail if nothing arrives for 60 s
  last_got="$base"; last_change="$t1"
  while :; do
    got="$(sink_count)"
    (( got - base >= n )) && break
    if (( got != last_got )); then last_got="$got"; last_change="$(now_ns)"; fi
    (( $(now_ns) - last_change > 60000000000 )) && die "$name, $s sessions: the sink has $((got - base)) of $n messages after 60 s without progress"
    sleep 0.02
  done
  t2="$(now_ns)"
  [ "$name" = relay ] && c1="$(cpu_ticks "$relay_pid")"
  sleep 0.5
  got="$(sink_count)"
  (( got - base == n )) || die "$name, $s sessions: the sink received $((got - base)) messages, expected $n (duplicates?)"
  # The relay's CPU (user+sys) from the start of smtp-source until the sink has them all:
  # accept and delivery of these messages, per message. "-" for the others.
  awk -v n="$n" -v a="$((t1 - t0))" -v e="$((t2 - t0))" -v l0="$l0" -v l1="$(loadavg)" -v c="$((c1 - c0))" -v hz="$clk_tck" -v who="$name" \
    'BEGIN { printf "%.1f %.1f %d %d %s|%s %s\n", n / (a / 1e9), n / (e / 1e9), a / 1e6, e / 1e6, l0, l1, who == "relay" ? sprintf("%.0f", c / hz * 1e6 / n) : "-" }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

machine="$(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/^MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, $(df -T "$dir" | awk 'NR == 2 {print $2}') on $(df "$dir" | awk 'NR == 2 {print $1}')"
java_version="$(java -version 2>&1 | head -1)"
start_load="$(loadavg)"
start_date="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
log "machine: $machine; load $start_load"

# Warm-up: the JIT of both sides and the caches (not counted).
warm=$(( COUNT / 10 < 2000 ? COUNT / 10 : 2000 )); (( warm < 100 )) && warm=100
log "warm-up: $warm messages through each"
run_one sink "$sink_port" 20 "$warm" >/dev/null
run_one relay "$relay_port" 20 "$warm" >/dev/null
run_one postfix "$postfix_port" 20 "$warm" >/dev/null

: >"$dir/runs"
for round in $(seq "$ROUNDS"); do
  for s in $SESSIONS; do
    n="$COUNT"; [ "$s" = 1 ] && n="$COUNT_1"
    for who in sink relay postfix; do
      [ "$who" = sink ] && [ "$s" != 20 ] && continue   # the sink alone: its capacity at 20 sessions
      case "$who" in sink) p="$sink_port" ;; relay) p="$relay_port" ;; postfix) p="$postfix_port" ;; esac
      r="$(run_one "$who" "$p" "$s" "$n")"
      echo "$round $who $s $n $r" >>"$dir/runs"
      log "round $round: $who, $s sessions, $n messages: $(awk '{printf "accepted %s/s, end to end %s/s (%s ms, %s ms), load %s %s %s, relay CPU %s us/message", $1, $2, $3, $4, $5, $6, $7, $NF}' <<<"$r")"
    done
  done
done
rss_idle_after="$(rss_kb "$relay_pid")"

rss_conns=""
if (( IDLE_CONNS > 0 )); then
  sleep 1
  coproc IDLE { exec python3 "$here/idle-connections.py" "$HOST" "$relay_port" "$IDLE_CONNS" 2>"$dir/idle.err"; }
  idle_pid="$IDLE_PID"
  ready=""
  IFS= read -r -t 120 ready <&"${IDLE[0]}" || true
  [ "$ready" = "ready $IDLE_CONNS" ] || die "idle connections: '$ready' $(cat "$dir/idle.err")"
  sleep 3
  rss_conns="$(rss_kb "$relay_pid")"
  threads_conns="$(awk '/^Threads:/ {print $2}' "/proc/$relay_pid/status")"
  eval "exec ${IDLE[1]}>&-"
  wait_gone 100 "$idle_pid" || stop_tree "$idle_pid" term 200
  idle_pid=""
  log "relay RSS with $IDLE_CONNS idle connections: $rss_conns kB ($threads_conns threads)"
fi
end_load="$(loadavg)"

# ------------------------------------------------------------------ report
fig() { # fig WHO SESSIONS FIELD(1 accepted, 2 e2e) -> median
  awk -v w="$1" -v s="$2" -v f="$3" '$2 == w && $3 == s { print $(4 + f) }' "$dir/runs" | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "-") printf "%.2f", a / b; else print "-" }'; }
mb() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.0f MB", k / 1024 }'; }
table="$dir/table"
{
  echo "| sessions | messages | relay accepted/s | Postfix accepted/s | **ratio** | relay end-to-end/s | Postfix end-to-end/s | **ratio** | relay CPU µs/message |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for s in $SESSIONS; do
    n="$COUNT"; [ "$s" = 1 ] && n="$COUNT_1"
    ra="$(fig relay "$s" 1)"; pa="$(fig postfix "$s" 1)"; re="$(fig relay "$s" 2)"; pe="$(fig postfix "$s" 2)"
    rc="$(awk -v s="$s" '$2 == "relay" && $3 == s { print $NF }' "$dir/runs" | median)"
    echo "| $s | $n | $ra | $pa | **$(ratio "$ra" "$pa")** | $re | $pe | **$(ratio "$re" "$pe")** | $rc |"
  done
} >"$table"
cat "$table" >&2
sink_alone="$(fig sink 20 1)"
log "smtp-sink alone (smtp-source straight to it, 20 sessions): $sink_alone messages/s"
log "relay RSS: $(mb "$rss_idle_start") idle after start, $(mb "$rss_idle_after") idle after the runs, $(mb "$rss_conns") with $IDLE_CONNS idle connections"

[ "$RESULTS" = "-" ] && exit 0
section="$dir/section"
{
  echo "<!-- relay-vs-postfix.sh: begin (this section is rewritten by bench/relay-vs-postfix.sh) -->"
  echo "# smtp-doctor relay vs Postfix as a relay: throughput and memory"
  echo
  echo "Written by \`bench/relay-vs-postfix.sh\` (see bench/README.md). Postfix's \`smtp-source\` sends"
  echo "${SIZE}-byte messages (one TCP connection per message, one recipient) on 127.0.0.1 to (a) \`smtp-doctor"
  echo "relay\` and (b) a private Postfix $(postconf -d -h mail_version) set up as a relay"
  echo "(\`relayhost = [127.0.0.1]:SINK\`, \`mynetworks = 127.0.0.0/8\`, otherwise defaults); both deliver to the same"
  echo "\`smtp-sink\`. Both queue durably: every message is fsync'd before its 250 (the relay's spool:"
  echo "file fsync, rename, group-committed directory fsync; Postfix's cleanup: fsync of the queue file)."
  echo "*Accepted/s* = messages / wall time of smtp-source; *end-to-end/s* = messages / time from the"
  echo "start of smtp-source until the sink has counted them all. Each figure is the median of $ROUNDS"
  echo "round(s), after a warm-up of $warm messages through each; all figures are from the same run."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $start_date |"
  echo "| machine | $machine |"
  echo "| load average | $start_load at the start, $end_load at the end (per run below) |"
  echo "| java | $java_version |"
  echo "| relay JVM options | \`$RELAY_JAVA_OPTS\` |"
  [ -n "${RELAY_JAR:-}" ] && echo "| relay jar | $RELAY_JAR |"
  echo "| relay settings | plain listener, 20 delivery connections (\`pacing.connections\`), pacing raised out of the way |"
  echo "| smtp-sink alone | $sink_alone messages/s at 20 sessions (smtp-source straight to it): the sink is not the limit |"
  echo
  cat "$table"
  echo
  echo "Relay RSS (VmRSS): **$(mb "$rss_idle_start")** idle after start, $(mb "$rss_idle_after") idle after the runs,"
  echo "**$(mb "$rss_conns")** with $IDLE_CONNS idle device connections (each read the banner, then idles;${threads_conns:+ $threads_conns threads})."
  echo
  echo "Targets (issue 13): at 20 sessions accepted ratio >= 1.5 and end-to-end ratio >= 2; at 100 sessions the relay no slower than at 20; RSS <= 128 MB with 1,000 idle connections (bench/idle-connections.sh, after fewer messages)."
  echo
  echo "*Relay CPU* = the relay process's user+system CPU (\`/proc/PID/stat\`) from the start of smtp-source until"
  echo "the sink has every message, divided by the messages: accept and delivery together."
  echo
  echo "Every run (round, system, sessions, messages, accepted/s, end-to-end/s, smtp-source ms, until-sink ms, load before|after, relay CPU µs/message):"
  echo
  echo '```'
  cat "$dir/runs"
  echo '```'
  echo
  echo "Commands (ports vary per run):"
  echo
  echo '```'
  echo "sudo COUNT=$COUNT ROUNDS=$ROUNDS bench/relay-vs-postfix.sh"
  echo "smtp-sink -u nobody -c -m 1000 127.0.0.1:SINK 1024"
  echo "java $RELAY_JAVA_OPTS -jar target/smtp-doctor.jar relay --config relay.yaml   # listener, devices, upstream smtp://127.0.0.1:SINK, pacing.connections 20"
  echo "postfix -c DIR start                                                      # relayhost = [127.0.0.1]:SINK, mynetworks = 127.0.0.0/8"
  for s in $SESSIONS; do
    n="$COUNT"; [ "$s" = 1 ] && n="$COUNT_1"
    echo "smtp-source -s $s -m $n -l $SIZE -f $FROM -t $RCPT 127.0.0.1:PORT"
  done
  echo "python3 bench/idle-connections.py 127.0.0.1 RELAYPORT $IDLE_CONNS; grep VmRSS /proc/RELAYPID/status"
  echo '```'
  echo "<!-- relay-vs-postfix.sh: end -->"
} >"$section"
if [ -f "$RESULTS" ] && grep -q '^<!-- relay-vs-postfix.sh: begin' "$RESULTS"; then
  awk -v sec="$section" '
    /^<!-- relay-vs-postfix.sh: begin/ { while ((getline l < sec) > 0) print l; skip = 1; next }
    /^<!-- relay-vs-postfix.sh: end -->/ { skip = 0; next }
    !skip { print }' "$RESULTS" >"$RESULTS.tmp.$$"
else
  { [ -f "$RESULTS" ] && cat "$RESULTS" && echo; cat "$section"; } >"$RESULTS.tmp.$$"
fi
mv "$RESULTS.tmp.$$" "$RESULTS"
log "wrote $RESULTS"
