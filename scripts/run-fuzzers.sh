#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang-14, ASan + UBSan) and runs
# every *_fuzz executable for SMTPFIXTURE_FUZZ_SECONDS seconds each (default
# 60) on a copy of its seed corpus, tests/fuzz/corpus/<name>/ for <name>_fuzz,
# so the repository is not modified. Fails on any finding (libFuzzer's exit
# code is not 0); the input that triggered it is kept under
# build/fuzz/findings/ and its path printed. Prints the executions per target.
#
#   scripts/run-fuzzers.sh              build, then run every target
#   scripts/run-fuzzers.sh mime_fuzz    run only the targets named
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${SMTPFIXTURE_FUZZ_SECONDS:-60}
build=build/fuzz
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

# Seeds read besides the target's own corpus (never written to).
extra_seeds() {
  case "$1" in
    mime) echo tests/data/mime ;;
    dkim) echo tests/data/dkim/fuzz_seeds ;;
  esac
}

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(find "$build" -type f -name '*_fuzz' -perm -u+x -printf '%f\n' | sort)
fi
[ ${#targets[@]} -gt 0 ] || { echo "run-fuzzers: no *_fuzz executable in $build"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
findings="$build/findings"
mkdir -p "$findings"
failed=0
summary=()
for target in "${targets[@]}"; do
  exe=$(find "$build" -type f -name "$target" -perm -u+x | head -n 1)
  [ -n "$exe" ] || { echo "run-fuzzers: $target not built"; failed=1; continue; }
  name=${target%_fuzz}
  corpus="$work/$name"
  mkdir -p "$corpus"
  if [ -d "tests/fuzz/corpus/$name" ]; then
    cp -R "tests/fuzz/corpus/$name/." "$corpus/"
  elif [ -z "$(extra_seeds "$name")" ]; then
    echo "run-fuzzers: warning: no seed corpus tests/fuzz/corpus/$name/"
  fi
  log="$work/$target.log"
  echo "--- $target: ${seconds}s on tests/fuzz/corpus/$name/ $(extra_seeds "$name")"
  status=0
  # -timeout: an input taking 10 s is a hang, a finding like a crash.
  "$exe" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$findings/$target-" "$corpus" $(extra_seeds "$name") \
    >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  line=$(printf '%-22s %12s executions  %8s exec/s  corpus %s files' \
    "$target" "${runs:-?}" "${rate:-?}" "$(find "$corpus" -type f | wc -l)")
  if [ "$status" -ne 0 ]; then
    failed=1
    line="$line  FAILED (exit $status)"
    tail -n 60 "$log"
    grep -h 'Test unit written to' "$log" || true
  fi
  echo "$line"
  summary+=("$line")
done

echo
echo "=== fuzzing summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"
