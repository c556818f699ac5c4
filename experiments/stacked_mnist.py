"""PacGAN Table 2 on Stacked MNIST: modes captured and KL against training updates.

Trains with the command (one run per model, resumable, outside the work tree):

    keras-gan --recipe pacgan_dcgan --dataset stacked_mnist --batch-size 64 --steps-per-epoch 250 \\
        --epochs 400 --modes-every 1 --backup-every 100 --output-dir ~/keras_gan_runs/stacked_mnist_pacgan_dcgan
    keras-gan --recipe pacgan_pacdcgan2 ...   (the same flags, its own --output-dir)

400 epochs of 250 updates are PacGAN's 50 epochs of 128,000 samples at
batch 64: 100,000 updates. Then this script draws both curves from the
runs' `modes.jsonl` (the mode count of 26,000 samples after every epoch)
and prints each run's last and best evaluation:

    python experiments/stacked_mnist.py ~/keras_gan_runs/stacked_mnist_pacgan_dcgan \\
        ~/keras_gan_runs/stacked_mnist_pacgan_pacdcgan2 --out docs/figures/stacked_mnist_modes.png \\
        --table docs/run_records/stacked_mnist_modes.json
"""

import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402

from harness import read_evaluations  # noqa: E402 - experiments/harness.py, beside this script

# PacGAN Table 2 (10 trials, standard error): modes, KL.
PAPER = {"pacgan_dcgan": (78.9, 6.46, 4.50, 0.127), "pacgan_pacdcgan2": (1000.0, 0.0, 0.06, 0.003)}


def read_records(run_dir):
    """The run's evaluations, [{"step", "epoch", "modes", "mode_kl", ...}], in order."""
    return read_evaluations(run_dir, "modes.jsonl", "--modes-every")


def label_of(run_dir):
    with open(os.path.join(run_dir, "config.json")) as f:
        return json.load(f)["recipe"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dirs", nargs="+", help="keras-gan run directories with modes.jsonl")
    parser.add_argument("--out", default="stacked_mnist_modes.png", help="the figure")
    parser.add_argument("--table", default=None, help="the table (JSON); default: beside the figure, .json")
    args = parser.parse_args(argv)
    figure, (modes_axis, kl_axis) = plt.subplots(1, 2, figsize=(10, 4))
    summary = []
    for run_dir in args.run_dirs:
        label, records = label_of(run_dir), read_records(run_dir)
        steps = [r["step"] for r in records]
        line, = modes_axis.plot(steps, [r["modes"] for r in records], marker="o", label=label)
        kl_axis.plot(steps, [r["mode_kl"] for r in records], marker="o", label=label, color=line.get_color())
        if label in PAPER:  # the paper's value at 100,000 updates, dashed
            modes_axis.axhline(PAPER[label][0], linestyle="--", color=line.get_color(), label=f"{label}, paper")
            kl_axis.axhline(PAPER[label][2], linestyle="--", color=line.get_color(), label=f"{label}, paper")
        last = records[-1]
        summary.append({"recipe": label, "updates": last["step"], "modes": last["modes"], "kl": last["mode_kl"],
                        "most_modes": max(r["modes"] for r in records), "paper": PAPER.get(label)})
    modes_axis.set(xlabel="updates (1 D + 2 G each)", ylabel="modes captured (of 1,000)", ylim=(0, 1050))
    kl_axis.set(xlabel="updates (1 D + 2 G each)", ylabel="KL(generated || uniform), nats", ylim=(0, 7))
    for axis in (modes_axis, kl_axis):
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(args.out, dpi=80)
    with open(args.table or os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    for row in summary:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
