"""`Pix2Pix`: image-to-image translation with a conditional GAN (Isola et al. 2017)."""

import keras
import numpy as np
import tensorflow as tf

from keras_gan import networks
from keras_gan.models.adversarial import AdversarialModel
from keras_gan.validation import check_positive_int


# The tutorial's generator costs, 1/2 of the cross-entropy's (keras_gan.losses).
HALVED_GENERATOR_COSTS = ("non_saturating", "minimax", "maximum_likelihood")


@keras.saving.register_keras_serializable(package="keras_gan")
class Pix2Pix(AdversarialModel):
    """A conditional GAN from an input image x to an output image y.

    G maps x to y (no z: dropout in G is its randomness, section 3.2.1); D
    judges (x, y) pairs, x and y concatenated along channels, real pairs
    (x, target) against generated ones (x, G(x)), patch by patch with a
    PatchGAN (section 3.2.2; the game's cost is averaged over each sample's
    patches, `games.per_patch`). G's cost adds lambda times the L1 distance
    to the target (equation 4):

        G* = arg min_G max_D L_cGAN(G, D) + lambda L_L1(G),
        L_L1 = E ||y - G(x)||_1 (here the mean over pixels and channels).

    The weighting is the paper's, so that `l1_weight` is its lambda: D
    minimises 1/2 of its cross-entropy (section 3.3, "we divide the
    objective by 2 while optimizing D", which `keras_gan`'s D cost already
    is), and G minimises the full non-saturating cost plus lambda L1,

        J(G) = -log D(x, G(x)) + lambda mean |y - G(x)|

    per sample (junyanz/pytorch-CycleGAN-and-pix2pix `backward_G`:
    `loss_G_GAN + loss_G_L1`). The tutorial's generator costs
    ("non_saturating", "minimax", "maximum_likelihood") carry a factor 1/2
    in `keras_gan.losses`; Pix2Pix weights them by 2 (`adversarial_weight`)
    to undo it. The other games' generator costs (hinge, least squares,
    Wasserstein) and a user's cost enter with weight 1, as defined.

    It trains through `AdversarialModel.train_step` unchanged, by its
    extension points (x is the condition D judges y with, and G's input)
    and `generator_cost`; so the games, penalties, EMA, simultaneous
    updates, `tf.distribute`, `.keras` files and the export all apply.

    Batches are `(inputs, targets)` pairs of float images in [-1, 1]:
    inputs `(batch, h, w, c_x)`, targets `(batch, h, w, c_y)`
    (`keras_gan.data.paired_from_arrays`, `load_paired_folders`,
    `load_paired_tfds`).

    `fit` reports the GAN's logs, with `g_loss` the adversarial term as G
    minimises it (weighted: -log D for the default game), plus `l1`, the
    unweighted mean absolute error of G(x) to the target (pixels in
    [-1, 1]).

    Args:
        generator: a built `keras.Model` from x `(batch, h, w, c_x)` to y
            `(batch, h, w, c_y)`, e.g.
            `keras_gan.architectures.unet_generator`.
        discriminator: a built `keras.Model` from `(batch, h, w, c_x + c_y)`
            to logits, one per sample or a map of them, e.g.
            `keras_gan.architectures.patchgan_discriminator`.
        l1_weight: float >= 0, lambda (paper: 100).
        seed, ema_decay, augmentation, **kwargs: as `AdversarialModel`.

    Raises:
        ValueError: for `l1_weight` < 0, or networks that do not fit (G's
            output of another height or width than its input, D's input
            not x's channels plus y's).

    Reference:
        Isola et al. 2017, "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR, equations 1-4, section 3.2;
        phillipi/pix2pix.
    """

    def __init__(self, generator, discriminator, l1_weight=100.0, **kwargs):
        if isinstance(l1_weight, bool) or not isinstance(l1_weight, (int, float)) or not l1_weight >= 0:
            raise ValueError(
                f"Invalid value for argument `l1_weight`. Expected a float >= 0 (lambda; the paper uses 100). "
                f"Received: l1_weight={l1_weight!r}"
            )
        # Files written before Pix2Pix had its own base carry GAN's
        # arguments, with the values that meant no z and no packing.
        for unused in ("latent_dim", "latent_prior", "pack"):
            kwargs.pop(unused, None)
        self.l1_weight = float(l1_weight)
        super().__init__(generator, discriminator, **kwargs)
        self.l1_tracker = keras.metrics.Mean(name="l1")

    def check_networks(self, generator, discriminator):
        x_shape = networks.static_shape(generator, "input")
        y_shape = networks.static_shape(generator, "output")
        if x_shape is None or y_shape is None or len(x_shape) != 3 or x_shape[:2] != y_shape[:2]:
            raise ValueError(
                "Invalid value for argument `generator`. Expected a built model from images (batch, h, w, c_x) "
                f"to images of the same height and width. Received: input {x_shape}, output {y_shape}"
            )
        d_input = networks.static_shape(discriminator, "input")
        expected = (*x_shape[:2], x_shape[-1] + y_shape[-1])
        if d_input is not None and tuple(d_input) != expected:
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected an input of (x, y) pairs, shape (None, "
                f"{', '.join(map(str, expected))}). Received: a discriminator with input shape (None, "
                f"{', '.join(map(str, d_input))})"
            )
        self.input_image_shape = tuple(x_shape)
        return tuple(y_shape)

    def make_objective(self, **config):
        """The model's `Objective`, whose cost of a sample is the mean over
        the patches D judges (`games.per_patch`)."""
        return super().make_objective(**config, patches=True)

    @property
    def adversarial_weight(self):
        """2 for the tutorial's halved generator costs (so that G's term is
        the paper's -log D(x, G(x))), else 1."""
        return 2.0 if self.objective.game.name in HALVED_GENERATOR_COSTS else 1.0

    def get_config(self):
        return {**super().get_config(), "l1_weight": self.l1_weight}

    @property
    def metrics(self):
        return [*super().metrics, self.l1_tracker]

    # ------------------------------------------------------------------
    # Extension points of AdversarialModel: x is the condition.

    def unpack(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                "Invalid dataset for Pix2Pix. Expected (inputs, targets) pairs of images (e.g. "
                "keras_gan.data.paired_from_arrays). Received: batches without targets"
            )
        inputs, targets = data[0], data[1]
        self.check_images(targets)
        if tuple(inputs.shape[1:]) != self.input_image_shape:
            raise ValueError(
                f"Invalid dataset inputs. Expected shape (batch, {', '.join(map(str, self.input_image_shape))}), "
                f"the size of the targets {tuple(targets.shape[1:3])} and the generator's input. Received: inputs "
                f"of shape {tuple(inputs.shape)}"
            )
        return targets, inputs

    def draw_fakes(self, real_images, inputs, seed):
        """G takes x (no z); a generated pair keeps its real x."""
        return inputs, inputs

    def discriminator_inputs(self, images, inputs):
        """(x, y) pairs, concatenated along channels."""
        return tf.concat([tf.cast(inputs, images.dtype), images], axis=-1)

    def generator_cost(self, g_loss, fake_images, real_images):
        """(the adversarial term, weighted; it plus lambda L1 to the target)."""
        g_loss = self.adversarial_weight * g_loss
        l1 = tf.reduce_mean(
            tf.abs(tf.cast(fake_images, tf.float32) - tf.cast(real_images, tf.float32)),
            axis=list(range(1, len(real_images.shape))),
        )
        self.l1_tracker.update_state(l1)
        return g_loss, g_loss + self.l1_weight * l1

    # ------------------------------------------------------------------
    # Translating

    def translate(self, inputs, batch_size=256, ema=True, stochastic=False):
        """G(x) for input images, in batches.

        Args:
            inputs: float array `(n, h, w, c_x)` in [-1, 1].
            batch_size: int >= 1, images per generator call.
            ema: bool, the EMA generator when the GAN keeps one.
            stochastic: bool, default False (inference mode: no dropout,
                batch norm's moving statistics). True runs G as pix2pix
                does at test time (section 3.2.1 and 4): dropout on and
                the batch's own statistics, without changing G's state, so
                that calls with the same x give different outputs.

        Returns:
            float32 tensor `(n, h, w, c_y)`.

        Raises:
            ValueError: for inputs of another shape than G's input.
        """
        batch_size = check_positive_int("batch_size", batch_size)
        inputs = np.asarray(inputs, np.float32)
        if inputs.shape[1:] != self.input_image_shape:
            raise ValueError(
                "Invalid value for argument `inputs`. Expected shape (n, "
                f"{', '.join(map(str, self.input_image_shape))}). Received: inputs of shape {inputs.shape}"
            )
        generator = self.sampling_generator(ema)
        outputs = [
            networks.frozen_call(generator, inputs[i : i + batch_size]) if stochastic
            else generator(inputs[i : i + batch_size], training=False)
            for i in range(0, len(inputs), batch_size)
        ]
        return tf.cast(tf.concat(outputs, axis=0), tf.float32)
