"""MNIST quality to convergence: train.py runs' Frechet distance against training time.

    python experiments/convergence.py ~/keras_gan_runs/mnist_dcgan ~/keras_gan_runs/mnist_sngan \\
        --out docs/figures/convergence_fcd.png --table docs/run_records/convergence_fcd.json

Each RUN_DIR is a `train.py` run with `--eval-every` (its `metrics.jsonl`,
whose records carry `training_seconds`: wall-clock training time,
evaluations excluded, summed over every process that trained the run). The figure plots the first
Frechet distance named in the records (e.g. `fcd10k_test`) against
training hours, one line per run, labelled by the run directory's name;
the table printed (and written as JSON beside the figure) gives each run's
best distance, at which epoch and training time, its last, and the lowest
reached within `--budget-hours` (default 1: the default recipe's
criterion). Records without `training_seconds` (written before it
existed) are left out and counted.
"""

import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402

from harness import read_evaluations  # noqa: E402 - experiments/harness.py, beside this script


def read_records(run_dir):
    """(metric name, [(hours, epoch, value)], records left out) of a run."""
    records = read_evaluations(run_dir, "metrics.jsonl", "--eval-every")
    name = next(key for key in records[0]["metrics"] if key.startswith(("fcd", "fid")))
    timed = [r for r in records if "training_seconds" in r]
    points = [(r["training_seconds"] / 3600, r["epoch"], r["metrics"][name]) for r in timed]
    return name, points, len(records) - len(timed)


def summarize(label, points, budget_hours):
    best = min(points, key=lambda p: p[2])
    within = [p for p in points if p[0] <= budget_hours]
    return {
        "run": label,
        "evaluations": len(points),
        "best": best[2], "best_epoch": best[1], "best_hours": round(best[0], 3),
        "last": points[-1][2], "last_epoch": points[-1][1], "hours": round(points[-1][0], 3),
        f"best_within_{budget_hours:g}_hours": min(p[2] for p in within) if within else None,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dirs", nargs="+", help="train.py run directories with metrics.jsonl")
    parser.add_argument("--out", default="convergence_fcd.png", help="the figure")
    parser.add_argument("--table", default=None, help="the table (JSON); default: beside the figure, .json")
    parser.add_argument("--budget-hours", type=float, default=1.0, help="the time budget of the table's last column")
    args = parser.parse_args(argv)
    figure, axis = plt.subplots(figsize=(7, 4.5))
    rows, names = [], set()
    for run_dir in args.run_dirs:
        try:
            name, points, skipped = read_records(run_dir)
        except (FileNotFoundError, ValueError) as error:
            parser.error(str(error))
        if not points:
            parser.error(f"Invalid run directory {run_dir!r}: no record carries training_seconds")
        label = os.path.basename(os.path.normpath(run_dir))
        names.add(name)
        axis.plot([p[0] for p in points], [p[2] for p in points], "-o", ms=2, label=label)
        rows.append({**summarize(label, points, args.budget_hours), "left_out": skipped})
    axis.axvline(args.budget_hours, color="gray", lw=0.8, ls="--")
    axis.set(xlabel="training hours (evaluations excluded)", ylabel=" / ".join(sorted(names)), yscale="log")
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(args.out, dpi=90)
    with open(args.table or os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(rows, f, indent=2)
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
