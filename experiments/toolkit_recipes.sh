#!/usr/bin/env bash
# The README's four recipes on real MNIST at the same budget: 1,000 generator
# updates of minibatch 64 each (5 epochs of 200 steps), then the project's
# classifier-feature metrics on 10,000 samples of each run's export.
#   bash experiments/toolkit_recipes.sh [OUTPUT_ROOT]   (default: runs/recipes)
set -euo pipefail
root="${1:-runs/recipes}"
common=(--batch-size 64 --epochs 5 --steps-per-epoch 200 --verbose 2)

run() {
  local name="$1"; shift
  if [ ! -d "$root/$name/generator" ]; then
    /usr/bin/time -f "$name: %e s" python train.py "$@" "${common[@]}" --output-dir "$root/$name"
  fi
  python -m keras_gan.evaluation "$root/$name" --skip parzen two_sample
}

run dcgan
run wgan_gp --architecture sngan --width 32 --loss wasserstein --gradient-penalty wgan_gp \
  --d-steps 5 --learning-rate 1e-4 --beta-1 0 --beta-2 0.9
run sngan --architecture sngan --width 32 --loss hinge --spectral-norm \
  --d-steps 5 --learning-rate 2e-4 --beta-1 0 --beta-2 0.9
run stylegan2_r1_ema --gradient-penalty r1 --gradient-penalty-every 16 --ema-decay 0.999
