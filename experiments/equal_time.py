"""Recipes on MNIST at equal wall-clock time: fcd10k_test against training seconds.

    taskset -c 0 python experiments/equal_time.py                    # dcgan, sngan, r3gan; 20 minutes each
    python experiments/equal_time.py --recipes dcgan,r3gan --minutes 5 --run-dir /tmp/equal_time

Each recipe of `train.py` (`--recipes`, its settings exactly as
`python train.py --recipe NAME --dry-run` prints them) trains on MNIST's
train split for `--minutes` of training time, one after the other in this
process. Every `--eval-minutes` of training time, and at the end, the
training clock stops while `keras_gan.callbacks.QualityMetrics` scores
10,000 samples (the EMA generator's, where the recipe keeps one; fixed
noise) in the MNIST classifier's features against the test split
(`fcd10k_test`, `kcd10k_test`). Training time includes each recipe's
tracing and compilation, as a user's run does; evaluation time is left
out and recorded beside it.

The run directory (`--run-dir`, default `$KERAS_GAN_RUNS/equal_time`)
holds `config.json` (this command's settings), one `<recipe>.jsonl` per
recipe (one line per evaluation: step, images seen, training seconds,
metrics, evaluation seconds), `<recipe>.png` (samples at the end),
`fcd.png` (all recipes' curves against training minutes) and
`summary.json`. A recipe is the unit of resumption: run the same command
again and the finished recipes are kept, an unfinished one starts over;
other settings are refused, naming them.
"""

import argparse
import json
import os
import sys
import time

import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan import plotting  # noqa: E402
from keras_gan.run import build  # noqa: E402
from keras_gan.run import cli  # noqa: E402
from keras_gan.run.directory import RunDirectoryError  # noqa: E402
from keras_gan.run.directory import check_resume  # noqa: E402
from keras_gan.run.directory import lock  # noqa: E402
from keras_gan.run.directory import write_json  # noqa: E402


class TrainingClock(keras.callbacks.Callback):
    """Evaluates every `eval_seconds` of training time and stops `fit` after
    `budget_seconds` of it; the clock stands still while `quality` evaluates.

    Each evaluation appends {step, images_seen, train_seconds, metrics,
    eval_seconds} to `records` and to `jsonl_path`.
    """

    def __init__(self, quality, budget_seconds, eval_seconds, images_per_step, jsonl_path):
        super().__init__()
        self.quality, self.budget, self.every = quality, budget_seconds, eval_seconds
        self.images_per_step, self.jsonl_path = images_per_step, jsonl_path
        self.records = []

    def set_model(self, model):
        super().set_model(model)
        self.quality.set_model(model)

    def on_train_begin(self, logs=None):
        self.quality.on_train_begin(logs)
        self.trained = 0.0
        self.next_eval = self.every
        self.started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.trained += time.perf_counter() - self.started
        if self.trained >= self.budget:
            self.model.stop_training = True
            self.evaluate()
        elif self.trained >= self.next_eval:
            self.evaluate()
            self.next_eval += self.every
        self.started = time.perf_counter()

    def evaluate(self):
        step = int(self.model.g_optimizer.iterations.numpy())
        start = time.perf_counter()
        metrics = self.quality.compute(self.model.generate(self.quality.num_samples, seed=self.quality.seed,
                                                           batch_size=self.quality.batch_size).numpy())
        record = {"step": step, "images_seen": step * self.images_per_step, "train_seconds": round(self.trained, 1),
                  "metrics": metrics, "eval_seconds": round(time.perf_counter() - start, 1)}
        self.records.append(record)
        with open(self.jsonl_path, "a") as f:
            f.write(json.dumps(record) + "\n")
        print(f"\n{json.dumps(record)}", flush=True)


def train_recipe(recipe, args):
    """Trains one recipe for the budget; returns its evaluation records."""
    config, _ = cli.resolve(["--recipe", recipe, "--data-dir", args.data_dir] if args.data_dir else
                            ["--recipe", recipe])
    config = argparse.Namespace(**{**config, "eval_every": 1, "output_dir": args.run_dir})
    keras.utils.set_random_seed(config.seed)
    dataset, _, _ = build.load_dataset(config)
    image_shape = tuple(dataset.element_spec.shape[1:])
    gan = build.build_gan(config, image_shape)
    quality = build.quality_metrics(config, image_shape, verbose=0)
    quality.jsonl_path = quality.best_export_dir = None  # this script writes its own records
    jsonl_path = os.path.join(args.run_dir, f"{recipe}.jsonl")
    if os.path.exists(jsonl_path):
        os.remove(jsonl_path)  # an unfinished recipe starts over
    clock = TrainingClock(quality, 60 * args.minutes, 60 * args.eval_minutes,
                          config.batch_size * config.d_steps, jsonl_path)
    gan.fit(dataset.repeat(), epochs=1, steps_per_epoch=10**9, callbacks=[clock], verbose=0)
    plotting.save_image_grid(gan.generate(64, seed=config.seed).numpy(), os.path.join(args.run_dir, f"{recipe}.png"))
    return clock.records


def plot(results, path):
    figure, axis = plt.subplots(figsize=(6, 4))
    for recipe, records in results.items():
        axis.plot([r["train_seconds"] / 60 for r in records], [r["metrics"]["fcd10k_test"] for r in records],
                  marker="o", label=recipe)
    axis.set_xlabel("training time (minutes, one CPU core)")
    axis.set_ylabel("fcd10k_test (lower is better)")
    axis.set_yscale("log")
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipes", default="dcgan,sngan,r3gan",
                        help="train.py recipes, comma-separated (default: dcgan,sngan,r3gan)")
    parser.add_argument("--minutes", type=float, default=20.0, help="training time per recipe (default: 20)")
    parser.add_argument("--eval-minutes", type=float, default=2.5,
                        help="training time between evaluations (default: 2.5)")
    parser.add_argument("--run-dir", help="default: $KERAS_GAN_RUNS/equal_time")
    parser.add_argument("--data-dir", help="TFDS data directory (default: $TFDS_DATA_DIR)")
    args = parser.parse_args(argv)
    args.recipes = args.recipes.split(",")
    unknown = [r for r in args.recipes if r not in keras_gan.run.recipes.RECIPES]
    if unknown:
        parser.error(f"argument --recipes: expected names from {sorted(keras_gan.run.recipes.RECIPES)}; "
                     f"received {unknown}")
    if args.minutes <= 0 or args.eval_minutes <= 0:
        parser.error("arguments --minutes and --eval-minutes: expected positive numbers")
    args.run_dir = args.run_dir or os.path.join(keras_gan.run.runs_root(), "equal_time")
    return args


def main(argv=None):
    args = parse_args(argv)
    settings = {"recipes": args.recipes, "minutes": args.minutes, "eval_minutes": args.eval_minutes}
    try:
        lock(args.run_dir, name="--run-dir")  # one process per run directory, held until this one ends
        check_resume(args.run_dir, settings)
    except RunDirectoryError as error:
        sys.exit(f"error: {error}")
    os.makedirs(args.run_dir, exist_ok=True)
    write_json(os.path.join(args.run_dir, "config.json"), settings)
    results = {}
    for recipe in args.recipes:
        done = os.path.join(args.run_dir, f"{recipe}.done")
        if not os.path.exists(done):
            train_recipe(recipe, args)
            open(done, "w").close()
        with open(os.path.join(args.run_dir, f"{recipe}.jsonl")) as f:
            results[recipe] = [json.loads(line) for line in f]
    plot(results, os.path.join(args.run_dir, "fcd.png"))
    summary = {recipe: {"steps": records[-1]["step"], "images_seen": records[-1]["images_seen"],
                        "train_seconds": records[-1]["train_seconds"],
                        "final_fcd10k_test": records[-1]["metrics"]["fcd10k_test"],
                        "best_fcd10k_test": min(r["metrics"]["fcd10k_test"] for r in records)}
               for recipe, records in results.items()}
    write_json(os.path.join(args.run_dir, "summary.json"), summary)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
