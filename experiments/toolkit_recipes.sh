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

# The recipes by name (python train.py --list-recipes); SNGAN's CNN at width 32 for this CPU.
run dcgan --recipe dcgan
run wgan_gp --recipe wgan_gp --width 32
run sngan --recipe sngan --width 32
run stylegan2_r1_ema --recipe stylegan2_r1_ema
