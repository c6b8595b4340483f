#!/usr/bin/env bash
# The engine against PyTorch: writes random layer cases with Debian's PyTorch
# (make_cases.py, under build/pytorch/), then checks them with the native and
# the wasm build of check_cases.cpp. Both builds must exist (scripts/build.sh).
#   tests/pytorch/run.sh [--cases N] [--seed S] [--show-refusals]
# npm test runs the defaults (600 cases, seed 1); npm run test:pytorch -- --cases 5000
# a longer run.
set -euo pipefail
cd "$(dirname "$0")/../.."
cases=600
seed=1
show=()
while (($#)); do
  case "$1" in
    --cases) cases="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --show-refusals) show=(--show-refusals); shift ;;
    *) echo "usage: tests/pytorch/run.sh [--cases N] [--seed S] [--show-refusals]" >&2; exit 2 ;;
  esac
done
# Debian's Python, where python3-torch is installed (the python3 first on PATH may be another one).
out="build/pytorch/cases-seed$seed-n$cases.txt"
/usr/bin/python3 tests/pytorch/make_cases.py --cases "$cases" --seed "$seed" --out "$out"
status=0
echo "native:"
./build/native/check_pytorch_cases "$out" "${show[@]}" || status=1
echo "wasm:"
node --no-experimental-fetch build/wasm/check_pytorch_cases.js "$out" "${show[@]}" || status=1
exit $status
