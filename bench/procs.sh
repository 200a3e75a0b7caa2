# Process helpers shared by the bench scripts (sourced, not run). Processes are found by
# pid and parent pid, never by name: other programs on the machine may run the same tools.
# stop_tree uses the caller's $dir (the postfix config is $dir/etc) and log().

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
