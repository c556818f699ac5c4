"""Little data: D's overfitting and the Frechet distance of each limited-data run, against updates.

    bash experiments/limited_data.sh ROOT EPOCHS        # the runs
    python experiments/limited_data_report.py ROOT      # ROOT/limited_data.png and ROOT/limited_data.json

For every run directory in ROOT (`full`, `n1000_none`, `n1000_ada`, ...):
the top panel plots `d_logit_gap` from its `history.csv` (D's mean logit
on 1,000 training images minus on 1,000 test images it never sees,
`keras_gan.callbacks.DiscriminatorOverfitting`; it grows as D memorises
its training set, Karras et al. 2020, section 2), the bottom one the
Frechet distance of its `metrics.jsonl` (lower is better). Both are
against generator updates: epoch x `--steps-per-epoch` (200 in
limited_data.sh). The JSON gives, per run, the last gap, the lowest
distance and its update, and the last distance: a run whose distance
rises again after its lowest while its gap grows is the papers' overfitting
D.
"""

import argparse
import csv
import json
import os

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402


def read_run(run_dir, steps_per_epoch):
    """{"gap": [(updates, gap)], "distance": [(updates, value)], "name": metric name or None}."""
    gap, distance, name = [], [], None
    history = os.path.join(run_dir, "history.csv")
    if os.path.exists(history):
        with open(history) as f:
            for row in csv.DictReader(f):
                value = float(row.get("d_logit_gap") or "nan")
                if value == value:  # NaN: an epoch without a measurement
                    gap.append(((int(row["epoch"]) + 1) * steps_per_epoch, value))
    metrics = os.path.join(run_dir, "metrics.jsonl")
    if os.path.exists(metrics):
        with open(metrics) as f:
            records = [json.loads(line) for line in f if line.strip()]
        for record in records:
            name = name or next(key for key in record["metrics"] if key.startswith(("fcd", "fid")))
            distance.append((record["step"], record["metrics"][name]))
    return {"gap": gap, "distance": distance, "name": name}


def summary(label, run):
    row = {"run": label, "last_gap": run["gap"][-1][1] if run["gap"] else None}
    if run["distance"]:
        best = min(run["distance"], key=lambda point: point[1])
        row.update(lowest=best[1], lowest_at_update=best[0], last=run["distance"][-1][1],
                   last_update=run["distance"][-1][0])
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", help="the directory of limited_data.sh's runs")
    parser.add_argument("--steps-per-epoch", type=int, default=200, help="generator updates per epoch (default 200)")
    args = parser.parse_args(argv)
    runs = {
        name: read_run(os.path.join(args.root, name), args.steps_per_epoch)
        for name in sorted(os.listdir(args.root)) if os.path.isdir(os.path.join(args.root, name))
    }
    runs = {name: run for name, run in runs.items() if run["gap"] or run["distance"]}
    if not runs:
        parser.error(f"argument root: expected run directories with history.csv or metrics.jsonl in {args.root!r}")
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True)
    names = set()
    for label, run in runs.items():
        style = "--" if label.startswith("n500") else ":" if label == "full" else "-"
        if run["gap"]:
            top.plot(*zip(*run["gap"]), style, label=label)
        if run["distance"]:
            bottom.plot(*zip(*run["distance"]), style, marker="o", ms=2, label=label)
            names.add(run["name"])
    top.axhline(0, color="gray", lw=0.8)
    top.set(ylabel="D's mean logit: training - held-out", title="Little data: does D overfit?")
    bottom.set(xlabel="generator updates", ylabel=" / ".join(sorted(names)) or "Frechet distance", yscale="log")
    top.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    figure.savefig(os.path.join(args.root, "limited_data.png"), dpi=90)
    rows = [summary(label, run) for label, run in runs.items()]
    with open(os.path.join(args.root, "limited_data.json"), "w") as f:
        json.dump(rows, f, indent=2)
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
