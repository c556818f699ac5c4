"""The 2014 paper's Figure 1 on 1-D data: p_data, p_g, D(x) and D*(x) as training goes.

    python experiments/figure1_1d.py     # writes docs/figures/figure1_1d.png and docs/run_records/figure1_1d.json

The data are N(2, 0.5^2). G maps z ~ N(0, 1) through two hidden layers of
32 tanh units to x; D maps x through two hidden layers of 64 ReLU units to
a logit, with k = 5 D updates (Adam 1e-3) per G update (Adam 2e-4). At four
stages of training the figure shows the data density, p_g (a kernel
density estimate of 20,000 samples of G), D(x) and the optimal
discriminator for that p_g, D*(x) = p_data(x) / (p_data(x) + p_g(x))
(2014, Proposition 1). Once G has converged, p_g = p_data and D = 1/2
everywhere (Theorem 1); the script reports max |D(x) - 1/2| over the data
range [mu - 2 sigma, mu + 2 sigma] at the end.

Reference: Goodfellow et al. 2014, Figure 1, Proposition 1, Theorem 1.
"""

import json
import os

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from scipy import stats  # noqa: E402

from harness import K  # noqa: E402 - experiments/harness.py, beside this script
from harness import MEAN  # noqa: E402
from harness import STD  # noqa: E402
from harness import build  # noqa: E402
from keras_gan import data  # noqa: E402

STAGES = (0, 300, 1000, 4000)  # generator updates
XS = np.linspace(MEAN - 4 * STD, MEAN + 4 * STD, 400)


def snapshot(gan):
    samples = gan.generate(20_000, seed=1).numpy()[:, 0]
    p_data = stats.norm.pdf(XS, MEAN, STD)
    p_g = stats.gaussian_kde(samples)(XS)
    d = tf.sigmoid(gan.discriminator(XS[:, None].astype("float32"), training=False)).numpy()[:, 0]
    return {"p_data": p_data, "p_g": p_g, "d": d, "d_star": p_data / (p_data + p_g + 1e-12)}


def main():
    gan = build()
    dataset = data.gaussian_mixture([[MEAN]], STD, batch_size=256 * K, seed=0)
    snapshots, done = {0: snapshot(gan)}, 0
    for stage in STAGES[1:]:
        gan.fit(dataset, epochs=1, steps_per_epoch=stage - done, verbose=0)
        done = stage
        snapshots[stage] = snapshot(gan)

    figure, axes = plt.subplots(1, len(STAGES), figsize=(4 * len(STAGES), 3.2), sharey=True)
    for axis, (step, shot) in zip(axes, snapshots.items()):
        axis.plot(XS, shot["p_data"], "k", label="p_data")
        axis.plot(XS, shot["p_g"], "g", label="p_g")
        axis.plot(XS, shot["d"], "b--", label="D(x)")
        axis.plot(XS, shot["d_star"], "b:", label="D*(x)")
        axis.set(title=f"after {step} G updates", xlabel="x", ylim=(0, 1.2))
    axes[0].legend(loc="upper left")
    figure.tight_layout()
    os.makedirs("docs/figures", exist_ok=True)
    figure.savefig("docs/figures/figure1_1d.png", dpi=90)

    in_range = np.abs(XS - MEAN) <= 2 * STD
    final = snapshots[STAGES[-1]]
    samples = gan.generate(20_000, seed=2).numpy()
    report = {
        "stages": list(STAGES),
        "max_abs_d_minus_half_in_data_range": {
            str(step): float(np.abs(shot["d"][in_range] - 0.5).max()) for step, shot in snapshots.items()
        },
        "final_generated_mean_std": [float(samples.mean()), float(samples.std())],
        "final_max_abs_p_g_minus_p_data": float(np.abs(final["p_g"] - final["p_data"]).max()),
    }
    os.makedirs("docs/run_records", exist_ok=True)
    with open("docs/run_records/figure1_1d.json", "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
