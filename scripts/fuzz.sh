#!/usr/bin/env bash
# Builds the libFuzzer target for the model loader (clang, with address and
# undefined-behaviour sanitizers) in build/fuzz, writes its seed corpus (valid
# and damaged model files, plus the shipped models) and fuzzes for a bounded
# time. Exits non-zero if the fuzzer finds anything (the input is saved in
# build/fuzz/crashes/).
#   scripts/fuzz.sh [seconds]     (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if [ ! -f build/fuzz/CMakeCache.txt ]; then
  CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCNN_FUZZ=ON >/dev/null
fi
cmake --build build/fuzz -j "$(nproc)" --target fuzz_model_loader make_corpus >/dev/null
rm -rf build/fuzz/seeds
mkdir -p build/fuzz/seeds build/fuzz/corpus build/fuzz/crashes
./build/fuzz/make_corpus build/fuzz/seeds
for m in web/models/*.cnnm; do
  [ -e "$m" ] || continue
  { printf '\001'; cat "$m"; } > "build/fuzz/seeds/shipped-$(basename "$m")"
done
# -rss_limit_mb: the loader refuses large declarations before allocating, so
# a model that needs more than this is a bug.
./build/fuzz/fuzz_model_loader -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix=build/fuzz/crashes/ -print_final_stats=1 \
  build/fuzz/corpus build/fuzz/seeds 2>build/fuzz/fuzz.log || {
  tail -60 build/fuzz/fuzz.log
  echo "fuzz: the model loader fuzzer found a problem (input in build/fuzz/crashes/)"
  exit 1
}
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' build/fuzz/fuzz.log || true
echo "fuzz: ${seconds} s of fuzzing the model loader found nothing"
