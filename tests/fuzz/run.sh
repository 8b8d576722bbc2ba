#!/bin/sh
# run.sh - runs the libFuzzer harnesses one at a time and prints, per harness and in total, the
# executions, coverage (libFuzzer's cov: edges and ft: features) and findings.
#
#   tests/fuzz/run.sh fuzz  SECONDS HARNESS...   each harness SECONDS, corpus in build/fuzz/corpus/<h>/
#   tests/fuzz/run.sh smoke RUNS    HARNESS...   each harness RUNS inputs (seed 1), then every file of
#                                                tests/fuzz/regressions/<h>/ replayed
# Findings (crash-, leak-, timeout-, oom- files) are written to build/fuzz/findings/<h>/. Exit 1 when
# any harness found something or a regression file fails. Logs: build/fuzz/logs/<h>.log.
set -u
mode=$1 amount=$2
shift 2
mkdir -p build/fuzz/logs
total_execs=0 total_findings=0 bad=
printf '%-20s %12s %9s %8s %8s %9s\n' harness executions exec/s cov ft findings
for h in "$@"; do
  bin=build/fuzz/$h corpus=build/fuzz/corpus/$h reg=tests/fuzz/regressions/$h out=build/fuzz/findings/$h
  log=build/fuzz/logs/$h.log
  mkdir -p "$corpus" "$out"
  before=$(ls "$out" | wc -l)
  # -timeout: an input running 10 s is a finding; -rss_limit_mb / -malloc_limit_mb: one allocation
  # or a process beyond 2 GiB is one too (the loaders must not allocate what a file cannot back)
  common="-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -artifact_prefix=$out/"
  if [ "$mode" = fuzz ]; then
    ASAN_OPTIONS=detect_leaks=1 ./$bin $common -max_total_time="$amount" "$corpus" > "$log" 2>&1
  else
    ASAN_OPTIONS=detect_leaks=1 ./$bin $common -runs="$amount" -seed=1 "$corpus" > "$log" 2>&1
  fi
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  findings=$(( $(ls "$out" | wc -l) - before ))
  [ $rc -ne 0 ] && [ $findings -eq 0 ] && findings=1
  if [ "$mode" = smoke ] && [ -d "$reg" ] && [ -n "$(ls "$reg")" ]; then
    if ! ASAN_OPTIONS=detect_leaks=1 ./$bin $common "$reg"/* >> "$log" 2>&1; then
      echo "$h: a regression file fails again (see $log)" >&2
      findings=$((findings + 1))
    fi
  fi
  printf '%-20s %12s %9s %8s %8s %9s\n' "$h" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$findings"
  total_execs=$((total_execs + ${execs:-0}))
  total_findings=$((total_findings + findings))
  [ $findings -ne 0 ] && bad="$bad $h"
done
printf '%-20s %12s %9s %8s %8s %9s\n' total "$total_execs" "" "" "" "$total_findings"
if [ -n "$bad" ]; then
  echo "fuzz: findings in:$bad (inputs in build/fuzz/findings/, logs in build/fuzz/logs/)" >&2
  exit 1
fi
