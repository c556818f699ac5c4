"""`LatentInterpolation`: images along paths between fixed latent vectors."""

import os

import keras
import numpy as np
import tensorflow as tf

from keras_gan import latent
from keras_gan import distribute
from keras_gan import plotting
from keras_gan.validation import check_positive_int


class LatentInterpolation(keras.callbacks.Callback):
    """Writes `directory/epoch_NNNN.png`, interpolations in z, every epoch.

    Fixed pairs of latent vectors (a, b) are drawn once from the GAN's prior
    with `seed`. Each epoch's PNG has one row per pair and method, in that
    order (pair 1 with every method, then pair 2, ...), each row
    G(z(t)) for `num_steps` evenly spaced t from 0 (a) to 1 (b). The linear
    row's middle image is G(0.5 a + 0.5 b), seed 004's question; the
    spherical row keeps z at the endpoints' norm (see `keras_gan.latent`).
    A smooth row means the generator maps nearby z to nearby images rather
    than memorising training images. For a `ConditionalGAN`, pair p is
    generated with class p mod num_classes along both its rows. Epochs are
    numbered from 1; nothing is written outside `directory`, and under
    multi-worker training only the chief writes.

    Args:
        directory: str or path-like, created if missing.
        num_pairs: int >= 1, pairs of endpoints. Default 4.
        num_steps: int >= 2, images per row, endpoints included. Default 8.
        methods: tuple of "linear" and/or "spherical", one row each per
            pair. Default both.
        seed: int, seed of the endpoints.

    Raises:
        ValueError: for a bad count or an unknown method.

    Example:
        ```python
        gan.fit(dataset, epochs=5, callbacks=[LatentInterpolation("run/interpolation")])
        ```

    Reference:
        White 2016, "Sampling Generative Networks", arXiv:1609.04468;
        Radford et al. 2016 (DCGAN), section 6.1, walking in the latent space.
    """

    def __init__(
        self, directory, num_pairs=4, num_steps=8, methods=latent.METHODS, seed=0
    ):
        super().__init__()
        self.directory = os.fspath(directory)
        self.num_pairs = check_positive_int("num_pairs", num_pairs)
        self.num_steps = check_positive_int("num_steps", num_steps, minimum=2)
        methods = tuple(methods)
        if not methods or any(m not in latent.METHODS for m in methods):
            raise ValueError(
                "Invalid value for argument `methods`. Expected a non-empty "
                f"tuple of {latent.METHODS}. Received: methods={methods!r}"
            )
        self.methods = methods
        self.seed = seed

    def latent_paths(self):
        """z of every image, float32 `(num_pairs * len(methods) * num_steps,
        latent_dim)`, in the PNG's row-major order."""
        a, b = tf.split(
            self.model.sample_latent(
                2 * self.num_pairs, tf.constant([self.seed, 0], tf.int64)
            ),
            2,
        )
        paths = [latent.interpolate(a, b, self.num_steps, m) for m in self.methods]
        # (pairs, methods, steps, latent_dim): one row per pair and method.
        z = tf.stack(paths, axis=1)
        return tf.reshape(z, (-1, self.model.latent_dim))

    def labels(self):
        """For a conditional GAN, the class of every image (pair p: class
        p mod num_classes), int `(num_images,)`; else None."""
        if self.model.num_classes is None:
            return None
        per_pair = np.arange(self.num_pairs) % self.model.num_classes
        return np.repeat(per_pair, len(self.methods) * self.num_steps)

    def on_epoch_end(self, epoch, logs=None):
        if not distribute.is_chief(self.model.distribute_strategy):
            return  # multi-worker: only the chief writes
        os.makedirs(self.directory, exist_ok=True)
        images = self.model.generate_from_latent(self.latent_paths(), labels=self.labels())
        plotting.save_image_grid(
            images.numpy(),
            os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png"),
            num_rows=self.num_pairs * len(self.methods),
        )
