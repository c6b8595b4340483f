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
run ./build/native/engine_tests
run node --no-experimental-fetch build/wasm/engine_tests.js
run node --test tests/web/
# the page end to end in headless Chromium (screenshots in test-results/)
run node --test --test-concurrency=1 tests/e2e/
exit $status
