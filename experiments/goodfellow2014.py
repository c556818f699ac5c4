"""The 2014 GAN paper's MNIST experiment with its own recipe, and its Parzen estimate.

    python experiments/goodfellow2014.py --run-dir runs/goodfellow2014 --epochs 250

The recipe is goodfeli/adversarial's `mnist.yaml` (read from the code;
REFERENCE.md):
- data: MNIST train[0:50000], pixels in [0, 1]; validation train[50000:60000];
  minibatches of 100, shuffled each epoch;
- z: 100 dims, U(-sqrt 3, sqrt 3);
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
(`best.weights.h5`). At the end the test-set estimate of the best and of the
last generator (the 2014 protocol: sigma on validation[:1000], mean over the
10,000 test images) goes to `result.json`.

The run is resumable: kill it and start the same command again; it
continues from the last epoch's backup (`backup/`).
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


def build_gan(train_images, seed, jit_compile):
    keras.utils.set_random_seed(seed)
    gan = keras_gan.GAN(*networks(train_images), latent_prior="uniform", seed=seed)
    gan.compile(
        d_optimizer=keras_gan.optimizers.SGD(learning_rate(), momentum=0.5),
        g_optimizer=keras_gan.optimizers.SGD(learning_rate(), momentum=0.5),
        # Applied with target 1: -log D(G(z)) per sample.
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        update="simultaneous",
        jit_compile=jit_compile,
    )
    return gan


def flat(images):
    return np.asarray(images, np.float64).reshape(len(images), -1)


class ParzenMonitor(keras.callbacks.Callback):
    """Every `every` epochs: the validation Parzen estimate of 10,000
    samples, one line of `parzen.jsonl`, and the best G's weights."""

    def __init__(self, run_dir, validation, every, steps_per_epoch):
        super().__init__()
        self.steps_per_epoch = steps_per_epoch
        self.path = os.path.join(run_dir, "parzen.jsonl")
        self.best_path = os.path.join(run_dir, "best.weights.h5")
        self.selection, self.scored = flat(validation[:1000]), flat(validation[1000:])
        self.every = every

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
            **{key: float(value) for key, value in (logs or {}).items()},
        }
        if result["log_likelihood"] > best:
            self.model.generator.save_weights(self.best_path)
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
        estimate = f"{result['log_likelihood']:.1f} nats (sigma {result['sigma']:.3f})"
        print(f"epoch {epoch + 1}: validation Parzen {estimate}", flush=True)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", default="runs/goodfellow2014")
    parser.add_argument("--epochs", type=int, default=250, help="epochs of 500 updates (default: 250)")
    parser.add_argument("--eval-every", type=int, default=5, help="epochs between validation Parzen estimates")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=os.environ.get("TFDS_DATA_DIR"), help="TFDS data directory holding mnist")
    parser.add_argument("--no-jit", action="store_true", help="trace without XLA (default: jit_compile=True)")
    args = parser.parse_args()
    os.makedirs(args.run_dir, exist_ok=True)
    train_all, test = mnist_unit_pixels(args.data_dir)
    train, validation = train_all[:50000], train_all[50000:]
    gan = build_gan(train, args.seed, not args.no_jit)

    def dataset():
        data = tf.data.Dataset.from_tensor_slices(train)
        return data.shuffle(len(train), seed=args.seed, reshuffle_each_iteration=True).batch(100, drop_remainder=True)

    monitor = ParzenMonitor(args.run_dir, validation, args.eval_every, len(train) // 100)
    started = time.time()
    keras_gan.training.fit_resumable(
        gan,
        dataset,
        epochs=args.epochs,
        backup=keras_gan.callbacks.BackupAndRestore(os.path.join(args.run_dir, "backup"), delete_checkpoint=False),
        steps_per_epoch=len(train) // 100,
        callbacks=[keras_gan.callbacks.MomentumRamp(0.7, start=1, saturate=250), monitor],
        verbose=2,
    )
    gan.generator.save_weights(os.path.join(args.run_dir, "last.weights.h5"))
    records = monitor.records()
    best = max(records, key=lambda r: r["validation_log_likelihood"])
    result = {
        "paper": PAPER,
        "epochs": args.epochs,
        "updates": int(gan.g_optimizer.iterations.numpy()),
        "seconds_this_session": round(time.time() - started),
        "best_epoch": best["epoch"],
        "best": test_estimate(monitor.best_path, gan, validation, test),
        "last": test_estimate(os.path.join(args.run_dir, "last.weights.h5"), gan, validation, test),
    }
    with open(os.path.join(args.run_dir, "result.json"), "w") as f:
        json.dump(result, f, indent=2)
    plot(records, os.path.join(args.run_dir, "parzen.png"))
    samples = gan.generate(100, seed=0).numpy() * 2 - 1  # [0, 1] -> [-1, 1]
    keras_gan.plotting.save_image_grid(samples, os.path.join(args.run_dir, "samples.png"))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
