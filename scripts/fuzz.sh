#!/usr/bin/env bash
# Fuzzes every native parser under libFuzzer, with the engine instrumented for
# coverage and checked by ASan and UBSan (build/fuzz, clang):
#   model_loader  the model file loader (tools/fuzz/fuzz_model_loader.cpp)
#   dataset       the data set files of the native tools (tools/fuzz/fuzz_dataset.cpp)
#   onnx_import   the ONNX importer (tools/fuzz/fuzz_onnx_import.cpp)
# Each target starts from its seeds (tools/fuzz/make_corpus.cpp, plus the
# shipped models for the loader; for the importer, real PyTorch exports and
# damaged copies of them from tests/onnx/make_cases.py), the committed minimised corpus
# (tests/fuzz/corpus/<target>/), the inputs that once found a bug
# (tests/fuzz/regressions/<target>/, replayed at every run) and its working
# corpus (build/fuzz/corpus/<target>/, kept between runs, so it grows).
# Prints each target's instrumented points and its coverage (cov: and ft:)
# from the corpus and at the end. Exits non-zero if a target finds anything
# (the input is saved as build/fuzz/crashes/<target>-*).
#   scripts/fuzz.sh [seconds]                  90 by default, in all, shared by the targets
#   scripts/fuzz.sh --update-corpus [seconds]  then minimise what was found beyond
#                                              the seeds into tests/fuzz/corpus/
# To add a target (a new parser): tools/fuzz/fuzz_<name>.cpp, its name in the
# foreach of CMakeLists.txt's fuzz build and in TARGETS, SHARE and MIN_POINTS
# below, and its seeds in tools/fuzz/make_corpus.cpp (or, like onnx_import's,
# written where the seeds are made below).
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [ "${1:-}" = "--update-corpus" ]; then update=1; shift; fi
seconds="${1:-90}"
# The share of the time of each target, and a floor on its instrumented
# points: the loader's harness alone has about 200, the engine behind it
# about 9,000, so far fewer means the engine was built without coverage
# instrumentation and the fuzzer sees only the harness. (The data set reader
# is a header, compiled into its harness; the importer's harness reaches the
# importer and, through what it imports, the rest of the engine.)
TARGETS=(model_loader dataset onnx_import)
declare -A SHARE=([model_loader]=3 [dataset]=1 [onnx_import]=2)
declare -A MIN_POINTS=([model_loader]=4000 [dataset]=200 [onnx_import]=4000)
# Files larger than this stay out of the committed corpus (the seeds hold the
# large valid models, regenerated at every run).
COMMITTED_MAX_BYTES=16384

CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCNN_FUZZ=ON >/dev/null
cmake --build build/fuzz -j "$(nproc)" --target make_corpus "${TARGETS[@]/#/fuzz_}" >/dev/null

total_share=0
for t in "${TARGETS[@]}"; do total_share=$((total_share + SHARE[$t])); done
status=0
for t in "${TARGETS[@]}"; do
  secs=$((seconds * SHARE[$t] / total_share))
  ((secs > 0)) || secs=1
  seeds=build/fuzz/seeds/$t corpus=build/fuzz/corpus/$t committed=tests/fuzz/corpus/$t log=build/fuzz/$t.log
  inputs=("$corpus" "$seeds" "$committed")
  if [ -d "tests/fuzz/regressions/$t" ]; then inputs+=("tests/fuzz/regressions/$t"); fi
  rm -rf "$seeds"
  mkdir -p "$seeds" "$corpus" "$committed" build/fuzz/crashes
  if [ "$t" = onnx_import ]; then
    /usr/bin/python3 tests/onnx/make_cases.py --seeds-only "$seeds" >/dev/null
  else
    ./build/fuzz/make_corpus "$t" "$seeds" >/dev/null
  fi
  if [ "$t" = model_loader ]; then
    for m in web/models/*.cnnm; do
      [ -e "$m" ] || continue
      { printf '\001'; cat "$m"; } > "$seeds/shipped-$(basename "$m")"
    done
  fi
  # -rss_limit_mb: the parsers refuse large declarations before allocating,
  # so an input that needs more than this is a bug.
  if ! "./build/fuzz/fuzz_$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="build/fuzz/crashes/$t-" -print_final_stats=1 \
      "${inputs[@]}" 2>"$log"; then
    tail -60 "$log"
    echo "fuzz: the $t fuzzer found a problem (input in build/fuzz/crashes/$t-*)"
    status=1
    continue
  fi
  points=$(sed -nE 's/^INFO: Loaded [0-9]+ modules +\(([0-9]+) inline 8-bit counters\).*/\1/p' "$log" | head -1)
  start=$(sed -nE 's/^#[0-9]+[[:space:]]+INITED .*cov: ([0-9]+) ft: ([0-9]+).*/cov \1 ft \2/p' "$log" | head -1)
  end=$(sed -nE 's/^#[0-9]+[[:space:]]+DONE .*cov: ([0-9]+) ft: ([0-9]+).*/cov \1 ft \2/p' "$log" | tail -1)
  runs=$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1/p' "$log")
  echo "fuzz: $t: $secs s, ${points:-?} instrumented points, ${start:-?} from the corpus," \
    "${end:-?} at the end, ${runs:-?} runs, $(ls "$corpus" | wc -l) inputs in $corpus"
  if [ -z "$points" ] || ((points < MIN_POINTS[$t])); then
    echo "fuzz: $t: only ${points:-no} instrumented points (expected at least ${MIN_POINTS[$t]}):" \
      "is the engine built with -fsanitize=fuzzer-no-link?"
    status=1
  fi
  if [ $update = 1 ]; then
    # The fewest inputs (set cover, on edges: hit counts are not kept) that
    # cover what the seeds do not: the seeds go first into the merge's output
    # so that their coverage counts as known, and are taken out after.
    pool=build/fuzz/pool/$t merged=build/fuzz/merged/$t
    rm -rf "$pool" "$merged"
    mkdir -p "$pool" "$merged"
    for d in "$corpus" "$committed"; do
      find "$d" -type f -size -$((COMMITTED_MAX_BYTES + 1))c -exec cp -f -t "$pool" {} +
    done
    cp "$seeds"/* "$merged"/
    "./build/fuzz/fuzz_$t" -set_cover_merge=1 -use_counters=0 "$merged" "$pool" 2>>"$log" >/dev/null
    for f in "$seeds"/*; do rm -f "$merged/$(basename "$f")"; done
    rm -rf "$committed" && mv "$merged" "$committed"
    echo "fuzz: $t: $(ls "$committed" | wc -l) inputs ($(du -sb "$committed" | cut -f1) bytes) beyond the seeds" \
      "minimised into $committed"
  fi
done
if [ $status = 0 ]; then echo "fuzz: ${seconds} s of fuzzing found nothing"; fi
exit $status
