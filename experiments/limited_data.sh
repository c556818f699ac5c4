#!/usr/bin/env bash
# Limited-data MNIST: the default DCGAN trained on train[:1000] and
# train[:500] without augmentation, with DiffAugment (color,translation,
# cutout at p = 1) and with ADA's adaptive p, against the full training set
# as the reference; every run 2,000 generator updates of minibatch 64
# (10 epochs of 200 steps, the small splits repeated), then the project's
# classifier-feature metrics on 10,000 samples against the test set.
#   bash experiments/limited_data.sh [OUTPUT_ROOT]   (default: runs/limited_data)
set -euo pipefail
root="${1:-runs/limited_data}"
common=(--batch-size 64 --epochs 10 --steps-per-epoch 200 --verbose 2)

run() {
  local name="$1"; shift
  if [ ! -d "$root/$name/generator" ]; then
    /usr/bin/time -f "$name: %e s" python train.py "$@" "${common[@]}" --output-dir "$root/$name"
  fi
  python -m keras_gan.evaluation "$root/$name" --skip parzen two_sample
}

run full
for n in 1000 500; do
  run "n${n}_none" --split "train[:$n]"
  run "n${n}_diffaugment" --split "train[:$n]" --recipe limited_data_diffaugment
  run "n${n}_ada" --split "train[:$n]" --recipe limited_data_ada
done
