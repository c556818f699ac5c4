"""Tutorial Figure 16: the three generator costs against D(G(z)).

    python experiments/figure16_generator_costs.py   # writes docs/figures/figure16_generator_costs.png

Plots keras_gan.losses' minimax, non-saturating and maximum-likelihood costs
(with the tutorial's factor 1/2) and their derivatives with respect to D's
logit, for D(G(z)) from 0.001 to 0.999. Where a sample is obviously fake
(D(G(z)) near 0), the minimax cost is flat (its gradient vanishes), the
non-saturating cost is steep, and maximum likelihood is flat too; where the
sample fools D, the maximum-likelihood gradient is dominated by those few
samples.

Reference: Goodfellow 2016, "NIPS 2016 Tutorial", arXiv:1701.00160, section
3.2.3 and Figure 16.
"""

import os

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from keras_gan import losses  # noqa: E402

COSTS = {
    "minimax": losses.minimax_generator_loss,
    "non_saturating": losses.non_saturating_generator_loss,
    "maximum_likelihood": losses.maximum_likelihood_generator_loss,
}


def main(path="docs/figures/figure16_generator_costs.png"):
    d = np.linspace(0.001, 0.999, 999)
    logits = tf.constant(np.log(d / (1 - d)).astype(np.float32))
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for name, cost in COSTS.items():
        with tf.GradientTape() as tape:
            tape.watch(logits)
            values = cost(logits)
            total = tf.reduce_sum(values)  # each value depends on its own logit only
        gradient = tape.gradient(total, logits)
        left.plot(d, values.numpy(), label=name)
        right.plot(d, gradient.numpy(), label=name)
    # As in the tutorial, the maximum-likelihood cost runs off the bottom
    # near D(G(z)) = 1 (-1/2 D/(1-D): -499 at 0.999).
    left.set(xlabel="D(G(z))", ylabel="J(G), nats", title="Generator costs (tutorial Figure 16)", ylim=(-10, 4))
    right.set(xlabel="D(G(z))", ylabel="dJ(G) / d logit", title="Their gradients", ylim=(-5, 1))
    for axes in (left, right):
        axes.legend()
        axes.grid(alpha=0.3)
    figure.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    figure.savefig(path, dpi=100)
    print(f"Wrote {path}")


if __name__ == "__main__":
    main()
