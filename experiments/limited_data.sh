#!/usr/bin/env bash
# Limited-data MNIST: the default DCGAN trained on train[:1000] and
# train[:500] without augmentation, with DiffAugment (color,translation,
# cutout at p = 1) and with ADA's adaptive p, against the full training set
# as the reference; every run 2,000 generator updates of minibatch 64
# (10 epochs of 200 steps, the small splits repeated), then the project's
# classifier-feature metrics on 10,000 samples against the test set. Every
# epoch, D's mean logit and r_t on 1,000 training images beside 1,000 test
# images go into each run's history.csv (--overfitting-every 1), and 20
# times per run fcd10k_test (--eval-every); then
#   python experiments/limited_data_report.py ROOT
# draws both against the updates.
#   bash experiments/limited_data.sh [OUTPUT_ROOT [EPOCHS]]
#   (default: $KERAS_GAN_RUNS/limited_data, KERAS_GAN_RUNS defaulting to
#   ~/keras_gan_runs; 10 epochs of 200 updates. An interrupted run
#   continues when the same command runs again.)
set -euo pipefail
root="${1:-${KERAS_GAN_RUNS:-$HOME/keras_gan_runs}/limited_data}"
epochs="${2:-10}"
every=$(( epochs / 20 > 0 ? epochs / 20 : 1 ))
common=(--batch-size 64 --epochs "$epochs" --steps-per-epoch 200 --overfitting-every 1 --eval-every "$every"
        --verbose 2)

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
