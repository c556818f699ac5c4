"""Mode collapse on the 2-D ring of 8 and grid of 25 Gaussians, over 5 seeds.

    python experiments/mixtures.py          # writes docs/mixtures_{ring,grid}.png, docs/mixtures.json

The mixtures, the networks and the metrics follow PacGAN's synthetic
experiments (Lin et al. 2018, section 5.1; REFERENCE.md): G has 4 hidden
layers of 400 ReLU units with batch normalization from a 2-D normal z, D
has 3 hidden maxout layers of 200 units with 5 pieces; minibatches of 100,
Adam with beta_1 0.5 for both (`--learning-rate`, default 1e-3).
After training, 2,500 samples are scored with
`keras_gan.evaluation.modes.mode_coverage` (modes captured, % high
quality, KL to uniform). The training budget is much smaller than
PacGAN's (see `--steps`), so the numbers are this budget's, not a
reproduction of theirs to the step.
"""

import argparse
import json
import os
import statistics

import keras
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan import data  # noqa: E402
from keras_gan.architectures import Maxout  # noqa: E402
from keras_gan.evaluation.modes import mode_coverage  # noqa: E402

MIXTURES = {"ring": (data.RING_MODES, data.RING_SIGMA), "grid": (data.GRID_MODES, data.GRID_SIGMA)}
# PacGAN's Table 1, unpacked GAN and best PacGAN (10 trials): modes, % high quality.
PUBLISHED = {"ring": {"GAN": (6.3, 98.2), "PacGAN": (7.9, 95.6)}, "grid": {"GAN": (17.3, 94.8), "PacGAN": (24.8, 93.6)}}


def networks():
    z = keras.Input((2,))
    x = z
    for _ in range(4):
        x = keras.layers.Dense(400, use_bias=False)(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
    generator = keras.Model(z, keras.layers.Dense(2)(x))
    points = keras.Input((2,))
    x = points
    for _ in range(3):
        x = Maxout(200, 5)(x)
    discriminator = keras.Model(points, keras.layers.Dense(1)(x))
    return generator, discriminator


class Snapshots(keras.callbacks.Callback):
    """2,500 samples from fixed noise at chosen epochs."""

    def __init__(self, epochs):
        super().__init__()
        self.epochs, self.samples = set(epochs), {}

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 in self.epochs:
            self.samples[epoch + 1] = self.model.generate(2500, seed=1).numpy()


def run(name, seed, args):
    means, sigma = MIXTURES[name]
    keras.utils.set_random_seed(seed)
    gan = keras_gan.GAN(*networks(), seed=seed)
    gan.compile(
        keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
    )
    epochs = args.steps // args.steps_per_epoch
    snapshots = Snapshots([1, epochs // 4, epochs // 2, epochs])
    gan.fit(
        data.gaussian_mixture(means, sigma, batch_size=100, seed=seed),
        epochs=epochs,
        steps_per_epoch=args.steps_per_epoch,
        verbose=0,
        callbacks=[snapshots],
    )
    result = mode_coverage(gan.generate(2500, seed=seed + 100).numpy(), means, sigma)
    print(name, seed, result, flush=True)
    return result, snapshots.samples


def plot(name, samples, steps_per_epoch, path):
    means, _ = MIXTURES[name]
    figure, axes = plt.subplots(1, len(samples), figsize=(3.2 * len(samples), 3.2))
    for axis, (epoch, points) in zip(axes, sorted(samples.items())):
        axis.scatter(points[:, 0], points[:, 1], s=2, alpha=0.4)
        axis.scatter(means[:, 0], means[:, 1], s=25, c="red", marker="x")
        axis.set_title(f"{name}, step {epoch * steps_per_epoch}")
        limit = np.abs(means).max() * 1.5
        axis.set(xlim=(-limit, limit), ylim=(-limit, limit), aspect="equal")
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=4000, help="generator updates per run (default: 4000)")
    parser.add_argument("--steps-per-epoch", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--learning-rate", type=float, default=1e-3, help="Adam learning rate of G and D")
    args = parser.parse_args()
    report = {
        "steps": args.steps,
        "batch_size": 100,
        "learning_rate": args.learning_rate,
        "seeds": args.seeds,
        "results": {},
        "published": PUBLISHED,
    }
    for name in MIXTURES:
        results = []
        for seed in range(args.seeds):
            result, samples = run(name, seed, args)
            results.append(result)
            if seed == 0:
                plot(name, samples, args.steps_per_epoch, f"docs/mixtures_{name}.png")
        report["results"][name] = {
            "per_seed": results,
            "modes_captured": statistics.mean(r["modes_captured"] for r in results),
            "high_quality_percent": 100 * statistics.mean(r["high_quality"] for r in results),
            "kl_to_uniform": statistics.mean(r["kl_to_uniform"] for r in results),
        }
    os.makedirs("docs", exist_ok=True)
    with open("docs/mixtures.json", "w") as f:
        json.dump(report, f, indent=2)
    for name, result in report["results"].items():
        print(
            f"{name}: {result['modes_captured']:.1f} modes, {result['high_quality_percent']:.1f} % high quality, "
            f"KL {result['kl_to_uniform']:.3f} (mean of {args.seeds} seeds, {args.steps} steps)"
        )


if __name__ == "__main__":
    main()
