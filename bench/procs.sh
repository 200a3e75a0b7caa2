# Helpers shared by the bench scripts (sourced, not run): processes, ports and banners, the relay jar. Processes are found by
# pid and parent pid, never by name: other programs on the machine may run the same tools.
# stop_tree uses the caller's $dir (the postfix config is $dir/etc) and log().

# The relay's JVM options, as the launchers (for `relay`), the service units and the container start it
# (RelayInstallServiceCommand.JVM_OPTIONS; PackagingTest holds this line to them). The scripts' default
# for RELAY_JAVA_OPTS.
RELAY_JVM_OPTIONS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms32m -Xmx128m -Xmn24m -XX:SurvivorRatio=4 -XX:+ExitOnOutOfMemoryError"

pid_alive() { # alive and not a zombie
  local s
  [ -r "/proc/$1/stat" ] || return 1
  s="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" || return 1
  [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

descendants() { # pids below $1 (by parent pid, never by name)
  local c
  for c in $(pgrep -P "$1" 2>/dev/null || true); do
    echo "$c"
    descendants "$c"
  done
}

wait_gone() { # wait_gone TENTHS PID...
  local tenths="$1"; shift
  local i p any
  for ((i = 0; i < tenths * 10; i++)); do
    any=0
    for p in "$@"; do pid_alive "$p" && { any=1; break; }; done
    [ "$any" = 0 ] && return 0
    sleep 0.01
  done
  return 1
}

stop_tree() { # stop_tree PID HOW [TENTHS]: "postfix" (postfix -c $dir/etc stop) or "term" (SIGTERM); SIGKILL after TENTHS/10 s (default 3 s)
  local master="$1" how="$2" tenths="${3:-30}" tree p
  pid_alive "$master" || return 0
  tree="$(descendants "$master") $master"
  if [ "$how" = postfix ]; then
    postfix -c "$dir/etc" stop >/dev/null 2>&1 || kill -TERM "$master" 2>/dev/null || true
  else
    kill -TERM "$master" 2>/dev/null || true
  fi
  # shellcheck disable=SC2086
  if ! wait_gone "$tenths" $tree; then
    for p in $tree; do pid_alive "$p" && kill -KILL "$p" 2>/dev/null || true; done
    # shellcheck disable=SC2086
    wait_gone 50 $tree || log "processes survived SIGKILL: $tree"
  fi
}

# Ports and banners on $HOST (the caller's; 127.0.0.1 when unset). wait_banner uses the caller's die().
port_free() { [ -z "$(ss -Htln "sport = :$1" 2>/dev/null)" ]; }
free_port() { # a free TCP port on 127.0.0.1, not one of the arguments
  local p
  while :; do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 12000 ))   # below the ephemeral range (32768+)
    case " $* " in *" $p "*) continue ;; esac
    port_free "$p" && { echo "$p"; return; }
  done
}
listener_is() { # listener_is PORT PID: PID (or a child of it) is the only listener on PORT
  local lines
  lines="$(ss -Htlnp "sport = :$1" 2>/dev/null)"
  [ -n "$lines" ] && ! grep -qv "pid=$2," <<<"$lines"
}
read_banner() { # first line from HOST:PORT, then QUIT
  timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1; IFS= read -r -t 4 l <&3; printf "QUIT\r\n" >&3; echo "$l"' \
    _ "${HOST:-127.0.0.1}" "$1" 2>/dev/null | tr -d '\r' || true
}
wait_banner() { # wait_banner PORT WHAT
  local b=""
  for _ in $(seq 300); do
    b="$(read_banner "$1")"
    [[ "$b" == 220* ]] && return 0
    sleep 0.1
  done
  die "no 220 banner from $2 on ${HOST:-127.0.0.1}:$1 (got '$b')"
}

relay_jar() { # prints the relay jar: $RELAY_JAR, else $repo/target/smtp-doctor.jar, built first when the sources are newer (caller's $repo, log, die)
  local jar="${RELAY_JAR:-$repo/target/smtp-doctor.jar}"
  if [ -n "${RELAY_JAR:-}" ]; then
    [ -f "$jar" ] || die "RELAY_JAR: no file $jar"
  elif [ ! -f "$jar" ] || [ -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    log "building the jar (mvn -q -B -o package -Dmaven.test.skip=true)"
    (cd "$repo" && mvn -q -B -o package -Dmaven.test.skip=true >&2) || die "the build failed"
  fi
  echo "$jar"
}

remove_dir() { # remove_dir RC: deletes the caller's $dir, or keeps it (and says so) when RC != 0 and BENCH_KEEP_DIR=1
  [ -n "$dir" ] || return 0
  if [ "$1" != 0 ] && [ "${BENCH_KEEP_DIR:-}" = 1 ]; then log "kept $dir for inspection"; else rm -rf "$dir"; fi
}

on_exit() { # on_exit FUNCTION: FUNCTION runs when the script exits; INT, TERM and HUP make it exit with 128+N
  trap "$1" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

bench_relay_config() { # bench_relay_config FILE HOST-NAME PORT CONNECTION-LIMIT IDLE-TIMEOUT SINK-PORT DELIVERY-CONNECTIONS
  # One plain listener on 127.0.0.1 whose limits (total and per address) are both the given one (every client of a
  # bench is 127.0.0.1), devices on 127.0.0.0/8, the sink as the upstream, the spool in $dir, pacing far above
  # Microsoft's (the sink is not Microsoft).
  cat >"$1" <<EOF
host-name: $2
listeners:
  - address: 127.0.0.1
    port: $3
    mode: plain
    max-connections: $4
    max-connections-per-ip: $4
    idle-timeout: $5
devices:
  - name: bench
    networks: [127.0.0.0/8]
upstream:
  - "smtp://127.0.0.1:$6"
spool: $dir/spool
pacing:
  messages-per-minute: 100000
  recipients-per-day: 100000000
  connections: $7
EOF
}
