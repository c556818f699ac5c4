"""`GAN`: the adversarial game of Goodfellow et al. 2014 as a `keras.Model`."""

import math
import random

import keras
import tensorflow as tf

from keras_gan import networks
from keras_gan import packing
from keras_gan.models.adversarial import AdversarialModel
from keras_gan.validation import check_positive_int

LATENT_PRIORS = ("normal", "uniform")


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(AdversarialModel):
    """A generative adversarial network trained by `fit`: Algorithm 1 of 2014.

    G maps noise z, drawn from the latent prior, to images; D returns a
    logit per image (per pack of images with `pack`). Each `train_step` is
    one training iteration of Algorithm 1 (`AdversarialModel`): `d_steps`
    (k) discriminator updates, each on its own real minibatch and fresh
    noise, with label 1 for real and 0 for generated samples; then one
    generator update through the discriminator with flipped labels
    (generated samples labelled 1) for the default non-saturating cost.
    Each player's weights and moving statistics change only in its own
    update: the other network runs in training mode (batch statistics,
    dropout) but frozen.

    A batch from `fit` holds k minibatches: with `d_steps=k`, a dataset
    batched by k * m gives k D updates on m real images each, then one G
    update on m generated images; minibatch i holds the batch's images i,
    i + k, i + 2k, ... (the same split on any number of replicas). Batches may
    be images alone, float `(batch, height, width, channels)` in [-1, 1], or
    tuples whose first element is the images (the rest, e.g. labels, is
    ignored).

    The post-2016 toolkit enters the same step through named seams, each in
    its own module: the game, label smoothing and a gradient penalty
    (`compile`, `keras_gan.objective`), an EMA of G (`ema_decay`,
    `keras_gan.ema`), a differentiable augmentation of every image D sees
    (`augmentation`, `keras_gan.augment`), simultaneous updates
    (`compile(update="simultaneous")`) and packing (`pack`,
    `keras_gan.packing`). Spectral normalization is part of D
    (`keras_gan.architectures`, `spectral_norm=True`). `fit`'s logs are
    listed in `AdversarialModel`.

    Args:
        generator: a built `keras.Model` from z, float `(batch, latent_dim)`,
            to images `(batch, height, width, channels)`.
        discriminator: a built `keras.Model` from such images to logits,
            `(batch, 1)` or `(batch,)`, no sigmoid.
        latent_dim: int, size of z. Default: read from the generator's input.
        latent_prior: "normal" (N(0, 1), default) or "uniform"
            (U(-sqrt 3, sqrt 3), unit variance, as in the 2014 paper's code).
        pack: int >= 1, m of PacGAN (Lin et al. 2018; `keras_gan.packing`):
            D judges packs of m consecutive samples of a minibatch, all
            real or all generated, concatenated along the last axis, so
            its input shape is G's output shape with the last axis times
            m, and it returns one logit per pack. Minibatches must hold a
            multiple of m samples. Default 1 (no packing). Unconditional
            GANs only; not with a gradient penalty.
        seed, ema_decay, augmentation, **kwargs: as `AdversarialModel`.

    Raises:
        ValueError: if the generator's output shape differs from the
            discriminator's input shape, `latent_dim` differs from the
            generator's input size or cannot be read from it,
            `latent_prior` is unknown, `ema_decay` is not in (0, 1),
            `augmentation` is not a known policy, or `pack` is not a
            positive int (or is > 1 for a conditional GAN).

    Example:
        ```python
        gan = keras_gan.GAN(
            keras_gan.architectures.dcgan_generator((28, 28, 1)),
            keras_gan.architectures.dcgan_discriminator((28, 28, 1)),
        )
        gan.compile(
            d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        )
        gan.fit(keras_gan.data.load_tfds("mnist", batch_size=128), epochs=5)
        images = gan.generate(64, seed=0)  # (64, 28, 28, 1) in [-1, 1]
        ```

    Reference:
        Goodfellow et al. 2014, "Generative Adversarial Nets", Algorithm 1.
    """

    # None: unconditional. Inputs of each network: z, or images (a
    # conditional GAN adds labels).
    num_classes = None
    NETWORK_INPUTS = 1

    def __init__(self, generator, discriminator, latent_dim=None, latent_prior="normal", pack=1, **kwargs):
        self.pack = self._check_pack(pack)
        self.latent_dim = _resolve_latent_dim(generator, latent_dim, self.NETWORK_INPUTS)
        if latent_prior not in LATENT_PRIORS:
            raise ValueError(
                "Invalid value for argument `latent_prior`. Expected one of "
                f"{LATENT_PRIORS}. Received: latent_prior={latent_prior!r}"
            )
        self.latent_prior = latent_prior
        super().__init__(generator, discriminator, **kwargs)

    def _check_pack(self, pack):
        pack = packing.check_pack(pack)
        if pack > 1 and self.NETWORK_INPUTS > 1:  # a conditional GAN
            raise ValueError(
                "Invalid value for argument `pack`. Expected pack=1 for a "
                "conditional GAN (a pack would mix labels; keras_gan packs "
                f"unconditional GANs only). Received: pack={pack}"
            )
        return pack

    def get_config(self):
        return {
            **super().get_config(),
            "latent_dim": self.latent_dim,
            "latent_prior": self.latent_prior,
            "pack": self.pack,
        }

    # ------------------------------------------------------------------
    # Extension points of AdversarialModel

    def check_networks(self, generator, discriminator):
        """G's output shape, after checking it fits D's input (packed)."""
        g_output = networks.static_shape(generator, "output")
        if g_output is None:
            inputs = self.generator_inputs(
                keras.KerasTensor((None, self.latent_dim)), keras.KerasTensor((None,), "int32")
            )
            g_output = tuple(generator.compute_output_spec(inputs).shape[1:])
        d_input = networks.static_shape(discriminator, "input", self.NETWORK_INPUTS)
        expected = packing.packed_shape(g_output, self.pack)
        if d_input is not None and expected != d_input:
            packed = f" packed by pack={self.pack}" if self.pack > 1 else ""
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected an input "
                f"shape equal to the generator's output shape{packed}, (None, "
                f"{', '.join(map(str, expected))}). Received: a discriminator "
                f"with input shape (None, {', '.join(map(str, d_input))})"
            )
        return g_output

    def unpack(self, data):
        """A batch from `fit` -> (images, None), images checked."""
        images = data[0] if isinstance(data, (tuple, list)) else data
        self.check_images(images)
        return images, None

    def draw_fakes(self, real_images, labels, seed):
        """G's inputs for as many samples as `real_images` holds, and their
        labels (None unconditional): z from one half of `seed`, the labels
        from the other (`fake_labels`)."""
        z_seed, label_seed = tf.unstack(tf.random.experimental.stateless_split(seed, alg="philox"))
        z = self.sample_latent(tf.shape(real_images)[0], z_seed)
        fake_labels = self.fake_labels(labels, label_seed)
        return self.generator_inputs(z, fake_labels), fake_labels

    def discriminator_inputs(self, images, labels):
        """The images packed by `pack` (`keras_gan.packing`)."""
        return packing.pack_samples(images, self.pack)

    # Conditioning hooks: an unconditional GAN has no labels. ConditionalGAN
    # overrides these.

    def fake_labels(self, labels, seed):
        """Labels to generate with in a step, drawn from the batch's `labels`."""
        return None

    def generator_inputs(self, z, labels):
        """What G takes for noise `z` and `labels`: z alone here."""
        return z

    def generation_labels(self, labels, num_samples):
        """The labels to generate `num_samples` images with: none here."""
        if labels is not None:
            raise ValueError(
                "Invalid argument `labels` for an unconditional GAN. Expected "
                "labels=None (use keras_gan.ConditionalGAN to generate by "
                f"class). Received: labels={labels!r}"
            )
        return None

    # ------------------------------------------------------------------
    # Sampling

    def sample_latent(self, num_samples, seed):
        """Draws z from the prior, float32 `(num_samples, latent_dim)`.

        Args:
            num_samples: int or scalar int tensor.
            seed: int tensor of shape `(2,)`, a stateless RNG seed: the same
                seed gives the same z.
        """
        shape = tf.stack([num_samples, self.latent_dim])
        # Philox named, not "auto_select", whose choice may change with the
        # device or the TF version. (XLA turns its bits into floats its own
        # way: under jit_compile the same seed gives other noise.)
        if self.latent_prior == "normal":
            return tf.random.stateless_normal(shape, seed, alg="philox")
        bound = math.sqrt(3.0)
        return tf.random.stateless_uniform(shape, seed, -bound, bound, alg="philox")

    def generate(self, num_samples, seed=None, batch_size=256, labels=None, ema=True):
        """Samples images from the generator, in inference mode.

        Args:
            num_samples: int >= 1.
            seed: int or None. The same int gives the same images; None draws
                a seed from Python's `random` (seeded by
                `keras.utils.set_random_seed`). Training noise is unaffected.
            batch_size: int >= 1, images per generator call (bounds memory).
            labels: conditional GANs only: the class of each sample (see
                `ConditionalGAN.generate`).
            ema: bool, default True: sample the EMA generator when the GAN
                keeps one (`ema_decay`); False samples the trained G.

        Returns:
            float32 tensor `(num_samples, height, width, channels)` in the
            generator's output range ([-1, 1] for the built-in generators).

        Raises:
            ValueError: if `num_samples` or `batch_size` is not a positive
                int, or for `labels` given to an unconditional GAN.
        """
        num_samples = check_positive_int("num_samples", num_samples)
        if seed is None:
            seed = random.randrange(2**31)
        z = self.sample_latent(num_samples, tf.constant([seed, 0], tf.int64))
        return self.generate_from_latent(z, labels=labels, batch_size=batch_size, ema=ema)

    def generate_from_latent(self, z, labels=None, batch_size=256, ema=True):
        """The generator's images for given latent vectors, in inference mode.

        Args:
            z: float array or tensor `(num_samples, latent_dim)`, e.g. from
                `sample_latent` or `keras_gan.latent.interpolate`.
            labels: conditional GANs only: the class of each sample.
            batch_size: int >= 1, images per generator call (bounds memory).
            ema: bool, default True: the EMA generator when there is one.

        Returns:
            float32 tensor `(num_samples, height, width, channels)`.

        Raises:
            ValueError: if `z` is not of shape `(num_samples, latent_dim)`,
                `batch_size` is not a positive int, or for bad `labels`.
        """
        batch_size = check_positive_int("batch_size", batch_size)
        z = tf.convert_to_tensor(z, tf.float32)
        if len(z.shape) != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(
                "Invalid value for argument `z`. Expected shape (num_samples, "
                f"{self.latent_dim}). Received: z of shape {tuple(z.shape)}"
            )
        labels = self.generation_labels(labels, z.shape[0])
        generator = self.sampling_generator(ema)
        chunks = [
            generator(
                self.generator_inputs(
                    z[i : i + batch_size],
                    None if labels is None else labels[i : i + batch_size],
                ),
                training=False,
            )
            for i in range(0, z.shape[0], batch_size)
        ]
        return tf.cast(tf.concat(chunks, axis=0), tf.float32)


def _resolve_latent_dim(generator, latent_dim, count):
    """`latent_dim`, checked against (or read from) G's input `(batch, latent_dim)`."""
    input_shape = networks.static_shape(generator, "input", count)
    known = input_shape[-1] if input_shape and len(input_shape) == 1 else None
    if latent_dim is None:
        if known is None:
            raise ValueError(
                "Invalid value for argument `latent_dim`. Expected an int "
                "when the generator's input shape `(batch, latent_dim)` "
                "cannot be read from it. Received: latent_dim=None"
            )
        return known
    if not isinstance(latent_dim, int) or latent_dim < 1 or (known is not None and latent_dim != known):
        raise ValueError(
            "Invalid value for argument `latent_dim`. Expected a positive "
            "int equal to the generator's input size "
            f"{known if known is not None else '(unknown)'}. "
            f"Received: latent_dim={latent_dim!r}"
        )
    return latent_dim
