#!/usr/bin/env bash
# Runs every suite; exits non-zero if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
status=0
run() {
  echo "== $*"
  if ! "$@"; then
    echo "FAILED: $*"
    status=1
  fi
}
# the data sets under build/data/ (made once; the shipped-model tests read them)
run node tools/prepare_data.js --if-missing
run ./build/native/engine_tests
run node --no-experimental-fetch build/wasm/engine_tests.js
# every layer against PyTorch: random cases from a fixed seed (tests/pytorch/)
run bash tests/pytorch/run.sh
run node --test tests/web/
# the ONNX importer on PyTorch's exports (Debian's torch), natively and through the JS client
run bash tests/onnx/run.sh
# the native parsers under libFuzzer with ASan and UBSan, 90 s in all
run bash scripts/fuzz.sh 90
# the page end to end in headless Chromium (screenshots in test-results/)
run node --test --test-concurrency=1 tests/e2e/
exit $status
