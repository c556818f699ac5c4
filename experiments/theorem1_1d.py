"""The 2014 paper's Theorem 1 on 1-D data: max_D V(D, G) = -log 4 + 2 JSD(p_data || p_g).

    python experiments/theorem1_1d.py     # writes docs/figures/theorem1_1d.png and docs/run_records/theorem1_1d.json

The GAN of `experiments/figure1_1d.py` (data N(2, 0.5^2), k = 5) trains
for 4,000 generator updates. At chosen generator updates, with G frozen:

- C(G) = -log 4 + 2 JSD(p_data || p_g) is computed by numerical
  integration from G's exact density. G maps z ~ N(0, 1) to x; on a fine
  z-grid it is piecewise monotone, and p_g(x) = sum over the preimages z of
  x of phi(z) / |G'(z)| (the change of variables). Then
  C(G) = E_{p_data}[log D*(x)] + E_{p_g}[log(1 - D*(x))] with
  D* = p_data / (p_data + p_g) (Proposition 1): the first integral over an
  x-grid, the second over the z-grid (no density of p_g is ever binned).
- A probe D (D's architecture, started from the GAN's current D) is
  trained to convergence on D's objective alone: 2^18 real and 2^18
  generated points, batches of 4,096, Adam 1e-3, the learning rate cut by
  3 after 2 epochs without a better held-out loss, stopped after 5
  (`keras.callbacks.ReduceLROnPlateau`, `EarlyStopping`, best weights kept).
- V(D, G) = E_{p_data}[log D(x)] + E_z[log(1 - D(G(z)))] is estimated on
  2^20 fresh samples of each, for the probe and for the GAN's own D (which
  sees k = 5 steps per G update and is not at its optimum), with the Monte
  Carlo standard error.

Theorem 1 says the probe's V, a lower bound of C(G) for any D, reaches it
when D is optimal; the goal is |V(probe) - C(G)| <= 0.02 nats at every
evaluated update, and C(G) -> -log 4 as p_g -> p_data.

Reference: Goodfellow et al. 2014, section 4.1 (Proposition 1, Theorem 1).
"""

import argparse
import json
import math
import os
import sys

import keras
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from scipy import stats  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MEAN, STD, K, build  # noqa: E402

from keras_gan import data  # noqa: E402

CHECKPOINTS = (0, 25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 4000)  # generator updates
GOAL = 0.02  # nats
Z_GRID = np.linspace(-8.0, 8.0, 400_001)  # N(0, 1) mass beyond |z| = 8: 1e-15


def generator_density(g):
    """p_g from a map g sampled on `Z_GRID`, g[i] = G(Z_GRID[i]).

    Returns a function of x (array) giving p_g(x), the sum over the
    monotone pieces of g of phi(z) / |dG/dz| at the preimage of x in that
    piece (linear interpolation between grid points; 0 outside a piece's
    range). Exact up to the grid's resolution for any G that is piecewise
    monotone on the grid.
    """
    slope = np.gradient(g, Z_GRID)
    phi = stats.norm.pdf(Z_GRID)
    # Split where the slope changes sign: each piece is monotone.
    sign = np.sign(slope)
    cuts = np.flatnonzero(sign[1:] != sign[:-1]) + 1
    pieces = []
    for piece in np.split(np.arange(len(Z_GRID)), cuts):
        if len(piece) < 2:
            continue
        x, density = g[piece], phi[piece] / np.maximum(np.abs(slope[piece]), 1e-300)
        order = np.argsort(x)
        pieces.append((x[order], density[order]))

    def density(points):
        total = np.zeros_like(points, dtype=np.float64)
        for x, d in pieces:
            total += np.interp(points, x, d, left=0.0, right=0.0)
        return total

    density.pieces = len(pieces)
    return density


def optimal_value(g, mean=MEAN, std=STD):
    """C(G) = max_D V(D, G) = -log 4 + 2 JSD(p_data || p_g), in nats, for
    p_data = N(mean, std^2) and G sampled on `Z_GRID` (see module doc)."""
    p_g = generator_density(g)
    # E_{p_data}[log D*]: on an x-grid covering p_data to 12 standard deviations.
    xs = np.linspace(mean - 12 * std, mean + 12 * std, 400_001)
    p = stats.norm.pdf(xs, mean, std)
    q = p_g(xs)
    real = np.trapezoid(p * np.log(p / (p + q) + 1e-300), xs)
    # E_{p_g}[log(1 - D*)] = E_z[log(q / (p + q)) at x = G(z)], over the z-grid.
    at_g = g.astype(np.float64)
    q_at_g, p_at_g = p_g(at_g), stats.norm.pdf(at_g, mean, std)
    fake = np.trapezoid(stats.norm.pdf(Z_GRID) * np.log(q_at_g / (p_at_g + q_at_g) + 1e-300), Z_GRID)
    return float(real + fake), p_g.pieces


def value(discriminator, real, fake):
    """V(D, G) on samples, with its Monte Carlo standard error (nats).

    log D(x) = -softplus(-logit), log(1 - D(x)) = -softplus(logit).
    """
    real_terms = -np.logaddexp(0.0, -discriminator.predict(real, batch_size=65536, verbose=0)[:, 0])
    fake_terms = -np.logaddexp(0.0, discriminator.predict(fake, batch_size=65536, verbose=0)[:, 0])
    estimate = real_terms.mean() + fake_terms.mean()
    error = math.sqrt(real_terms.var() / len(real_terms) + fake_terms.var() / len(fake_terms))
    return float(estimate), error


def train_probe(gan, rng, points=2**18):
    """A D at its optimum for the current G: the GAN's D copied, then trained
    on D's objective alone (G frozen) until the held-out loss stops improving."""
    probe = keras.models.clone_model(gan.discriminator)
    probe.set_weights(gan.discriminator.get_weights())
    probe.compile(keras.optimizers.Adam(1e-3), keras.losses.BinaryCrossentropy(from_logits=True))

    def split(count, seed):
        real = rng.normal(MEAN, STD, (count, 1)).astype("float32")
        fake = gan.generate(count, seed=seed, batch_size=65536).numpy()
        return np.concatenate([real, fake]), np.concatenate([np.ones(count), np.zeros(count)]).astype("float32")

    x, y = split(points, seed=int(rng.integers(2**31)))
    held_out = split(points // 4, seed=int(rng.integers(2**31)))
    history = probe.fit(
        x, y, batch_size=4096, epochs=200, shuffle=True, verbose=0, validation_data=held_out,
        callbacks=[
            keras.callbacks.ReduceLROnPlateau(factor=1 / 3, patience=2, min_delta=1e-5),
            keras.callbacks.EarlyStopping(patience=5, min_delta=1e-5, restore_best_weights=True),
        ],
    )
    return probe, len(history.history["loss"])


def float64_map(generator, z):
    """G(z) in float64 for a generator of Dense layers (as figure1_1d's):
    float32 rounds G where it saturates into steps and plateaus whose
    slopes (0, or a few ulps) would be read as spikes of p_g."""
    x = np.asarray(z, np.float64)[:, None]
    for layer in generator.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if not isinstance(layer, keras.layers.Dense):
            raise ValueError(f"float64_map: expected Dense layers only, received {type(layer).__name__}")
        kernel, bias = (np.asarray(w, np.float64) for w in layer.get_weights())
        x = x @ kernel + bias
        x = {"tanh": np.tanh, "linear": lambda v: v, "relu": lambda v: np.maximum(v, 0.0)}[
            keras.activations.serialize(layer.activation)
        ](x)
    return x[:, 0]


def measure(gan, step, rng, samples):
    g = float64_map(gan.generator, Z_GRID)
    check = gan.generator.predict(Z_GRID[::1000, None].astype("float32"), verbose=0)[:, 0]
    np.testing.assert_allclose(g[::1000], check, rtol=1e-4, atol=1e-5)
    optimum, pieces = optimal_value(g)
    real = rng.normal(MEAN, STD, (samples, 1)).astype("float32")
    fake = gan.generate(samples, seed=int(rng.integers(2**31)), batch_size=65536).numpy()
    probe, epochs = train_probe(gan, rng)
    v_probe, se_probe = value(probe, real, fake)
    v_gan, se_gan = value(gan.discriminator, real, fake)
    row = {
        "generator_updates": step,
        "optimal_value": optimum,
        "jsd": (optimum + math.log(4.0)) / 2,
        "value_probe": v_probe,
        "value_probe_se": se_probe,
        "value_gan_discriminator": v_gan,
        "value_gan_discriminator_se": se_gan,
        "gap_probe": optimum - v_probe,
        "probe_epochs": epochs,
        "monotone_pieces": pieces,
    }
    print(json.dumps(row), flush=True)
    return row


def plot(rows, path):
    steps = [r["generator_updates"] for r in rows]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True, height_ratios=(2, 1))
    top.plot(steps, [r["optimal_value"] for r in rows], "k-o", ms=3, label="-log 4 + 2 JSD(p_data || p_g)")
    top.plot(steps, [r["value_probe"] for r in rows], "b--s", ms=3, label="V(D, G), D trained to convergence")
    top.plot(steps, [r["value_gan_discriminator"] for r in rows], "g:^", ms=3, label="V(D, G), the GAN's own D")
    top.axhline(-math.log(4.0), color="gray", lw=0.8, label="-log 4 (p_g = p_data)")
    top.set(ylabel="nats", title="Theorem 1 on 1-D data (N(2, 0.5^2), k = 5)")
    top.legend(fontsize=8)
    bottom.plot(steps, [r["gap_probe"] for r in rows], "b-s", ms=3)
    bottom.axhline(GOAL, color="red", lw=0.8, ls="--", label=f"goal {GOAL} nats")
    bottom.set(xlabel="generator updates (linear to 10, then log)", ylabel="C(G) - V(D, G)")
    bottom.set_xscale("symlog", linthresh=10)
    bottom.set_xlim(0, 1.1 * max(steps))
    bottom.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="docs/figures", help="where theorem1_1d.png goes")
    parser.add_argument("--table", default="docs/run_records/theorem1_1d.json", help="the measured rows (JSON)")
    parser.add_argument("--samples", type=int, default=2**20, help="samples of each kind for V (default 2^20)")
    args = parser.parse_args(argv)
    if args.samples < 1000:
        parser.error(f"argument --samples: expected an int >= 1000, received {args.samples}")
    gan = build()
    rng = np.random.default_rng(0)
    dataset = data.gaussian_mixture([[MEAN]], STD, batch_size=256 * K, seed=0)
    rows, done = [measure(gan, 0, rng, args.samples)], 0
    for step in CHECKPOINTS[1:]:
        gan.fit(dataset, epochs=1, steps_per_epoch=step - done, verbose=0)
        done = step
        rows.append(measure(gan, step, rng, args.samples))
    os.makedirs(args.out, exist_ok=True)
    plot(rows, os.path.join(args.out, "theorem1_1d.png"))
    gaps = [abs(r["gap_probe"]) for r in rows]
    report = {
        "goal_nats": GOAL,
        "max_abs_gap_probe": max(gaps),
        "within_goal": all(gap <= GOAL for gap in gaps),
        "rows": rows,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.table)), exist_ok=True)
    with open(args.table, "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=2))


if __name__ == "__main__":
    main()
