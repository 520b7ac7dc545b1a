#!/usr/bin/env bash
# Fuzzing: every target in fuzz/ (cargo fuzz, libFuzzer) for FUZZ_SECONDS each, starting from
# and adding to the committed corpora in fuzz/corpus/<target>. A crash stops the run, and its
# input is left in fuzz/artifacts/<target>/ to reproduce with `cargo fuzz run <target> <file>`.
#
#   bash scripts/fuzz.sh                  # 30 s a target, optimised build
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh seed
#   FUZZ_PROFILE=dev FUZZ_SECONDS=15 bash scripts/fuzz.sh   # what the test command runs: an
#                                         # unoptimised build compiles in half the time
#
# Installs cargo-fuzz (the version below) when missing. libFuzzer's coverage instrumentation
# needs options of rustc that a stable toolchain keeps for its own builds; RUSTC_BOOTSTRAP=1
# lets this run use them on the stable toolchain (no nightly is needed), for these builds only.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_FUZZ_VERSION=0.13.2
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
case "${FUZZ_PROFILE:-release}" in
  release) profile=(--release) ;;
  dev) profile=(--dev) ;;
  *) echo "FUZZ_PROFILE is release or dev" >&2; exit 1 ;;
esac
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  cargo install --locked --quiet cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(arguments seed record_text widget_attributes)
fi
export RUSTC_BOOTSTRAP=1
# The fuzz crate has its own target folder: instrumented builds must not replace the product's.
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$target_dir/fuzz}"
cd fuzz
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  cargo fuzz build --sanitizer none "${profile[@]}" "$t" 2>&1 | grep -vE '^\s+(Compiling|Downloaded|Downloading)' || true
  before=$(ls "corpus/$t" | wc -l)
  echo "==> fuzzing $t for ${FUZZ_SECONDS} s (corpus: $before inputs)"
  log=$(mktemp)
  status=0
  cargo fuzz run --sanitizer none "${profile[@]}" "$t" "corpus/$t" -- \
    -max_total_time="$FUZZ_SECONDS" -max_len=4096 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done )|SUMMARY|panicked' "$log" | sed 's/^/    /' || true
  if [ "$status" != 0 ]; then
    tail -40 "$log"
    echo "fuzz target $t FAILED (exit $status): the input is in fuzz/artifacts/$t/"
    exit 1
  fi
  rm -f "$log"
  # Keep the committed corpus small: only inputs that add coverage.
  cargo fuzz cmin --sanitizer none "${profile[@]}" "$t" "corpus/$t" >/dev/null 2>&1 || true
  echo "    corpus now $(ls "corpus/$t" | wc -l) inputs"
done
