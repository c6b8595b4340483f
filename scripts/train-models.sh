#!/usr/bin/env bash
# Trains the shipped models (web/models/) with the exact commands that made
# them; README.md ("Training and the shipped models") quotes them.
#   scripts/train-models.sh           retrain web/models/digits.cnnm and fashion.cnnm
#   scripts/train-models.sh --check   train into build/models/ and compare byte for byte
#                                     with the shipped files
# The trainer runs on the engine built for AVX2 + FMA (see CMakeLists.txt), so
# on any x86-64 machine with those the files come out identical, as long as
# the engine's kernels are the ones that trained them.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; fi
bash scripts/build.sh native >/dev/null
node tools/prepare_data.js --if-missing

out=web/models
if [ $check = 1 ]; then out=build/models; mkdir -p "$out"; fi

# The default digit model: LeNet (conv 5x5 1->8 pad 2, relu, maxpool 2, conv
# 5x5 8->16, relu, maxpool 2, flatten, dense 400->64, relu, dense 64->10, softmax),
# 60 epochs of augmented MNIST (30% of the 1s given a flag at the top) and
# the moving average of its weights, on the first 8,000 digits of the
# training split.
DIGITS=(--data build/data/mnist.cnnd --limit 8000 --arch lenet --epochs 60 --batch 32 --seed 1 --optimizer sgd --lr 0.02
        --momentum 0.9 --weight-decay 0.0005 --label-smoothing 0.1 --augment --flag-ones 0.3 --ema 0.999 --float16
        --name digits --description "LeNet trained on 8,000 MNIST digits")
# The Fashion-MNIST model: the same LeNet on the official 60,000 training images.
FASHION=(--data build/data/fashion.cnnd --arch lenet --epochs 10 --batch 32 --seed 1 --optimizer sgd --lr 0.02
         --momentum 0.9 --weight-decay 0.0005 --label-smoothing 0.1 --float16 --name fashion
         --description "LeNet trained on 60,000 Fashion-MNIST images")

./build/native/train "${DIGITS[@]}" --out "$out/digits.cnnm"
./build/native/train "${FASHION[@]}" --out "$out/fashion.cnnm"

if [ $check = 1 ]; then
  status=0
  for m in digits fashion; do
    if cmp -s "build/models/$m.cnnm" "web/models/$m.cnnm"; then
      echo "train-models: $m.cnnm reproduced byte for byte"
    else
      echo "train-models: $m.cnnm differs from the shipped file"
      status=1
    fi
  done
  exit $status
fi
