"""`ConditionalGAN`: class-conditional generation, G(z, y) and D(x, y)."""

import keras
import numpy as np
import tensorflow as tf

from keras_gan.architectures import conditioning
from keras_gan.models.gan import GAN


@keras.saving.register_keras_serializable(package="keras_gan")
class ConditionalGAN(GAN):
    """A GAN conditioned on class labels (Mirza & Osindero 2014).

    The game and `train_step` are `GAN`'s, unchanged: only the hooks that
    say what a batch holds and how the networks take labels differ
    (`unpack`, `condition_checks`, `fake_labels`, `generator_inputs`,
    `discriminator_inputs`, `generation_labels`). Batches are `(images, labels)`, labels
    integer `(batch,)` in [0, num_classes). In each discriminator update D
    scores real pairs (x, y) against generated pairs (G(z, y'), y'), with y'
    drawn uniformly, with replacement, from the labels of the same real
    minibatch, so generated classes follow the data's class frequencies.
    The generator update generates with labels drawn the same way and
    flips D's labels as usual. The networks take `[z, labels]` and
    `[images, labels]`: `keras_gan.architectures` builds them with
    `num_classes` (one-hot y concatenated with z in G; a projection
    discriminator, Miyato & Koyama 2018, in D; see
    `keras_gan.architectures.conditioning`).

    Args:
        generator: a built `keras.Model` from `[z, labels]`, z float
            `(batch, latent_dim)` and labels int32 `(batch,)`, to images.
        discriminator: a built `keras.Model` from `[images, labels]` to
            logits `(batch, 1)`, no sigmoid.
        num_classes: int >= 2, labels are 0 .. num_classes - 1.
        latent_dim, latent_prior, seed, **kwargs: as in `GAN`.

    Raises:
        ValueError: for a bad `num_classes`, a network that does not take
            labels as its second input, and everything `GAN` checks.
        At training: ValueError for a dataset without labels or with
        labels that are not integers of shape `(batch,)`;
        `tf.errors.InvalidArgumentError`, before any update of the batch,
        for labels outside [0, num_classes).

    Example:
        ```python
        gan = keras_gan.ConditionalGAN(
            keras_gan.architectures.dcgan_generator((28, 28, 1), num_classes=10),
            keras_gan.architectures.dcgan_discriminator((28, 28, 1), num_classes=10),
            num_classes=10,
        )
        gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5),
                    keras.optimizers.Adam(2e-4, beta_1=0.5))
        gan.fit(keras_gan.data.load_tfds("mnist", label_key="label"), epochs=5)
        sevens = gan.generate(16, labels=7, seed=0)  # (16, 28, 28, 1)
        ```

    Reference:
        Mirza & Osindero 2014, "Conditional Generative Adversarial Nets",
        arXiv:1411.1784; Miyato & Koyama 2018, "cGANs with Projection
        Discriminator", arXiv:1802.05637.
    """

    NETWORK_INPUTS = 2

    def __init__(self, generator, discriminator, num_classes, **kwargs):
        num_classes = conditioning.check_num_classes(num_classes)
        if num_classes is None:
            raise ValueError(
                "Invalid value for argument `num_classes`. Expected an int >= 2 "
                "for a ConditionalGAN (use GAN without labels). Received: "
                "num_classes=None"
            )
        for name, network in (("generator", generator), ("discriminator", discriminator)):
            _check_takes_labels(name, network)
        super().__init__(generator, discriminator, **kwargs)
        self.num_classes = num_classes

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}

    # GAN's conditioning hooks and AdversarialModel's extension points.

    def unpack(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                "Invalid dataset for a ConditionalGAN. Expected batches of "
                "(images, labels), e.g. keras_gan.data.load_tfds(name, "
                "label_key='label'). Received: batches of images only"
            )
        images, labels = data[0], data[1]
        self.check_images(images)
        return images, self._check_labels(labels, images)

    def _check_labels(self, labels, images):
        """Labels as int32 `(batch,)`; their range is checked at run time."""
        dtype = keras.backend.standardize_dtype(labels.dtype)
        if "int" not in dtype:
            raise ValueError(
                "Invalid dataset labels. Expected integer class indices in "
                f"[0, {self.num_classes}). Received: labels of dtype {dtype}"
            )
        shape = tuple(labels.shape)
        if len(shape) == 2 and shape[1] == 1:
            labels = tf.reshape(labels, [-1])
        elif len(shape) != 1:
            raise ValueError(
                "Invalid dataset labels. Expected one class index per image, "
                f"shape (batch,) (not one-hot). Received: labels of shape {shape}"
            )
        if None not in (labels.shape[0], images.shape[0]) and labels.shape[0] != images.shape[0]:
            raise ValueError(
                "Invalid dataset labels. Expected one label per image, "
                f"{images.shape[0]}. Received: {labels.shape[0]} labels"
            )
        return tf.cast(labels, tf.int32)

    def condition_checks(self, labels):
        message = f"Invalid dataset labels. Expected class indices in [0, {self.num_classes})."
        return [
            tf.debugging.assert_non_negative(labels, message=message),
            tf.debugging.assert_less(labels, self.num_classes, message=message),
        ]

    def fake_labels(self, labels, seed):
        """y' for generated samples: drawn with replacement from `labels`."""
        count = tf.shape(labels)[0]
        picks = tf.random.stateless_uniform(
            [count], seed, minval=0, maxval=count, dtype=tf.int32, alg="philox"
        )
        return tf.gather(labels, picks)

    def generator_inputs(self, z, labels):
        return [z, labels]

    def discriminator_inputs(self, images, labels):
        return [images, labels]

    # Generation

    def generate(self, num_samples, labels=None, seed=None, batch_size=256, ema=True):
        """Samples images of given classes from the generator, in inference mode.

        Args:
            num_samples: int >= 1.
            labels: the class of each sample: an int (all the same class),
                integers `(num_samples,)`, or None (default): the classes in
                order, in equal blocks (label of sample i:
                i * num_classes // num_samples), so that a grid of
                num_classes rows has one class per row.
            seed: int or None, as in `GAN.generate`.
            batch_size: int >= 1, images per generator call.
            ema: bool, default True: the EMA generator when there is one.

        Returns:
            float32 tensor `(num_samples, height, width, channels)`.

        Raises:
            ValueError: for a bad count, or labels of the wrong dtype, shape
                or outside [0, num_classes).
        """
        return super().generate(num_samples, seed=seed, batch_size=batch_size, labels=labels, ema=ema)

    def generation_labels(self, labels, num_samples):
        if labels is None:
            labels = np.arange(num_samples) * self.num_classes // num_samples
        labels = np.asarray(labels)
        if labels.ndim == 0:
            labels = np.full(num_samples, labels)
        if not np.issubdtype(labels.dtype, np.integer) or labels.shape != (num_samples,):
            raise ValueError(
                "Invalid value for argument `labels`. Expected an int or "
                f"integers of shape ({num_samples},). Received: labels of "
                f"dtype {labels.dtype} and shape {labels.shape}"
            )
        outside = labels[(labels < 0) | (labels >= self.num_classes)]
        if outside.size:
            raise ValueError(
                "Invalid value for argument `labels`. Expected class indices "
                f"in [0, {self.num_classes}). Received: labels containing "
                f"{int(outside[0])}"
            )
        return tf.constant(labels, tf.int32)


def _check_takes_labels(name, network):
    """Raises unless `network` takes labels `(batch,)` as its second input."""
    try:
        inputs = network.inputs
    except (AttributeError, ValueError):
        return  # a subclassed model: checked when first called
    if not inputs or len(inputs) != 2 or tuple(inputs[1].shape) != (None,):
        shapes = [tuple(t.shape) for t in inputs or []]
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a conditional "
            f"network with inputs [{'z' if name == 'generator' else 'images'}, "
            "labels], labels of shape (None,), e.g. built with num_classes=. "
            f"Received: a model with inputs of shapes {shapes}"
        )
