"""The DCGAN of PacGAN's Stacked MNIST experiments (carpedm20's DCGAN in TensorFlow).

PacGAN's Table 2 (and VEEGAN's Stacked MNIST row it follows) trains this
network pair, which differs from `dcgan` (Radford et al.'s guidelines as
`keras_gan.architectures.dcgan` reads them) in four ways:

- always four stride-2 steps, each side halving with rounding up
  (28 -> 14 -> 7 -> 4 -> 2), so G starts from a 2x2 grid of 8w channels
  and D ends at one (for 28x28: G 2x2x512 -> 4x4x256 -> 7x7x128 ->
  14x14x64 -> 28x28xC; D 64-128-256-512 -> 2x2x512 -> one logit);
- every layer has a bias, including those before batch normalization;
- batch normalization with momentum 0.9 and epsilon 1e-5 (TF-contrib's
  settings in that code), after every layer of G but its output and
  after every convolution of D but its first;
- D's convolutions start from a truncated normal (stddev 0.02), G's and
  the dense layers from a normal one.

With PacGAN's packing the discriminator is built for `pack` times the
channels (`keras_gan.packing.packed_shape`); G is unchanged.

Reference:
    Lin et al. 2018, "PacGAN", arXiv:1712.04086, section 5.2;
    fjxmlzn/PacGAN `stacked_MNIST_experiments/VEEGAN_experiment/model.py`
    (`generator`, `discriminator`) and `ops.py` (`conv2d`, `deconv2d`,
    `batch_norm`, `lrelu`).
"""

import math

import keras

from keras_gan.architectures import conditioning
from keras_gan.architectures.spectral_norm import maybe_spectral_norm
from keras_gan.validation import check_image_shape
from keras_gan.validation import check_positive_int

KERNEL_SIZE = 5
STEPS = 4
BN_MOMENTUM = 0.9
BN_EPSILON = 1e-5


def _normal():
    return keras.initializers.RandomNormal(stddev=0.02)


def _batch_norm():
    return keras.layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON, synchronized=True)


def side_lengths(side):
    """The side after each of the 4 stride-2 steps of "SAME" padding,
    rounded up: 28 -> [28, 14, 7, 4, 2]."""
    sides = [side]
    for _ in range(STEPS):
        sides.append(math.ceil(sides[-1] / 2))
    return sides


def pacgan_dcgan_generator(image_shape=(28, 28, 3), latent_dim=100, width=64, num_classes=None,
                           name="pacgan_dcgan_generator"):
    """PacGAN's Stacked MNIST generator: z -> dense to 2x2x8w -> 4 transposed convolutions.

    Args:
        image_shape: `(height, width, channels)` of the generated images,
            any positive sides (each halves 4 times, rounding up). Default
            `(28, 28, 3)`, Stacked MNIST.
        latent_dim: int >= 1, size of z. Default 100 (PacGAN's).
        width: int >= 1, w: channels of the last hidden layer (gf_dim);
            the earlier ones have 2w, 4w, 8w. Default 64.
        num_classes: None (default) or an int >= 2: G(z, y), z concatenated
            with the one-hot label (`conditioning`).
        name: the model's name.

    Returns:
        A functional `keras.Model` from z, float32 `(batch, latent_dim)`, to
        images, float32 `(batch, *image_shape)` in [-1, 1] (tanh).

    Raises:
        ValueError: for a bad `image_shape`, `width` or `num_classes`.

    Reference:
        fjxmlzn/PacGAN `stacked_MNIST_experiments/VEEGAN_experiment/model.py`, `generator`.
    """
    image_shape = check_image_shape(image_shape)
    width = check_positive_int("width", width, "channels of the widest-resolution layer (gf_dim)")
    num_classes = conditioning.check_num_classes(num_classes)
    heights, widths = side_lengths(image_shape[0]), side_lengths(image_shape[1])

    z = keras.Input((latent_dim,), name="z")
    inputs, x = z, z
    if num_classes:
        labels = conditioning.label_input()
        inputs, x = [z, labels], conditioning.concat_one_hot(z, labels, num_classes)
    channels = width * 2 ** (STEPS - 1)
    x = keras.layers.Dense(heights[-1] * widths[-1] * channels, kernel_initializer=_normal())(x)
    x = keras.layers.Reshape((heights[-1], widths[-1], channels))(x)
    x = keras.layers.ReLU()(_batch_norm()(x))
    for step in range(STEPS - 1, -1, -1):
        last = step == 0
        # "SAME" transposed convolution to the exact side: 2 n or 2 n - 1.
        output_padding = (heights[step] - 2 * heights[step + 1] + 1, widths[step] - 2 * widths[step + 1] + 1)
        x = keras.layers.Conv2DTranspose(
            image_shape[-1] if last else width * 2 ** (step - 1),
            KERNEL_SIZE,
            strides=2,
            padding="same",
            output_padding=output_padding,
            kernel_initializer=_normal(),
            activation="tanh" if last else None,
            name="images" if last else None,
        )(x)
        if not last:
            x = keras.layers.ReLU()(_batch_norm()(x))
    return keras.Model(inputs, x, name=name)


def pacgan_dcgan_discriminator(image_shape=(28, 28, 3), width=64, num_classes=None, spectral_norm=False,
                               name="pacgan_dcgan_discriminator"):
    """PacGAN's Stacked MNIST discriminator: 4 stride-2 convolutions, one logit.

    Args:
        image_shape: `(height, width, channels)` of what D judges: with
            packing m, `(28, 28, 3 m)`. Default `(28, 28, 3)`.
        width: int >= 1, channels of the first convolution (df_dim); the
            others have 2w, 4w, 8w. Default 64.
        num_classes: None (default) or an int >= 2: a projection
            discriminator on the flattened features (`conditioning`).
        spectral_norm: bool, default False: every convolution and the dense
            layer spectrally normalized (Miyato et al. 2018); batch
            normalization stays.
        name: the model's name.

    Returns:
        A functional `keras.Model` from images, float32 `(batch,
        *image_shape)` in [-1, 1], to logits, float32 `(batch, 1)`.

    Raises:
        ValueError: for a bad `image_shape`, `width`, `num_classes` or
            `spectral_norm`.

    Reference:
        fjxmlzn/PacGAN `stacked_MNIST_experiments/VEEGAN_experiment/model.py`, `discriminator`.
    """
    image_shape = check_image_shape(image_shape)
    width = check_positive_int("width", width, "channels of the first convolution (df_dim)")
    num_classes = conditioning.check_num_classes(num_classes)

    images = keras.Input(image_shape, name="images")
    x = images
    for step in range(STEPS):
        conv = keras.layers.Conv2D(width * 2**step, KERNEL_SIZE, strides=2, padding="same",
                                   kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.02))
        x = maybe_spectral_norm(conv, spectral_norm)(x)
        if step > 0:
            x = _batch_norm()(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    features = keras.layers.Flatten()(x)
    if num_classes:
        labels = conditioning.label_input()
        logits = conditioning.projection_logits(features, labels, num_classes, spectral_norm,
                                                kernel_initializer=_normal())
        return keras.Model([images, labels], logits, name=name)
    logits = maybe_spectral_norm(keras.layers.Dense(1, kernel_initializer=_normal()), spectral_norm)(features)
    return keras.Model(images, logits, name=name)
