"""The 2014 GAN paper's MNIST experiment with its own recipe, and its Parzen estimate.

    python experiments/goodfellow2014.py                 # the reference run, ~/keras_gan_runs/goodfellow2014
    taskset -c 1 python experiments/goodfellow2014.py    # the same on one core, leaving the other free

The recipe is goodfeli/adversarial's `mnist.yaml` at its last commit
(commit f77a509 of June 2014, unchanged since; the README's table gives each
detail's file and name):
- data: MNIST train[0:50000], pixels in [0, 1]; validation train[50000:60000];
  minibatches of 100, shuffled each epoch;
- z: 100 dims, U(-sqrt 3, sqrt 3) (`noise: 'uniform'`; `Generator`'s
  default would be N(0, I), `--latent-prior normal` for that ablation);
- G: ReLU 1200, ReLU 1200, sigmoid 784; weights U(-0.05, 0.05), hidden biases
  0, output bias logit(mean pixel), the mean clipped to [1e-7, 1 - 1e-7];
- D: maxout 240 x 5, maxout 240 x 5, sigmoid 1; weights U(-0.005, 0.005),
  biases 0; dropout keeping 0.8 of the inputs and 0.5 of each hidden layer
  (inverted: kept values scaled by 1.25 and 2), active in both costs;
- costs: D's cross-entropy 1/2 (J_real + J_fake); G's -log D(G(z)) (the
  full non-saturating cost, not the tutorial's 1/2 of it);
- updates: simultaneous, k = 1: both gradients from the same minibatch,
  noise and dropout masks, then both applied;
- SGD, learning rate 0.1 divided by 1.000004 after every update (floor
  1e-6), momentum 0.5 rising linearly to 0.7 from epoch 1 to epoch 250.

Every `--eval-every` epochs, 10,000 samples (fixed noise) are scored by the
Parzen-window estimate on the validation split: sigma chosen on its first
1,000 images, the mean log-likelihood over the other 9,000 reported
(`parzen.jsonl`). The generator with the best validation estimate is kept
(`best.weights.h5`). Training stops after `--max-epochs`, or once at least
`--min-epochs` are done (250: where the momentum ramp saturates) and the
validation estimate has not improved for `--patience` epochs. Then the
test-set estimate of the best and of the last generator (the 2014 protocol,
`parzen_ll.py`: sigma among logspace(-1, 0, 10) chosen on
validation[:1000], the mean and standard error over the 10,000 test images)
goes to `result.json`, and the best generator is exported (`generator/`,
the project's SavedModel with the run's own latent prior).

The run directory (`--run-dir`, default `$KERAS_GAN_RUNS/goodfellow2014`,
`KERAS_GAN_RUNS` defaulting to `~/keras_gan_runs`) records the settings
(`config.json`) and is backed up every epoch (`backup/`) and on SIGTERM or
SIGINT: the same command continues it, in the middle of an epoch too; a
command with other settings refuses, naming them; a finished run prints its
result.
"""

import argparse
import json
import os
import time

import keras
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tensorflow_datasets as tfds  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan.architectures import Maxout  # noqa: E402
from keras_gan.architectures import ReplicaDropout  # noqa: E402
from keras_gan.evaluation import parzen  # noqa: E402

PAPER = {"log_likelihood": 225.0, "standard_error": 2.0}
SAMPLES_SEED = 2014


def mnist_unit_pixels(data_dir):
    """MNIST train and test images, float32 `(n, 28, 28, 1)` in [0, 1]."""
    splits = tfds.as_numpy(
        tfds.load("mnist", split=["train", "test"], data_dir=data_dir, batch_size=-1, download=False)
    )
    return [split["image"].astype(np.float32) / 255.0 for split in splits]


def networks(train_images):
    """G and D of `mnist.yaml`, with its initialisation."""
    mean = np.clip(train_images.reshape(len(train_images), -1).mean(axis=0), 1e-7, 1 - 1e-7)
    g_init = keras.initializers.RandomUniform(-0.05, 0.05)
    z = keras.Input((100,), name="z")
    x = keras.layers.Dense(1200, activation="relu", kernel_initializer=g_init)(z)
    x = keras.layers.Dense(1200, activation="relu", kernel_initializer=g_init)(x)
    x = keras.layers.Dense(
        784,
        activation="sigmoid",
        kernel_initializer=g_init,
        bias_initializer=keras.initializers.Constant(np.log(mean / (1 - mean))),
    )(x)
    generator = keras.Model(z, keras.layers.Reshape((28, 28, 1))(x), name="generator_2014")
    d_init = keras.initializers.RandomUniform(-0.005, 0.005)
    images = keras.Input((28, 28, 1), name="images")
    x = ReplicaDropout(0.2)(keras.layers.Flatten()(images))
    x = ReplicaDropout(0.5)(Maxout(240, 5, kernel_initializer=d_init)(x))
    x = ReplicaDropout(0.5)(Maxout(240, 5, kernel_initializer=d_init)(x))
    logits = keras.layers.Dense(1, kernel_initializer=d_init)(x)
    return generator, keras.Model(images, logits, name="discriminator_2014")


def learning_rate():
    return keras_gan.optimizers.FlooredExponentialDecay(0.1, 1, 1 / 1.000004, floor=1e-6)


def build_gan(train_images, seed, jit_compile=False, steps_per_execution=1, latent_prior="uniform"):
    keras.utils.set_random_seed(seed)
    gan = keras_gan.GAN(*networks(train_images), latent_prior=latent_prior, seed=seed)
    gan.compile(
        d_optimizer=keras_gan.optimizers.SGD(learning_rate(), momentum=0.5),
        g_optimizer=keras_gan.optimizers.SGD(learning_rate(), momentum=0.5),
        # Applied with target 1: -log D(G(z)) per sample.
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        update="simultaneous",
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )
    return gan


def flat(images):
    return np.asarray(images, np.float64).reshape(len(images), -1)


class ParzenMonitor(keras.callbacks.Callback):
    """Every `every` epochs: the validation Parzen estimate of 10,000
    samples, one line of `parzen.jsonl`, and the best G's weights. Stops
    training once `min_epochs` are done and the estimate has not improved
    for `patience` epochs."""

    def __init__(self, run_dir, validation, every, steps_per_epoch, min_epochs, patience):
        super().__init__()
        self.steps_per_epoch = steps_per_epoch
        self.path = os.path.join(run_dir, "parzen.jsonl")
        self.best_path = os.path.join(run_dir, "best.weights.h5")
        self.selection, self.scored = flat(validation[:1000]), flat(validation[1000:])
        self.every, self.min_epochs, self.patience = every, min_epochs, patience

    def records(self):
        if not os.path.exists(self.path):
            return []
        with open(self.path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def on_train_begin(self, logs=None):
        # After a resume: drop evaluations of epochs the backup does not hold.
        done = self.model.g_optimizer.iterations.numpy() // self.steps_per_epoch
        kept = [r for r in self.records() if r["epoch"] <= done]
        with open(self.path, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in kept)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        start = time.time()
        samples = flat(self.model.generate(10000, seed=SAMPLES_SEED))
        result = parzen.parzen_evaluation(samples, self.selection, self.scored)
        records = self.records()
        best = max((r["validation_log_likelihood"] for r in records), default=-np.inf)
        record = {
            "epoch": epoch + 1,
            "step": int(self.model.g_optimizer.iterations.numpy()),
            "validation_log_likelihood": result["log_likelihood"],
            "sigma": result["sigma"],
            "seconds": round(time.time() - start, 1),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
            **{key: float(value) for key, value in (logs or {}).items()},
        }
        if result["log_likelihood"] > best:
            self.model.generator.save_weights(self.best_path)
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
        estimate = f"{result['log_likelihood']:.1f} nats (sigma {result['sigma']:.3f})"
        print(f"epoch {epoch + 1}: validation Parzen {estimate}", flush=True)
        if should_stop([*records, record], self.min_epochs, self.patience):
            self.model.stop_training = True


class ProcessLog(keras.callbacks.Callback):
    """`processes.json`: one record per process that trained the run (start,
    last epoch end, updates at both, the CPUs it was allowed), rewritten at
    every epoch's end, so that the run's record can say how long it trained
    and on which CPUs."""

    def __init__(self, path):
        super().__init__()
        self.path = path
        self.processes = keras_gan.run.read_json(path) if os.path.exists(path) else []

    def on_train_begin(self, logs=None):
        if not hasattr(self, "record"):  # fit_resumable may call fit twice
            updates = int(self.model.g_optimizer.iterations.numpy())
            self.record = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "updates_at_start": updates,
                           "cpus": sorted(os.sched_getaffinity(0))}
            self.processes.append(self.record)

    def on_epoch_end(self, epoch, logs=None):
        self.record.update(ended=time.strftime("%Y-%m-%dT%H:%M:%S"),
                           updates_at_end=int(self.model.g_optimizer.iterations.numpy()))
        keras_gan.run.write_json(self.path, self.processes)


def should_stop(records, min_epochs, patience):
    """True once `min_epochs` are done and the best validation estimate is
    `patience` or more epochs old."""
    if not records or records[-1]["epoch"] < min_epochs:
        return False
    best = max(records, key=lambda r: r["validation_log_likelihood"])
    return records[-1]["epoch"] - best["epoch"] >= patience


def test_estimate(generator_weights, gan, validation, test):
    gan.generator.load_weights(generator_weights)
    samples = flat(gan.generate(10000, seed=SAMPLES_SEED + 1))
    return parzen.parzen_evaluation(samples, flat(validation[:1000]), flat(test))


def plot(records, path):
    from matplotlib import pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.plot([r["epoch"] for r in records], [r["validation_log_likelihood"] for r in records], marker=".")
    axis.axhline(PAPER["log_likelihood"], color="gray", linestyle="--", label="2014 paper (test): 225")
    axis.set(xlabel="epoch (500 updates each)", ylabel="validation Parzen log-likelihood (nats)")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=90)


# Settings that may differ when a run is continued: where the data are and
# how the step is traced (the same update; see the README on the noise XLA draws).
MAY_CHANGE = ("data_dir", "jit_compile", "steps_per_execution")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", default=None, help="default: $KERAS_GAN_RUNS/goodfellow2014")
    parser.add_argument("--max-epochs", type=int, default=1000, help="epochs of 500 updates at most (default: 1000)")
    parser.add_argument("--min-epochs", type=int, default=250, help="epochs before early stopping (default: 250)")
    parser.add_argument("--patience", type=int, default=50, help="epochs without a better validation estimate")
    parser.add_argument("--eval-every", type=int, default=5, help="epochs between validation Parzen estimates")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latent-prior", choices=("uniform", "normal"), default="uniform")
    parser.add_argument("--data-dir", default=os.environ.get("TFDS_DATA_DIR"), help="TFDS data directory holding mnist")
    parser.add_argument("--jit-compile", action="store_true", help="trace with XLA (slower here: README)")
    parser.add_argument("--steps-per-execution", type=int, default=50,
                        help="steps per traced call (default 50: the fastest path here, the same update)")
    args = parser.parse_args(argv)
    for name in ("max_epochs", "min_epochs", "patience", "eval_every", "steps_per_execution"):
        if getattr(args, name) < 1:
            parser.error(f"argument --{name.replace('_', '-')}: expected an int >= 1, received {getattr(args, name)}")
    if 500 % args.steps_per_execution:
        parser.error(f"argument --steps-per-execution: expected a divisor of 500, received {args.steps_per_execution}")
    args.run_dir = args.run_dir or os.path.join(keras_gan.run.runs_root(), "goodfellow2014")
    return args


def main(argv=None):
    args = parse_args(argv)
    config = {key: value for key, value in sorted(vars(args).items()) if key != "run_dir"}
    try:
        keras_gan.run.lock(args.run_dir)  # one process per run directory, held until this one ends
        resume = keras_gan.run.check_resume(args.run_dir, config, MAY_CHANGE)
    except keras_gan.run.RunDirectoryError as error:
        raise SystemExit(f"error: --run-dir {error}")
    result_path = os.path.join(args.run_dir, "result.json")
    if os.path.exists(result_path):
        print(f"{args.run_dir} holds a finished run:")
        print(json.dumps(keras_gan.run.read_json(result_path), indent=2))
        return
    train_all, test = mnist_unit_pixels(args.data_dir)
    train, validation = train_all[:50000], train_all[50000:]
    gan = build_gan(train, args.seed, args.jit_compile, args.steps_per_execution, args.latent_prior)
    os.makedirs(args.run_dir, exist_ok=True)
    if not resume:
        keras_gan.run.write_json(os.path.join(args.run_dir, "config.json"), config)

    def dataset():
        data = tf.data.Dataset.from_tensor_slices(train)
        return data.shuffle(len(train), seed=args.seed, reshuffle_each_iteration=True).batch(100, drop_remainder=True)

    steps_per_epoch = len(train) // 100
    monitor = ParzenMonitor(run_dir=args.run_dir, validation=validation, every=args.eval_every,
                            steps_per_epoch=steps_per_epoch, min_epochs=args.min_epochs, patience=args.patience)
    backup = keras_gan.callbacks.BackupAndRestore(os.path.join(args.run_dir, "backup"), delete_checkpoint=False)
    started = time.time()
    processes_path = os.path.join(args.run_dir, "processes.json")
    try:
        keras_gan.training.fit_resumable(
            gan,
            dataset,
            epochs=args.max_epochs,
            backup=backup,
            steps_per_epoch=steps_per_epoch,
            callbacks=[
                keras_gan.callbacks.MomentumRamp(0.7, start=1, saturate=250), monitor, ProcessLog(processes_path)
            ],
            verbose=2,
        )
    except keras_gan.callbacks.Preempted as stop:
        raise SystemExit(f"goodfellow2014.py: {stop}; the same command continues the run")
    gan.generator.save_weights(os.path.join(args.run_dir, "last.weights.h5"))
    records = monitor.records()
    best = max(records, key=lambda r: r["validation_log_likelihood"])
    last = test_estimate(os.path.join(args.run_dir, "last.weights.h5"), gan, validation, test)
    result = {
        "paper": PAPER,
        "epochs": int(gan.g_optimizer.iterations.numpy()) // steps_per_epoch,
        "updates": int(gan.g_optimizer.iterations.numpy()),
        "seconds_this_process": round(time.time() - started),
        "processes_log": processes_path,
        "best_epoch": best["epoch"],
        "best": test_estimate(monitor.best_path, gan, validation, test),
        "last": last,
    }
    # The best generator stays loaded: it is the one exported.
    keras_gan.export.export_generator(gan, os.path.join(args.run_dir, "generator"))
    plot(records, os.path.join(args.run_dir, "parzen.png"))
    samples = gan.generate(100, seed=0).numpy() * 2 - 1  # [0, 1] -> [-1, 1]
    keras_gan.plotting.save_image_grid(samples, os.path.join(args.run_dir, "samples.png"))
    keras_gan.run.write_json(result_path, result)  # last: the run is finished only now
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
