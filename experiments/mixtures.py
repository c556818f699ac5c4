"""Mode collapse on the 2-D ring of 8 and grid of 25 Gaussians: GAN and PacGAN.

    python experiments/mixtures.py --steps 10000 --eval-steps 2000,5000,10000 --packs 1,2 --seeds 5
    python experiments/mixtures.py --recipe short      # the earlier short recipe (Adam 1e-3, 4,000 steps)

    taskset -c 1 python experiments/mixtures.py --mixtures ring --steps 400000 \
        --eval-steps 10000,50000,100000,200000,300000,400000 --seeds 3   # the paper's budget, hours

`--recipe pacgan` (default) is PacGAN's synthetic experiment (Lin et al.
2018, section 5.1; fjxmlzn/PacGAN `synthetic_data_experiments`, read from
the code):
- data: a fixed training set of 100,000 points of the mixture (ring: 8
  modes on the unit circle, std 0.01; grid: 25 modes at {-4, -2, 0, 2, 4}^2,
  std 0.05), shuffled; minibatches of 100 packs, i.e. 100 m points;
- G: z ~ N(0, I_2) -> 4 x (dense 400 without bias, batch normalization with
  population statistics updated by 0.05 per step, ReLU) -> dense 2;
- D: 3 maxout layers of 200 units x 5 pieces on the m packed points (2 m
  features), then a logit; weights N(0, 0.02), biases 0 (G's too);
- D's cross-entropy, G's -log D(G(z)); Adam 1e-4, beta_1 0.8, for both;
  simultaneous updates (both gradients from one forward pass);
- 400 epochs of 1,000 updates in the paper; here `--steps` (this machine's
  budget), evaluated at each of `--eval-steps`;
- evaluation: 2,500 samples from a fixed z; a sample is high quality within
  3 standard deviations of its nearest mode; a mode is captured by at least
  one high-quality sample; KL from the modes' histogram to uniform
  (`keras_gan.evaluation.modes`).

The fast path is the default: `jit_compile=True, steps_per_execution=50`
(`--no-fast` for plain `fit`).

Runs live in `--out` (default `$KERAS_GAN_RUNS/mixtures`, `KERAS_GAN_RUNS`
defaulting to `~/keras_gan_runs`), one directory per run,
`<recipe>_<mixture>_m<pack>_seed<seed>_<steps>/`: its settings
(`config.json`), a backup after every epoch of 1,000 updates and on SIGTERM
or Ctrl-C, its evaluations so far (`progress.json`, the samples as
`samples_<step>.npy`). The same command continues an interrupted run where
its last backup stopped; a run directory with other settings (say other
`--eval-steps`) is refused, naming what differs. A finished run writes
`result.json`, exports its generator (`generator/`: the project's
SavedModel, whose `sample` signature draws z ~ N(0, I_2)) and appends one
line to `<out>/runs.jsonl`; a restarted command skips it. Seeds run in the
outer loop, so that GAN and PacGAN2 progress together. `--report` writes
`<out>/summary.json` (mean and standard error over seeds at every evaluated
step) and figures, without training; `--records` adds finished runs
recorded elsewhere, such as the `result.json` of runs made on another
machine or an exported generator's `config.json` (a record without its
evaluations counts at its last step, from `result_at_<steps>`):

    python experiments/mixtures.py --report --mixtures ring --steps 400000 \
        --records other_machine/pacgan_ring_*/result.json
"""

import argparse
import json
import os
import statistics
import time

import keras
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan import data  # noqa: E402
from keras_gan.architectures import Maxout  # noqa: E402
from keras_gan.evaluation.modes import mode_coverage  # noqa: E402

# PacGAN's Table 1 (10 trials): (modes, standard
# error, % high quality, standard error, KL); None where we do not have it.
PUBLISHED = {
    "ring": {
        1: (6.3, 0.5, 98.2, 0.2, 0.45), 2: (7.9, None, 95.6, None, 0.07),
        3: (7.8, None, 97.7, None, None), 4: (7.8, None, 95.9, None, None),
    },
    "grid": {
        1: (17.3, 0.8, 94.8, 0.7, 0.70), 2: (23.8, None, 91.3, None, 0.13),
        3: (24.6, None, 94.2, None, None), 4: (24.8, None, 93.6, None, None),
    },
}
TRAINING_POINTS = 100_000
BATCH_PACKS = 100
EVALUATION_SAMPLES = 2500


def pacgan_networks(pack):
    """PacGAN's synthetic G and D; D takes `pack` points (2 pack features)."""
    init = keras.initializers.RandomNormal(0.0, 0.02)
    z = keras.Input((2,), name="z")
    x = z
    for _ in range(4):
        x = keras.layers.Dense(400, use_bias=False, kernel_initializer=init)(x)
        x = keras.layers.BatchNormalization(momentum=0.95)(x)
        x = keras.layers.ReLU()(x)
    generator = keras.Model(z, keras.layers.Dense(2, kernel_initializer=init)(x), name="generator")
    points = keras.Input((2 * pack,), name="packed_points")
    x = points
    for _ in range(3):
        x = Maxout(200, 5, kernel_initializer=init)(x)
    logits = keras.layers.Dense(1, kernel_initializer=init)(x)
    return generator, keras.Model(points, logits, name="discriminator")


def short_networks(pack):
    """The earlier short recipe's networks (Glorot initialisation)."""
    z = keras.Input((2,))
    x = z
    for _ in range(4):
        x = keras.layers.Dense(400, use_bias=False)(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
    generator = keras.Model(z, keras.layers.Dense(2)(x))
    points = keras.Input((2 * pack,))
    x = points
    for _ in range(3):
        x = Maxout(200, 5)(x)
    return generator, keras.Model(points, keras.layers.Dense(1)(x))


def build(recipe, pack, seed, fast):
    keras.utils.set_random_seed(seed)
    if recipe == "pacgan":
        gan = keras_gan.GAN(*pacgan_networks(pack), pack=pack, seed=seed)
        optimizers = [keras.optimizers.Adam(1e-4, beta_1=0.8) for _ in range(2)]
        update = "simultaneous"
    else:
        gan = keras_gan.GAN(*short_networks(pack), pack=pack, seed=seed)
        optimizers = [keras.optimizers.Adam(1e-3, beta_1=0.5) for _ in range(2)]
        update = "alternating"
    fast_path = {"jit_compile": True, "steps_per_execution": 50} if fast else {}
    gan.compile(
        *optimizers,
        # Applied with target 1: -log D(G(z)), the cost of PacGAN's code.
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        update=update,
        **fast_path,
    )
    return gan


def training_points(name, seed):
    """A fixed training set of the mixture, float32 `(100000, 2)`."""
    means, sigma = data.MIXTURES[name]
    rng = np.random.default_rng(seed)
    modes = rng.integers(len(means), size=TRAINING_POINTS)
    return (means[modes] + sigma * rng.standard_normal((TRAINING_POINTS, 2))).astype(np.float32)


class Evaluations(keras.callbacks.Callback):
    """Mode coverage of 2,500 samples from a fixed z after chosen updates,
    kept in `run_dir` (`progress.json`, `samples_<step>.npy`) with the
    training time so far, so that a resumed run keeps what it measured."""

    def __init__(self, name, steps, steps_per_epoch, z, run_dir):
        super().__init__()
        self.means, self.sigma = data.MIXTURES[name]
        self.steps, self.steps_per_epoch, self.z = set(steps), steps_per_epoch, z
        self.path = os.path.join(run_dir, "progress.json")
        self.run_dir = run_dir
        progress = keras_gan.run.read_json(self.path) if os.path.exists(self.path) else {}
        self.results = {int(step): result for step, result in progress.get("results", {}).items()}
        self.seconds = progress.get("seconds", 0.0)
        self.starts = progress.get("starts", 0) + 1  # processes that have trained this run

    def samples(self):
        return {step: np.load(os.path.join(self.run_dir, f"samples_{step}.npy")) for step in sorted(self.results)}

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.time()

    def on_epoch_end(self, epoch, logs=None):
        # An epoch cut by a signal is not counted: its updates are redone.
        self.seconds += time.time() - self.started
        step = (epoch + 1) * self.steps_per_epoch
        if step in self.steps:
            samples = self.model.generate_from_latent(self.z).numpy()
            self.results[step] = mode_coverage(samples, self.means, self.sigma)
            np.save(os.path.join(self.run_dir, f"samples_{step}.npy"), samples)
        keras_gan.run.write_json(self.path, {
            "results": {str(step): result for step, result in sorted(self.results.items())},
            "seconds": round(self.seconds, 1),
            "starts": self.starts,
        })


def run_config(name, pack, seed, args):
    """The settings one run records; a run directory continues only with these."""
    return {"mixture": name, "pack": pack, "seed": seed, "recipe": args.recipe, "steps": args.steps,
            "eval_steps": args.eval_steps, "fast": not args.no_fast}


def run(name, pack, seed, args):
    """Trains (or continues) one run in its directory; returns its record
    and samples, or None when a signal stopped it (its backup is written)."""
    config = run_config(name, pack, seed, args)
    run_dir = os.path.join(args.out, f"{args.recipe}_{name}_m{pack}_seed{seed}_{args.steps}")
    result_path = os.path.join(run_dir, "result.json")
    keras_gan.run.lock(run_dir, name="run directory")  # one process per run directory, held until this one ends
    resume = keras_gan.run.check_resume(run_dir, config, name="run directory")
    os.makedirs(run_dir, exist_ok=True)
    if not resume:
        keras_gan.run.write_json(os.path.join(run_dir, "config.json"), config)
    steps_per_epoch = 1000
    z = np.random.default_rng(10_000 + seed).standard_normal((EVALUATION_SAMPLES, 2)).astype(np.float32)
    evaluations = Evaluations(name, args.eval_steps, steps_per_epoch, z, run_dir)
    if os.path.exists(result_path):
        return keras_gan.run.read_json(result_path), evaluations.samples()
    gan = build(args.recipe, pack, seed, not args.no_fast)
    points = training_points(name, seed)

    def dataset():
        data = tf.data.Dataset.from_tensor_slices(points)
        return data.shuffle(TRAINING_POINTS, seed=seed, reshuffle_each_iteration=True).batch(
            BATCH_PACKS * pack, drop_remainder=True
        )

    backup = keras_gan.callbacks.BackupAndRestore(os.path.join(run_dir, "backup"), delete_checkpoint=False)
    try:
        keras_gan.training.fit_resumable(
            gan, dataset, epochs=args.steps // steps_per_epoch, backup=backup, steps_per_epoch=steps_per_epoch,
            callbacks=[evaluations], verbose=0,
        )
    except keras_gan.callbacks.Preempted as stop:
        print(f"mixtures.py: {stop}; the same command continues the run in {run_dir}", flush=True)
        return None, None
    keras_gan.export.export_generator(gan, os.path.join(run_dir, "generator"))
    record = {
        **{key: config[key] for key in ("mixture", "pack", "seed", "recipe", "steps")},
        "seconds": round(evaluations.seconds, 1),
        "starts": evaluations.starts,
        "run_dir": run_dir,
        "results": {str(step): result for step, result in sorted(evaluations.results.items())},
    }
    keras_gan.run.write_json(result_path, record)  # last: the run is finished only now
    return record, evaluations.samples()


def run_key(record):
    """What names one run: (mixture, pack, seed, recipe, steps)."""
    return record["mixture"], record["pack"], record["seed"], record["recipe"], record["steps"]


def read_log(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def read_records(paths):
    """Finished runs' records from JSON files (`result.json` or an export's
    `config.json`): each with `results` {step: evaluation}; a record that
    has only `result_at_<steps>` is given that one evaluation."""
    records = []
    for path in paths:
        record = keras_gan.run.read_json(path)
        if "results" not in record:
            key = f"result_at_{record['steps']}"
            if key not in record:
                raise ValueError(f"expected results or {key} in {path}, received neither")
            record["results"] = {str(record["steps"]): record[key]}
        records.append(record)
    return records


def summarize(records):
    """Mean and standard error over seeds, per (mixture, pack, step)."""
    groups = {}
    for record in records:
        for step, result in record["results"].items():
            groups.setdefault((record["mixture"], record["pack"], int(step)), []).append(result)
    summary = []
    for (name, pack, step), results in sorted(groups.items()):
        row = {"mixture": name, "pack": pack, "step": step, "seeds": len(results)}
        for key, scale in (("modes_captured", 1), ("high_quality", 100), ("kl_to_uniform", 1)):
            values = [scale * r[key] for r in results]
            row[key] = statistics.mean(values)
            row[f"{key}_se"] = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else None
        summary.append(row)
    return summary


def plot(samples_by_pack, name, path):
    means, _ = data.MIXTURES[name]
    rows = sorted(samples_by_pack)
    steps = sorted(next(iter(samples_by_pack.values())))
    size = (2.6 * len(steps), 2.6 * len(rows))
    figure, axes = plt.subplots(len(rows), len(steps), figsize=size, squeeze=False)
    limit = np.abs(means).max() * 1.5
    for i, pack in enumerate(rows):
        for j, step in enumerate(steps):
            axis = axes[i][j]
            points = samples_by_pack[pack][step]
            axis.scatter(points[:, 0], points[:, 1], s=1, alpha=0.4)
            axis.scatter(means[:, 0], means[:, 1], s=16, c="red", marker="x")
            axis.set_title(f"{'GAN' if pack == 1 else f'PacGAN{pack}'}, step {step}", fontsize=8)
            axis.set(xlim=(-limit, limit), ylim=(-limit, limit), aspect="equal", xticks=[], yticks=[])
    figure.tight_layout()
    figure.savefig(path, dpi=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipe", choices=("pacgan", "short"), default="pacgan")
    parser.add_argument("--steps", type=int, default=None, help="updates per run (default: 10000; short recipe 4000)")
    parser.add_argument("--eval-steps", default=None,
                        help="comma-separated update counts to evaluate at (multiples of 1000)")
    parser.add_argument("--packs", default="1,2", help="comma-separated m (1 = the unpacked GAN)")
    parser.add_argument("--mixtures", default="ring,grid")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--seed-list", default=None, help="comma-separated seeds to run (instead of 0 .. --seeds - 1)")
    parser.add_argument("--out", default=None, help="default: $KERAS_GAN_RUNS/mixtures")
    parser.add_argument("--no-fast", action="store_true", help="plain fit, without XLA and steps_per_execution")
    parser.add_argument("--report", action="store_true", help="summarize runs.jsonl and --records, without training")
    parser.add_argument("--records", nargs="*", default=[],
                        help="also summarize these records of finished runs (result.json or an export's config.json)")
    args = parser.parse_args()
    args.steps = args.steps or (10000 if args.recipe == "pacgan" else 4000)
    if args.steps % 1000:
        parser.error(f"argument --steps: expected a multiple of 1000, received {args.steps}")
    # Default: after 20 %, 50 % and 100 % of the updates, in whole epochs of 1,000.
    eval_steps = args.eval_steps or ",".join(str(max(1000, args.steps * f // 10 // 1000 * 1000)) for f in (2, 5, 10))
    args.eval_steps = sorted({int(s) for s in eval_steps.split(",")})
    if any(s % 1000 or s > args.steps for s in args.eval_steps):
        parser.error(f"argument --eval-steps: expected multiples of 1000 up to --steps, received {eval_steps}")
    args.out = args.out or os.path.join(keras_gan.run.runs_root(), "mixtures")
    try:  # read before any training, so that a bad path fails at once
        exported = read_records(args.records)
    except (OSError, ValueError, KeyError) as error:
        parser.error(f"argument --records: {error}")
    os.makedirs(args.out, exist_ok=True)
    log = os.path.join(args.out, "runs.jsonl")
    seeds = [int(s) for s in args.seed_list.split(",")] if args.seed_list else list(range(args.seeds))
    if not args.report:
        for name in args.mixtures.split(","):
            for seed in seeds:
                for pack in (int(p) for p in args.packs.split(",")):
                    # Read again before each run: several processes may share the log.
                    if (name, pack, seed, args.recipe, args.steps) in {run_key(r) for r in read_log(log)}:
                        continue
                    try:
                        record, samples = run(name, pack, seed, args)
                    except keras_gan.run.RunDirectoryError as error:
                        parser.error(str(error))
                    if record is None:
                        raise SystemExit(1)
                    print(json.dumps(record), flush=True)
                    with open(log, "a") as f:
                        f.write(json.dumps(record) + "\n")
                    if seed == 0:  # the figure's samples, at every evaluated step
                        np.savez(os.path.join(args.out, f"samples_{name}_m{pack}.npz"),
                                 **{str(step): points for step, points in samples.items()})
    done = read_log(log)
    for name in data.MIXTURES:
        samples_by_pack = {}
        for pack in (1, 2, 3, 4):
            path = os.path.join(args.out, f"samples_{name}_m{pack}.npz")
            if os.path.exists(path):
                with np.load(path) as stored:
                    samples_by_pack[pack] = {int(step): stored[step] for step in stored.files}
        if samples_by_pack:
            plot(samples_by_pack, name, os.path.join(args.out, f"{name}.png"))
    # One record per run: a run in runs.jsonl and in --records counts once.
    runs = {run_key(r): r for r in exported + done}
    records = [r for r in runs.values() if r["recipe"] == args.recipe and r["steps"] == args.steps]
    summary = summarize(records)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({"summary": summary, "published": PUBLISHED, "runs": len(records)}, f, indent=2)
    for row in summary:
        print(
            f"{row['mixture']} m={row['pack']} step {row['step']}: {row['modes_captured']:.1f} modes, "
            f"{row['high_quality']:.1f} % high quality, KL {row['kl_to_uniform']:.2f} ({row['seeds']} seeds)"
        )


if __name__ == "__main__":
    main()
