#!/usr/bin/env bash
# Installs everything the build and the tests need, skipping what is there:
# Debian packages (apt-get, as root) and the npm packages of package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# emscripten: C++ -> wasm; libxsimd-dev: SIMD; catch2: engine tests;
# chromium: browser tests; wabt: wasm inspection; libclang-rt-14-dev + clang:
# libFuzzer and sanitizers; dataset-fashion-mnist: the second data set;
# cmake, g++: the native build; fonts-nanum: Korean text in the browser
# tests' screenshots (Chromium shows empty boxes without a Korean font);
# python3-torch: PyTorch, the reference the engine is tested against
# (tests/pytorch/, run with Debian's /usr/bin/python3); python3-onnx: ONNX's
# checker, which reads the engine's ONNX exports (tests/onnx/check_exports.py).
# The lecture-note hosts the widgets are tested on (tests/e2e/hosts.test.js):
# jekyll + jekyll-theme-minima: a Jekyll blog as on GitHub Pages;
# libjs-mathjax: MathJax 2.7, which such blogs load, served from the site;
# mkdocs + mkdocs-material: a course site with instant navigation;
# python3-markdown: Markdown rendered for a blog that strips scripts.
# poppler-utils: pdftoppm and pdftotext, to check a page printed to PDF
# (tests/e2e/print.test.js).
PACKAGES=(emscripten libxsimd-dev catch2 chromium wabt clang libclang-rt-14-dev dataset-fashion-mnist cmake g++ fonts-nanum
  python3-torch python3-onnx jekyll jekyll-theme-minima libjs-mathjax mkdocs mkdocs-material python3-markdown poppler-utils)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: install when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
