#!/usr/bin/env bash
# The ONNX import against PyTorch: exports small CNNs with Debian's torch
# (tests/onnx/make_cases.py, into build/onnx-cases/), then imports them
# natively (engine_tests [onnx-torch]) and through the JS client
# (tests/onnx/*.test.js). Then the export: the engine's ONNX files of the
# shipped models and of every layer option (tests/onnx/write_exports.js,
# into build/onnx-exports/) against ONNX's checker and PyTorch
# (tests/onnx/check_exports.py, Debian's python3-onnx and python3-torch).
# Needs the native and wasm builds.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CNN_ONNX_CASES=build/onnx-cases
rm -rf "$CNN_ONNX_CASES"
/usr/bin/python3 tests/onnx/make_cases.py "$CNN_ONNX_CASES"
./build/native/engine_tests "[onnx-torch]"
node --test tests/onnx/
rm -rf build/onnx-exports
node tests/onnx/write_exports.js build/onnx-exports
/usr/bin/python3 tests/onnx/check_exports.py build/onnx-exports
