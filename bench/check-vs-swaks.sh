#!/usr/bin/env bash
# check-vs-swaks.sh: wall time of `smtp-doctor check` (through RCPT TO) against the equivalent
# `swaks --quit-after RCPT --tls --auth`, both talking to the same private Postfix + Dovecot on
# 127.0.0.1, and of `smtp-doctor check --lab oauth-healthy` (the lab and its Entra started in the
# same process). Prints the medians and the ratio smtp-doctor/swaks, the runnable jar's size,
# and writes bench/RESULTS.md.
#
# Usage (as root, from anywhere):  bench/check-vs-swaks.sh [--serve]
#   RUNS=10            timed runs per command (after one untimed warm-up each)
#   BENCH_KEEP_JSA=1   keep an existing target/smtp-doctor.jsa or .aot (default: delete it so that the
#                      warm-up `check` creates the CDS archive from the path being measured)
#   BENCH_RESULTS=FILE where to write the results (default: bench/RESULTS.md; "-" = do not write)
#   --serve            only start the private Postfix, print how to reach it, and wait (Ctrl-C
#                      stops and cleans up): for experiments by hand.
# Nothing leaves 127.0.0.1: Postfix has no delivery service except `discard`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
RUNS="${RUNS:-10}"
RESULTS="${BENCH_RESULTS:-$here/RESULTS.md}"
SERVE=0
[ "${1:-}" = "--serve" ] && SERVE=1

BENCH_USER="bench@lab.test"
BENCH_PASSWORD="Bench-Secret-$$-$RANDOM"
RCPT="someone@example.org"
HOSTNAME_="lab.test"
HOST="127.0.0.1"

die() { echo "check-vs-swaks: $*" >&2; exit 1; }
log() { echo "check-vs-swaks: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (postfix -c DIR start)"
for tool in postfix postconf dovecot openssl swaks java ss awk; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed"
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"

# ------------------------------------------------------------------ cleanup
dir=""
postfix_master=""
dovecot_master=""

# shellcheck source=bench/procs.sh
. "$(dirname "$0")/procs.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  set +e
  if [ -n "$dir" ]; then
    [ -z "$postfix_master" ] && [ -f "$dir/queue/pid/master.pid" ] && postfix_master="$(awk '{print $1; exit}' "$dir/queue/pid/master.pid")"
    [ -z "$dovecot_master" ] && [ -f "$dir/dovecot/run/master.pid" ] && dovecot_master="$(awk '{print $1; exit}' "$dir/dovecot/run/master.pid")"
    [ -n "$postfix_master" ] && stop_tree "$postfix_master" postfix
    [ -n "$dovecot_master" ] && stop_tree "$dovecot_master" term
    if [ "$rc" != 0 ] && [ "${BENCH_KEEP_DIR:-}" = 1 ]; then
      log "kept $dir for inspection"
    else
      rm -rf "$dir"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ------------------------------------------------------------------ private Postfix + Dovecot
# Same recipe as src/test/java/org/smtpdoctor/peers/PostfixPeer.java.
dir="$(mktemp -d /tmp/sdbench-XXXXXX)"      # short: Dovecot's unix sockets live below it
chmod 0755 "$dir"                            # Postfix (user postfix) reaches the auth socket
mkdir -p "$dir/etc" "$dir/tls" "$dir/queue/pid" "$dir/data" "$dir/dovecot/run" "$dir/dovecot/state"
chmod 0755 "$dir/queue"
for d in active bounce corrupt defer deferred flush hold incoming private saved trace; do
  install -d -o postfix -m 0700 "$dir/queue/$d"
done
install -d -o postfix -g postdrop -m 0730 "$dir/queue/maildrop"
install -d -o postfix -g postdrop -m 0710 "$dir/queue/public"
chown postfix "$dir/data"; chmod 0700 "$dir/data"

cert="$dir/tls/cert.pem"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/tls/key.pem" -out "$cert" >/dev/null 2>&1 || die "openssl req failed"
chmod 0644 "$cert"; chmod 0600 "$dir/tls/key.pem"

auth_socket="$dir/queue/private/auth"
printf '%s:{PLAIN}%s\n' "$BENCH_USER" "$BENCH_PASSWORD" >"$dir/dovecot/users"
chmod 0644 "$dir/dovecot/users"
cat >"$dir/dovecot/dovecot.conf" <<EOF
# private Dovecot for check-vs-swaks.sh: SASL for Postfix only, no IMAP/POP3
protocols =
instance_name = $(basename "$dir")
base_dir = $dir/dovecot/run
state_dir = $dir/dovecot/state
log_path = $dir/dovecot/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/dovecot/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener $auth_socket {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
dovecot -c "$dir/dovecot/dovecot.conf" || die "dovecot failed to start (see $dir/dovecot/dovecot.log)"
for _ in $(seq 250); do
  [ -f "$dir/dovecot/run/master.pid" ] && [ -S "$auth_socket" ] && break
  sleep 0.02
done
dovecot_master="$(awk '{print $1; exit}' "$dir/dovecot/run/master.pid" 2>/dev/null || true)"
[ -n "$dovecot_master" ] && [ -S "$auth_socket" ] || die "dovecot did not start: $(tail -5 "$dir/dovecot/dovecot.log" 2>/dev/null)"

port_free() { [ -z "$(ss -Htln "sport = :$1" 2>/dev/null)" ]; }

write_postfix_config() {
  cat >"$dir/etc/main.cf" <<EOF
# private Postfix for check-vs-swaks.sh
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
mynetworks =
local_recipient_maps =
alias_maps =
alias_database =
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =
default_transport = discard:
relay_transport = discard:
local_transport = discard:
virtual_transport = discard:
biff = no
smtpd_peername_lookup = no
# Every session here stops after RCPT TO, so no message is ever queued and the queue manager
# never hands flow-control tokens back: after a few dozen sessions each RCPT TO would wait
# in_flow_delay (1 s) for a queue file. Seen as swaks going from 0.15 s to 1.15 s mid-run.
in_flow_delay = 0
smtpd_tls_security_level = may
smtpd_tls_cert_file = $cert
smtpd_tls_key_file = $dir/tls/key.pem
smtpd_tls_loglevel = 1
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $auth_socket
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
EOF
  cat >"$dir/etc/master.cf" <<EOF
# service type private unpriv chroot wakeup maxproc command (nothing can deliver anywhere)
$HOST:$port inet n - n - - smtpd
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
showq      unix  n - n -     - showq
error      unix  - - n -     - error
retry      unix  - - n -     - error
discard    unix  - - n -     - discard
anvil      unix  - - n -     1 anvil
scache     unix  - - n -     1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
  # Postfix sleeps ~1.5 s when main.cf changed within the last second: backdate the files.
  touch -d '-10 seconds' "$dir/etc/main.cf" "$dir/etc/master.cf"
  : >"$dir/queue/quick-start"   # skip postfix-script's check-fatal/check-warn (~2 s)
}

port=""
for attempt in 1 2 3 4 5; do
  candidate=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
  port_free "$candidate" || continue
  port="$candidate"
  write_postfix_config
  if ! postfix -c "$dir/etc" start >/dev/null 2>&1; then
    if grep -q "port $port: Address already in use" "$dir/maillog" 2>/dev/null; then port=""; continue; fi
    die "postfix -c $dir/etc start failed: $(tail -5 "$dir/maillog" 2>/dev/null)"
  fi
  postfix_master="$(awk '{print $1; exit}' "$dir/queue/pid/master.pid")"
  # Two instances can bind the same port without an error: our master must be the only listener.
  others="$(ss -Htlnp "sport = :$port" | grep -v "pid=$postfix_master," || true)"
  if [ -n "$others" ]; then
    log "port $port also bound by someone else, retrying"
    stop_tree "$postfix_master" postfix; postfix_master=""; port=""
    continue
  fi
  break
done
[ -n "$port" ] || die "no usable port after 5 attempts"

read_banner() { # first line from HOST:PORT, then QUIT
  timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1; IFS= read -r -t 4 l <&3; printf "QUIT\r\n" >&3; echo "$l"' \
    _ "$HOST" "$port" 2>/dev/null | tr -d '\r' || true
}
banner=""
for _ in $(seq 200); do
  banner="$(read_banner)"
  [[ "$banner" == "220 $HOSTNAME_ ESMTP"* ]] && break
  sleep 0.05
done
[[ "$banner" == "220 $HOSTNAME_ ESMTP"* ]] || die "no '220 $HOSTNAME_ ESMTP' banner on $HOST:$port (got '$banner')"

export SD_BENCH_PASSWORD="$BENCH_PASSWORD"
sd_cmd=(./smtp-doctor check --host "$HOST" --port "$port" --user "$BENCH_USER" --password-env SD_BENCH_PASSWORD
        --from "$BENCH_USER" --to "$RCPT" --trust-cert "$cert" --no-color)
swaks_cmd=(swaks --server "$HOST:$port" --tls --auth LOGIN --auth-user "$BENCH_USER" --auth-password "$BENCH_PASSWORD"
           --from "$BENCH_USER" --to "$RCPT" --quit-after RCPT)

if [ "$SERVE" = 1 ]; then
  cat <<EOF
Private Postfix (STARTTLS, AUTH after TLS, discard transport) on $HOST:$port
  certificate: $cert
  user:        $BENCH_USER
  password:    $BENCH_PASSWORD   (exported here as SD_BENCH_PASSWORD)
  e.g.  cd $repo && SD_BENCH_PASSWORD='$BENCH_PASSWORD' ${sd_cmd[*]}
Ctrl-C (or SIGTERM to $$) stops it and removes $dir.
EOF
  while true; do sleep 1; done   # a signal runs the trap within a second
fi

# ------------------------------------------------------------------ timing
cd "$repo"
jar="$repo/target/smtp-doctor.jar"
# The launcher's archive: the AOT cache on JDK 24+ (read from java's release file as it does), else AppCDS.
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
java_feature="$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9][0-9]*\).*/\2/p' "$java_home/release" 2>/dev/null | head -n 1)"
if [ "${java_feature:-0}" -ge 24 ]; then
  jsa="$repo/target/smtp-doctor.aot"; archive_kind="AOT cache"; archive_use=(-XX:AOTMode=on -XX:AOTCache="$jsa")
else
  jsa="$repo/target/smtp-doctor.jsa"; archive_kind="CDS archive"; archive_use=(-Xshare:on -XX:SharedArchiveFile="$jsa")
fi
out="$dir/last-output"

# The launcher builds the jar when it is missing or older than the sources (build output: stderr).
log "building the jar if needed (./smtp-doctor --version)"
SMTP_DOCTOR_NO_CDS=1 ./smtp-doctor --version >/dev/null || die "./smtp-doctor --version failed"
[ -f "$jar" ] || die "no $jar after the launcher ran"
if [ "${BENCH_KEEP_JSA:-}" != 1 ]; then
  rm -f "$jsa"   # the launcher dumps a new one at the end of the warm-up `check` below
fi

now_ns() { date +%s%N; }

# run_timed NAME EXPECTED_RC ENV... -- CMD...   appends the wall time in ms to $dir/times.NAME
run_timed() {
  local name="$1" expect="$2"; shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  local t0 t1 rc=0
  t0=$(now_ns)
  env ${envs[@]+"${envs[@]}"} "$@" >"$out" 2>&1 || rc=$?
  t1=$(now_ns)
  if [ "$rc" != "$expect" ]; then
    log "$name: exit code $rc (expected $expect); output:"
    sed 's/^/    /' "$out" >&2
    exit 1
  fi
  echo $(( (t1 - t0) / 1000000 )) >>"$dir/times.$name"
}

median() { # median of the numbers in file $1 (mean of the two middle ones for an even count)
  sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%d", v[(NR + 1) / 2]; else printf "%d", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
spread() { sort -n "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%d-%d", lo, hi }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

lab_cmd=(./smtp-doctor check --lab oauth-healthy --no-color)

series=(check_cds check_nocds swaks version_cds version_nocds lab_oauth)
run_one() {
  case "$1" in
    check_cds)     run_timed check_cds 0 -- "${sd_cmd[@]}" ;;
    check_nocds)   run_timed check_nocds 0 SMTP_DOCTOR_NO_CDS=1 -- "${sd_cmd[@]}" ;;
    swaks)         run_timed swaks 0 -- "${swaks_cmd[@]}" ;;
    version_cds)   run_timed version_cds 0 -- ./smtp-doctor --version ;;
    version_nocds) run_timed version_nocds 0 SMTP_DOCTOR_NO_CDS=1 -- ./smtp-doctor --version ;;
    lab_oauth)     run_timed lab_oauth 0 -- "${lab_cmd[@]}" ;;
  esac
}

log "warm-up (1 run each; the first ./smtp-doctor check with CDS creates $jsa)"
for s in "${series[@]}"; do run_one "$s"; done
warm_check_cds="$(cat "$dir/times.check_cds")"
# The archive must exist and be accepted by this JVM for this jar (-Xshare:on fails otherwise;
# the launcher itself keeps CDS messages quiet, so a rejected archive would go unnoticed).
cds_state="used"
if [ ! -f "$jsa" ]; then
  cds_state="NOT CREATED"; log "warning: the launcher did not create $jsa: the CDS series runs without AppCDS"
elif ! java "${archive_use[@]}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -jar "$jar" --version >/dev/null 2>&1; then
  cds_state="REJECTED by the JVM"; log "warning: $jsa is not usable (java ${archive_use[0]} fails): the CDS series runs without it"
fi
rm -f "$dir"/times.*
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# Interleaved (A B C A B C ...) so that load from other processes hits every series alike.
log "timing $RUNS runs of each, interleaved"
for ((i = 1; i <= RUNS; i++)); do
  for s in "${series[@]}"; do run_one "$s"; done
  printf '.' >&2
done
printf '\n' >&2

# The timed path really went through RCPT TO (one more run, output kept this time).
"${sd_cmd[@]}" >"$out" 2>&1 || die "final check run failed: $(cat "$out")"
grep -qE 'PASS +rcpt-to' "$out" || log "warning: check did not pass rcpt-to:"$'\n'"$(cat "$out")"

m_cds=$(median "$dir/times.check_cds"); m_nocds=$(median "$dir/times.check_nocds"); m_swaks=$(median "$dir/times.swaks")
m_vcds=$(median "$dir/times.version_cds"); m_vnocds=$(median "$dir/times.version_nocds")
m_lab=$(median "$dir/times.lab_oauth")
jar_bytes=$(stat -c %s "$jar")
jar_mb=$(awk -v b="$jar_bytes" 'BEGIN { printf "%.1f", b / 1000000 }')
r_cds=$(ratio "$m_cds" "$m_swaks"); r_nocds=$(ratio "$m_nocds" "$m_swaks")
fastest() { sort -n "$1" | head -1; }
rmin_cds=$(ratio "$(fastest "$dir/times.check_cds")" "$(fastest "$dir/times.swaks")")
rmin_nocds=$(ratio "$(fastest "$dir/times.check_nocds")" "$(fastest "$dir/times.swaks")")
java_version="$(java -version 2>&1 | head -3 | tr '\n' ' ' | sed 's/  */ /g; s/ $//')"
cpu="$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
jsa_size="$( [ -f "$jsa" ] && du -k "$jsa" | cut -f1 || echo 0) KiB"
launcher_opts="$(grep -m1 -E '^opts=\(' ./smtp-doctor | sed 's/^opts=(//; s/)$//' || true)"

printf '\n%-34s %8s %12s %18s\n' "command (RUNS=$RUNS)" "median" "min-max" "ratio vs swaks"
printf '%-34s %6s ms %12s %18s\n' "smtp-doctor check (CDS $cds_state)" "$m_cds" "$(spread "$dir/times.check_cds")" "$r_cds"
printf '%-34s %6s ms %12s %18s\n' "smtp-doctor check (no CDS)" "$m_nocds" "$(spread "$dir/times.check_nocds")" "$r_nocds"
printf '%-34s %6s ms %12s %18s\n' "swaks --quit-after RCPT" "$m_swaks" "$(spread "$dir/times.swaks")" "1.00"
printf '%-34s %6s ms %12s\n' "smtp-doctor --version (CDS)" "$m_vcds" "$(spread "$dir/times.version_cds")"
printf '%-34s %6s ms %12s\n' "smtp-doctor --version (no CDS)" "$m_vnocds" "$(spread "$dir/times.version_nocds")"
printf '%-34s %6s ms %12s\n' "check --lab oauth-healthy (CDS)" "$m_lab" "$(spread "$dir/times.lab_oauth")"
printf '\nratio smtp-doctor/swaks (medians) = %s with CDS, %s without; target: at most 2.5\n' "$r_cds" "$r_nocds"
printf 'ratio of the fastest runs          = %s with CDS, %s without\n' "$rmin_cds" "$rmin_nocds"
printf 'load average %s at the start, %s at the end (%s CPUs)\n' "$load_start" "$load" "$(nproc)"
printf 'first check run (creates the %s): %s ms; archive %s\n' "$archive_kind" "$warm_check_cds" "$jsa_size"
printf 'check --lab oauth-healthy (median) = %s ms; target: under 1500\n' "$m_lab"
printf 'runnable jar target/smtp-doctor.jar = %s MB (%s bytes); target: at most 15 MB\n' "$jar_mb" "$jar_bytes"

if [ "$RESULTS" != "-" ]; then
  {
    echo "# smtp-doctor check vs swaks: start-up and wall time"
    echo
    echo "Written by \`bench/check-vs-swaks.sh\` (see bench/README.md). Times are wall-clock"
    echo "milliseconds per process, $RUNS runs each after one warm-up, interleaved, against one private"
    echo "Postfix 3 + Dovecot (STARTTLS, AUTH LOGIN after TLS) on 127.0.0.1. Compare the ratios, not"
    echo "the absolute times: both sides were measured in the same run on the same machine."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| date | $(date -u '+%Y-%m-%d %H:%M:%S UTC') |"
    echo "| machine | $(nproc) CPUs${cpu:+ ($cpu)}; load average $load_start at the start of the timed runs, $load at the end |"
    echo "| java | $java_version |"
    echo "| swaks | $(swaks --version 2>/dev/null | head -1) |"
    echo "| launcher JVM options | \`$launcher_opts\` (+ the archive unless \`SMTP_DOCTOR_NO_CDS=1\`: \`-XX:SharedArchiveFile=target/smtp-doctor.jsa\` on JDK 17-23, \`-XX:AOTCache=target/smtp-doctor.aot\` on JDK 24+) |"
    echo "| $archive_kind | target/$(basename "$jsa"), $jsa_size, $cds_state; made by the warm-up check run, which took $warm_check_cds ms |"
    echo
    echo "| command | median ms | min-max ms | ratio vs swaks |"
    echo "|---|---:|---:|---:|"
    echo "| \`smtp-doctor check\` (CDS, the default) | $m_cds | $(spread "$dir/times.check_cds") | **$r_cds** |"
    echo "| \`smtp-doctor check\` with \`SMTP_DOCTOR_NO_CDS=1\` | $m_nocds | $(spread "$dir/times.check_nocds") | $r_nocds |"
    echo "| \`swaks ... --quit-after RCPT\` | $m_swaks | $(spread "$dir/times.swaks") | 1.00 |"
    echo "| \`smtp-doctor --version\` (CDS) | $m_vcds | $(spread "$dir/times.version_cds") | |"
    echo "| \`smtp-doctor --version\` with \`SMTP_DOCTOR_NO_CDS=1\` | $m_vnocds | $(spread "$dir/times.version_nocds") | |"
    echo "| \`smtp-doctor check --lab oauth-healthy\` (CDS; lab, its Entra and XOAUTH2 in one process) | $m_lab | $(spread "$dir/times.lab_oauth") | |"
    echo
    echo "Ratio of the medians (the figure to track; target: at most 2.5): **$r_cds** with CDS, $r_nocds without."
    echo "Ratio of the fastest runs (less sensitive to other load on the machine): $rmin_cds with CDS, $rmin_nocds without."
    echo
    echo "\`check --lab oauth-healthy\` (target: under 1.5 s): **$m_lab ms** median. Runnable jar (target: at most 15 MB):"
    echo "**$jar_mb MB** ($jar_bytes bytes, target/smtp-doctor.jar)."
    echo
    echo "Commands (port, certificate and password vary per run):"
    echo
    echo '```'
    echo "SD_BENCH_PASSWORD=... ./smtp-doctor check --host 127.0.0.1 --port PORT --user $BENCH_USER --password-env SD_BENCH_PASSWORD \\"
    echo "    --from $BENCH_USER --to $RCPT --trust-cert CERT.pem --no-color"
    echo "swaks --server 127.0.0.1:PORT --tls --auth LOGIN --auth-user $BENCH_USER --auth-password ... \\"
    echo "    --from $BENCH_USER --to $RCPT --quit-after RCPT"
    echo "./smtp-doctor --version"
    echo "./smtp-doctor check --lab oauth-healthy --no-color"
    echo '```'
  } >"$RESULTS.tmp.$$"
  # Keep a hand-written part below the marker line, if there is one.
  if [ -f "$RESULTS" ] && grep -q '^<!-- notes below are kept by check-vs-swaks.sh -->' "$RESULTS"; then
    { echo; sed -n '/^<!-- notes below are kept by check-vs-swaks.sh -->/,$p' "$RESULTS"; } >>"$RESULTS.tmp.$$"
  fi
  mv "$RESULTS.tmp.$$" "$RESULTS"
  log "wrote $RESULTS"
fi
