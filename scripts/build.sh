#!/usr/bin/env bash
# Builds the engine: natively (tests, tools) and to WebAssembly (the page's
# module web/build/cnn.{js,wasm}, and the engine tests as wasm for Node).
#   scripts/build.sh          both
#   scripts/build.sh wasm     the wasm build only
#   scripts/build.sh native   the native build only
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
jobs="$(nproc)"
# emscripten 3.1.6's JS optimizer needs acorn, which Debian puts here.
export NODE_PATH=/usr/share/nodejs

if [ "$what" = all ] || [ "$what" = native ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/native -j "$jobs"
fi
if [ "$what" = all ] || [ "$what" = wasm ]; then
  if [ ! -f build/wasm/CMakeCache.txt ]; then
    emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
      "-DCMAKE_CROSSCOMPILING_EMULATOR=node;--no-experimental-fetch" >/dev/null
  fi
  if [ "$what" = wasm ]; then
    cmake --build build/wasm -j "$jobs" --target cnn_wasm
  else
    cmake --build build/wasm -j "$jobs"
  fi
  # the page's training data beside its module (web/build/data/, made once)
  node tools/prepare_data.js page --if-missing
fi
