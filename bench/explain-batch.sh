#!/usr/bin/env bash
# explain --batch throughput: 100,000 JSON lines of real failure messages, explained in one JVM.
#
# The input repeats the texts of the explain corpora's development side
# (src/test/resources/explain/generalization/dev.jsonl and src/test/resources/explain/corpus.jsonl;
# never the held-out test part), one {"id","text"} object per line. smtp-doctor keeps no cache
# of answers, so repeating texts measures the same work as 100,000 distinct ones.
#
# Each round times, on the same file and interleaved: `wc -l` and `grep -c` (anchors: how fast
# this machine reads the file at all), `./smtp-doctor explain --batch` through the launcher (its
# JVM options), and the same jar with the JVM's default options (C1+C2, G1). Prints lines per
# second, CPU time per line and the ratios to the anchors, and writes its section of
# bench/RESULTS.md. Usage:
#   bench/explain-batch.sh                 # 3 timed rounds after a warm-up
#   RUNS=5 LINES=200000 bench/explain-batch.sh
#   BENCH_RESULTS=- bench/explain-batch.sh # print only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
RUNS="${RUNS:-3}"
LINES="${LINES:-100000}"
RESULTS="${BENCH_RESULTS:-$here/RESULTS.md}"

log() { echo "explain-batch: $*" >&2; }
for tool in java python3 /usr/bin/time wc grep awk; do
  command -v "$tool" >/dev/null 2>&1 || { log "needs $tool"; exit 2; }
done

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
input="$dir/batch.jsonl"

log "building $LINES lines from the development corpora"
python3 - "$root" "$LINES" "$input" <<'PY'
import json, sys
root, lines, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
texts = []
for part in ("src/test/resources/explain/generalization/dev.jsonl", "src/test/resources/explain/corpus.jsonl"):
    with open(f"{root}/{part}", encoding="utf-8") as f:
        texts += [json.loads(l)["text"] for l in f if l.strip()]
with open(out, "w", encoding="utf-8") as f:
    for i in range(lines):
        f.write(json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")
print(f"{len(texts)} distinct texts", file=sys.stderr)
PY
bytes=$(wc -c <"$input")

log "building the jar if needed"
(cd "$root" && ./smtp-doctor --version >/dev/null)
jar="$root/target/smtp-doctor.jar"

# One timed command: prints "wall_s user_s sys_s" (wall from date +%s%N, CPU from /usr/bin/time).
timed() {
  local out="$1" t0 t1; shift
  t0=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$dir/time" "$@" >"$out" 2>"$dir/stderr" || { cat "$dir/stderr" >&2; return 1; }
  t1=$(date +%s%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }') $(cat "$dir/time")"
}
check_output() {
  local n causes
  n=$(wc -l <"$1")
  causes=$(grep -c '"cause"' "$1" || true)
  [ "$n" -eq "$LINES" ] && [ "$causes" -eq "$LINES" ] || { log "bad output: $n lines, $causes with a cause"; exit 1; }
}

declare -A wall cpus_used
variants=(wc grep python-json launcher jvm-default)
run() {
  case "$1" in
    wc) timed "$dir/out.wc" wc -l "$input" ;;
    grep) timed "$dir/out.grep" grep -c '"text"' "$input" ;;
    python-json) timed "$dir/out.py" python3 -c 'import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    n += len(json.loads(line)["text"]) > 0
print(n)' "$input" ;;
    launcher) timed "$dir/out.launcher" "$root/smtp-doctor" explain --batch "$input" ;;
    jvm-default) timed "$dir/out.default" java -jar "$jar" explain --batch "$input" ;;
  esac
}

log "warm-up"
for v in "${variants[@]}"; do run "$v" >/dev/null; done
check_output "$dir/out.launcher"
check_output "$dir/out.default"

load0="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo -)"
for ((r = 1; r <= RUNS; r++)); do
  for v in "${variants[@]}"; do
    read -r w u s < <(run "$v")
    wall[$v]+="$w "
    cpus_used[$v]+="$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') "
  done
  log "round $r/$RUNS done"
done
load1="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo -)"
check_output "$dir/out.launcher"

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { tr ' ' '\n' | grep -v '^$' | sort -g | head -1; }
declare -A med best cpu
for v in "${variants[@]}"; do
  med[$v]=$(echo "${wall[$v]}" | median)
  best[$v]=$(echo "${wall[$v]}" | minimum)
  cpu[$v]=$(echo "${cpus_used[$v]}" | median)
done
rate() { awk -v n="$LINES" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
per_line() { awk -v n="$LINES" -v s="$1" 'BEGIN { if (s != "-" && s > 0) printf "%.0f", s * 1e6 / n; else print "-" }'; }

cpus="$(nproc 2>/dev/null || echo ?) CPUs ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //' || echo ?))"
javav="$(java -version 2>&1 | head -1)"
table() {
  echo "| command | median s | fastest s | lines/s (median) | lines/s (fastest) | CPU s (user+sys, median) | CPU µs per line | median time vs \`wc -l\` | vs \`grep -c\` | vs Python json |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for v in "${variants[@]}"; do
    case "$v" in
      wc) name="\`wc -l FILE\` (anchor)" ;;
      grep) name="\`grep -c '\"text\"' FILE\` (anchor)" ;;
      python-json) name="Python \`json.loads\` of every line (anchor)" ;;
      launcher) name="\`./smtp-doctor explain --batch FILE\` (launcher: \`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1\`)" ;;
      jvm-default) name="\`java -jar target/smtp-doctor.jar explain --batch FILE\` (JVM defaults: C1+C2, G1)" ;;
    esac
    echo "| $name | ${med[$v]} | ${best[$v]} | $(rate "${med[$v]}") | $(rate "${best[$v]}") | ${cpu[$v]} | $(per_line "${cpu[$v]}") | $(ratio "${med[$v]}" "${med[wc]}") | $(ratio "${med[$v]}" "${med[grep]}") | $(ratio "${med[$v]}" "${med[python-json]}") |"
  done
}

{
  echo "<!-- explain-batch.sh: begin (this section is rewritten by bench/explain-batch.sh) -->"
  echo "# explain --batch throughput"
  echo
  echo "Written by \`bench/explain-batch.sh\` (see bench/README.md): $LINES JSON lines ($bytes bytes) of the"
  echo "development corpora's real failure messages, explained in one JVM; $RUNS interleaved rounds after a"
  echo "warm-up, on one file. Target: 10,000 lines/s or more."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M:%S UTC') |"
  echo "| machine | $cpus; load average $load0 at the start, $load1 at the end |"
  echo "| java | $javav |"
  echo
  table
  echo
  echo "Throughput of the launcher: **$(rate "${med[launcher]}") lines/s** (median round), $(rate "${best[launcher]}") lines/s in the fastest."
  echo "<!-- explain-batch.sh: end -->"
} >"$dir/section"

cat "$dir/section"
if [ "$RESULTS" != "-" ]; then
  if [ -f "$RESULTS" ] && grep -q '^<!-- explain-batch.sh: begin' "$RESULTS"; then
    awk -v sec="$dir/section" '
      /^<!-- explain-batch.sh: begin/ { while ((getline l < sec) > 0) print l; skip = 1; next }
      /^<!-- explain-batch.sh: end -->/ { skip = 0; next }
      !skip { print }' "$RESULTS" >"$RESULTS.tmp.$$"
  else
    { [ -f "$RESULTS" ] && cat "$RESULTS" && echo; cat "$dir/section"; } >"$RESULTS.tmp.$$"
  fi
  mv "$RESULTS.tmp.$$" "$RESULTS"
  log "wrote $RESULTS"
fi
