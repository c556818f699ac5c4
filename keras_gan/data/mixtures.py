"""Toy data: Gaussian mixtures in 2-D (PacGAN's ring and grid) or any dimension."""

import numpy as np
import tensorflow as tf

from keras_gan.validation import check_positive_int


# The 2-D mixtures of PacGAN and VEEGAN (REFERENCE.md): equal weights.
RING_MODES = np.array([(np.cos(2 * np.pi * i / 8), np.sin(2 * np.pi * i / 8)) for i in range(8)])
RING_SIGMA = 0.01
GRID_MODES = np.array([(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)], np.float64)
GRID_SIGMA = 0.05
# PacGAN's mixtures by name: (means, the standard deviation of every mode).
MIXTURES = {"ring": (RING_MODES, RING_SIGMA), "grid": (GRID_MODES, GRID_SIGMA)}


def gaussian_mixture(means, stddev, batch_size=128, seed=0):
    """An endless dataset of samples of a Gaussian mixture, equal weights.

    Args:
        means: float array `(num_modes, dim)`, e.g. `RING_MODES`, or
            `[[0.0]]` for a 1-D Gaussian.
        stddev: float > 0, the standard deviation of every mode (isotropic).
        batch_size: int >= 1, samples per batch.
        seed: int; the same seed gives the same batches.

    Returns:
        A `tf.data.Dataset` of float32 `(batch_size, dim)` batches, repeated
        without end (use `steps_per_epoch`).

    Raises:
        ValueError: for `means` not of shape `(num_modes, dim)`, or a bad
            `stddev` or `batch_size`.
    """
    means = np.asarray(means, np.float32)
    if means.ndim != 2 or not len(means):
        raise ValueError(
            "Invalid value for argument `means`. Expected an array of shape "
            f"(num_modes, dim). Received: shape {means.shape}"
        )
    if not stddev > 0:
        raise ValueError(f"Invalid value for argument `stddev`. Expected a float > 0. Received: stddev={stddev!r}")
    check_positive_int("batch_size", batch_size)
    centres = tf.constant(means)

    def batch(index):
        seeds = tf.random.experimental.stateless_split(tf.stack([tf.cast(seed, tf.int64), index]), 2)
        modes = tf.random.stateless_uniform([batch_size], seeds[0], 0, len(means), tf.int32, alg="philox")
        noise = tf.random.stateless_normal([batch_size, means.shape[1]], seeds[1], alg="philox")
        return tf.gather(centres, modes) + stddev * noise

    return tf.data.Dataset.counter().map(batch).prefetch(tf.data.AUTOTUNE)
