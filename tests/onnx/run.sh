#!/usr/bin/env bash
# The ONNX import against PyTorch: exports small CNNs with Debian's torch
# (tests/onnx/make_cases.py, into build/onnx-cases/), then imports them
# natively (engine_tests [onnx-torch]) and through the JS client
# (tests/onnx/*.test.js). Needs the native and wasm builds.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CNN_ONNX_CASES=build/onnx-cases
rm -rf "$CNN_ONNX_CASES"
/usr/bin/python3 tests/onnx/make_cases.py "$CNN_ONNX_CASES"
./build/native/engine_tests "[onnx-torch]"
node --test tests/onnx/
