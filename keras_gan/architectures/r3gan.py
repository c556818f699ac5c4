"""R3GAN's generator and discriminator (Huang et al. 2024, section 3).

A residual network without normalization: each stage holds `blocks`
inverted-bottleneck blocks (1x1 conv C -> 2C, bias + leaky ReLU 0.2, grouped
3x3 conv 2C -> 2C with groups of 16 channels, bias + leaky ReLU, 1x1 conv
2C -> C initialized to zero, so that every block is the identity at
initialization), added to a residual stream that carries no activation.
Stages change resolution by the [1, 3, 3, 1] filter (`Resample`), and
width by a 1x1 convolution. Convolutions and dense layers have no bias;
weights are drawn from N(0, (gain / sqrt(fan_in))^2), with Fix-up's gain
sqrt(2 / (1 + 0.2^2)) L^(-1/4) on the first two convolutions of each block
(L blocks in the network) and 1 elsewhere.

    G: z (64) [, label embedding (64)] -> dense (no bias) -> scales of a
       learned constant at the base grid (`GenerativeBasis`) -> stages of
       blocks, each later one after (1x1 conv when the width changes, then)
       upsampling -> 1x1 conv to the image channels (no tanh).
    D: 1x1 conv from the image channels -> stages of blocks, each followed
       by downsampling (then a 1x1 conv when the width changes), down to
       the base grid -> depthwise conv over the whole grid -> dense to 1
       logit, or (conditional) to an embedding dotted with the label's
       (a projection discriminator).

`PRESETS` holds the paper's CIFAR-10 and FFHQ-64 networks (their parameter
counts equal the paper's Table 9 exactly; tests/test_r3gan.py) and "small"
for 28x28 and 32x32 on a CPU.

Reference:
    Huang, Gokaslan, Kuleshov, Tompkin 2024, "The GAN is dead; long live the
    GAN! A Modern GAN Baseline", NeurIPS, section 3 and appendix D, Table 9;
    brownvc/R3GAN `R3GAN/Networks.py`, `Resamplers.py`, `train.py`.
"""

import math

import keras
import tensorflow as tf

from keras_gan.architectures import conditioning
from keras_gan.architectures.dcgan import resolution_steps
from keras_gan.validation import check_image_shape
from keras_gan.validation import check_positive_int

LEAKY_SLOPE = 0.2
ACTIVATION_GAIN = math.sqrt(2 / (1 + LEAKY_SLOPE**2))  # 1.3867505
GROUP_SIZE = 16  # channels per group of the 3x3 convolution
# Widths per stage, from the base grid (4x4) to the image; blocks per stage.
PRESETS = {
    "cifar10": {"width": (768, 768, 768, 768), "blocks": 2},  # 32x32, conditional in the paper
    "ffhq64": {"width": (768, 768, 768, 768, 384), "blocks": 2},  # 64x64
    "small": {"width": 32, "blocks": 2},  # any shape DCGAN takes, e.g. MNIST on a CPU
}


def initializer(gain=1.0):
    """N(0, (gain / sqrt(fan_in))^2), untruncated: R3GAN's `MSRInitializer`."""
    return keras.initializers.VarianceScaling(scale=gain**2, mode="fan_in", distribution="untruncated_normal")


@keras.saving.register_keras_serializable(package="keras_gan")
class Resample(keras.layers.Layer):
    """Upsampling or downsampling by 2 with the [1, 3, 3, 1] filter, per channel.

    Per axis, with x zero outside the image:

        up:   y[2i] = (x[i-1] + 3 x[i]) / 4,   y[2i+1] = (3 x[i] + x[i+1]) / 4
        down: y[i] = (x[2i-1] + 3 x[2i] + 3 x[2i+1] + x[2i+2]) / 8

    i.e. upfirdn2d with the separable kernel outer(a, a), a = [1, 3, 3, 1] / 8
    (times 4 when upsampling). Not `tf.image.resize`: its bilinear mode
    averages 2 pixels on the way down and clamps at the border.

    Args:
        direction: "up" or "down".

    Input and output: float `(batch, height, width, channels)`; "up" doubles
    height and width, "down" halves them (both even).

    Reference:
        brownvc/R3GAN `Resamplers.py` (`InterpolativeUpsampler`,
        `InterpolativeDownsampler`); Karras et al. 2020 (StyleGAN2) upfirdn2d.
    """

    def __init__(self, direction, **kwargs):
        super().__init__(**kwargs)
        if direction not in ("up", "down"):
            raise ValueError(
                f"Invalid value for argument `direction`. Expected 'up' or 'down'. Received: direction={direction!r}"
            )
        self.direction = direction

    def call(self, x):
        resample = _up if self.direction == "up" else _down
        x = resample(x)  # along height
        return tf.transpose(resample(tf.transpose(x, [0, 2, 1, 3])), [0, 2, 1, 3])  # along width

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        scale = (lambda n: None if n is None else n * 2) if self.direction == "up" else (
            lambda n: None if n is None else n // 2
        )
        return (batch, scale(height), scale(width), channels)

    def get_config(self):
        return {**super().get_config(), "direction": self.direction}


def _up(x):
    """Upsampling by 2 along axis 1."""
    padded = tf.pad(x, [[0, 0], [1, 1], [0, 0], [0, 0]])
    previous, current, following = padded[:, :-2], padded[:, 1:-1], padded[:, 2:]
    even, odd = (previous + 3 * current) / 4, (3 * current + following) / 4
    interleaved = tf.stack([even, odd], axis=2)
    shape = tf.shape(x)
    return tf.reshape(interleaved, tf.stack([shape[0], 2 * shape[1], shape[2], shape[3]]))


def _down(x):
    """Downsampling by 2 along axis 1 (even length)."""
    padded = tf.pad(x, [[0, 0], [1, 1], [0, 0], [0, 0]])
    return (padded[:, 0:-3:2] + 3 * padded[:, 1:-2:2] + 3 * padded[:, 2:-1:2] + padded[:, 3::2]) / 8


@keras.saving.register_keras_serializable(package="keras_gan")
class GroupedConv2D(keras.layers.Conv2D):
    """`keras.layers.Conv2D` with `groups` > 1, fast on CPUs too.

    The same layer as Keras's (kernel `(kh, kw, channels / groups,
    filters)`, initializers, bias, config); without a GPU it convolves each
    group separately and concatenates the results, which is the same
    arithmetic: TensorFlow's CPU kernels for a grouped convolution's
    gradient are about 150 times slower than this (measured on TF 2.21, a
    batch of 64 28x28x128 maps in 8 groups: 31 s against 0.2 s), and R1/R2
    differentiate through it twice. With a GPU, TensorFlow's own grouped
    convolution (cuDNN) runs.

    Args: as `keras.layers.Conv2D`.
    """

    def convolution_op(self, inputs, kernel):
        if self.groups == 1 or tf.config.list_physical_devices("GPU"):
            return super().convolution_op(inputs, kernel)
        parts = zip(tf.split(inputs, self.groups, axis=-1), tf.split(kernel, self.groups, axis=-1))
        return tf.concat([super(GroupedConv2D, self).convolution_op(x, k) for x, k in parts], axis=-1)


@keras.saving.register_keras_serializable(package="keras_gan")
class GenerativeBasis(keras.layers.Layer):
    """G's input: a learned constant `(height, width, channels)` ~ N(0, 1),
    scaled per sample and channel: y[n, h, w, c] = B[h, w, c] s[n, c].

    Args:
        base_shape: `(height, width)` of the base grid.

    Input: s, float `(batch, channels)`. Output: `(batch, height, width, channels)`.

    Reference:
        brownvc/R3GAN `Networks.py` `GenerativeBasis`.
    """

    def __init__(self, base_shape, **kwargs):
        super().__init__(**kwargs)
        self.base_shape = tuple(base_shape)

    def build(self, input_shape):
        self.basis = self.add_weight(
            shape=(*self.base_shape, input_shape[-1]), initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="basis",
        )

    def call(self, scales):
        return self.basis[None] * scales[:, None, None, :]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.base_shape, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "base_shape": self.base_shape}


def residual_block(x, groups, gain, name):
    """x + W3(act(W2(act(W1 x)))), W1 1x1 C -> 2C, W2 grouped 3x3, W3 1x1
    2C -> C initialized to zero (the identity at initialization)."""
    channels = x.shape[-1]
    y = keras.layers.Conv2D(2 * channels, 1, kernel_initializer=initializer(gain), name=f"{name}_expand")(x)
    y = keras.layers.LeakyReLU(negative_slope=LEAKY_SLOPE)(y)
    y = GroupedConv2D(2 * channels, 3, padding="same", groups=groups, kernel_initializer=initializer(gain),
                      name=f"{name}_grouped")(y)
    y = keras.layers.LeakyReLU(negative_slope=LEAKY_SLOPE)(y)
    y = keras.layers.Conv2D(channels, 1, use_bias=False, kernel_initializer="zeros", name=f"{name}_project")(y)
    return keras.layers.Add(name=name)([x, y])


def _stages(image_shape, widths, blocks):
    """(base grid, widths from base to image, blocks, Fix-up gain) after checks."""
    image_shape = check_image_shape(image_shape)
    n = resolution_steps(image_shape)
    widths = (widths,) * (n + 1) if isinstance(widths, int) else tuple(widths)
    if len(widths) != n + 1 or not all(isinstance(w, int) and w >= 1 and (2 * w) % GROUP_SIZE == 0 for w in widths):
        raise ValueError(
            f"Invalid value for argument `width`. Expected an int or {n + 1} ints (one per stage, base to image, "
            f"for image_shape={image_shape}), each a multiple of {GROUP_SIZE // 2} (2C in groups of {GROUP_SIZE}). "
            f"Received: width={widths!r}"
        )
    blocks = check_positive_int("blocks", blocks, "residual blocks per stage")
    gain = ACTIVATION_GAIN * (blocks * len(widths)) ** -0.25
    base = (image_shape[0] // 2**n, image_shape[1] // 2**n)
    return image_shape, base, widths, blocks, gain


def r3gan_generator(image_shape=(32, 32, 3), latent_dim=64, width=32, blocks=2, num_classes=None,
                    label_embedding_dim=64, name="r3gan_generator"):
    """R3GAN's generator (see the module docstring).

    Args:
        image_shape: `(height, width, channels)`, sides as DCGAN takes them
            (28x28 starts from a 7x7 grid, 32x32 and 64x64 from 4x4).
        latent_dim: int >= 1, size of z. Default 64 (the paper's).
        width: channels per stage, from the base grid to the image: an int
            (every stage) or one int per stage; each a multiple of 8.
            `PRESETS` gives the paper's. Default 32 (the "small" preset).
        blocks: int >= 1, residual blocks per stage. Default 2.
        num_classes: None or an int >= 2: z is concatenated with a learned
            embedding of the label (`label_embedding_dim`).
        label_embedding_dim: int >= 1, default 64.
        name: the model's name.

    Returns:
        A functional `keras.Model` from z, float32 `(batch, latent_dim)`
        (with `num_classes`: `[z, labels]`), to images, float32
        `(batch, *image_shape)`, unbounded (no tanh; the paper's).

    Raises:
        ValueError: for an `image_shape` this cannot produce, or bad
            `latent_dim`, `width`, `blocks` or `num_classes`.

    Reference:
        Huang et al. 2024, NeurIPS, section 3; brownvc/R3GAN `Generator`.
    """
    image_shape, base, widths, blocks, gain = _stages(image_shape, width, blocks)
    latent_dim = check_positive_int("latent_dim", latent_dim)
    num_classes = conditioning.check_num_classes(num_classes)
    inputs, labels = conditioning.network_inputs(keras.Input((latent_dim,), name="z"), num_classes)
    z = inputs[0] if num_classes else inputs
    if num_classes:
        embedding = keras.layers.Embedding(
            num_classes, label_embedding_dim,
            embeddings_initializer=keras.initializers.RandomNormal(stddev=1 / math.sqrt(num_classes)),
            name="label_embedding",
        )(labels)
        z = keras.layers.Concatenate(name="z_and_label")([z, embedding])
    scales = keras.layers.Dense(widths[0], use_bias=False, kernel_initializer=initializer(), name="basis_scales")(z)
    x = GenerativeBasis(base, name="basis")(scales)
    for stage, width in enumerate(widths):
        if stage:
            if width != x.shape[-1]:
                x = keras.layers.Conv2D(width, 1, use_bias=False, kernel_initializer=initializer(),
                                        name=f"stage{stage}_width")(x)
            x = Resample("up", name=f"stage{stage}_up")(x)
        for block in range(blocks):
            x = residual_block(x, 2 * width // GROUP_SIZE, gain, name=f"stage{stage}_block{block}")
    images = keras.layers.Conv2D(image_shape[-1], 1, use_bias=False, kernel_initializer=initializer(),
                                 name="images")(x)
    return keras.Model(inputs, images, name=name)


def r3gan_discriminator(image_shape=(32, 32, 3), width=32, blocks=2, num_classes=None, spectral_norm=False,
                        name="r3gan_discriminator"):
    """R3GAN's discriminator (see the module docstring).

    Args:
        image_shape: `(height, width, channels)`, as for the generator.
        width: channels per stage as the generator's, from the base grid to
            the image (D runs them in reverse). Default 32.
        blocks: int >= 1, residual blocks per stage. Default 2.
        num_classes: None or an int >= 2: a projection head, the logit the
            dot product of a C-dimensional output with the label's learned
            embedding (C the base stage's width).
        spectral_norm: False only (R3GAN has none; the argument is there
            because every keras_gan discriminator builder takes it).
        name: the model's name.

    Returns:
        A functional `keras.Model` from images, float32 `(batch,
        *image_shape)` (with `num_classes`: `[images, labels]`), to logits,
        float32 `(batch, 1)`.

    Raises:
        ValueError: for an `image_shape` this cannot take, bad `width`,
            `blocks` or `num_classes`, or `spectral_norm=True`.

    Reference:
        Huang et al. 2024, NeurIPS, section 3; brownvc/R3GAN `Discriminator`.
    """
    if spectral_norm:
        raise ValueError(
            "Invalid value for argument `spectral_norm`. Expected False: R3GAN's discriminator is regularized by "
            "R1 and R2, with no normalization. Received: spectral_norm=True"
        )
    image_shape, base, widths, blocks, gain = _stages(image_shape, width, blocks)
    num_classes = conditioning.check_num_classes(num_classes)
    inputs, labels = conditioning.network_inputs(keras.Input(image_shape, name="images"), num_classes)
    x = inputs[0] if num_classes else inputs
    x = keras.layers.Conv2D(widths[-1], 1, use_bias=False, kernel_initializer=initializer(), name="from_images")(x)
    for stage in reversed(range(len(widths))):
        for block in range(blocks):
            x = residual_block(x, 2 * widths[stage] // GROUP_SIZE, gain, name=f"stage{stage}_block{block}")
        if stage:
            x = Resample("down", name=f"stage{stage}_down")(x)
            if widths[stage - 1] != x.shape[-1]:
                x = keras.layers.Conv2D(widths[stage - 1], 1, use_bias=False, kernel_initializer=initializer(),
                                        name=f"stage{stage}_width")(x)
    x = keras.layers.DepthwiseConv2D(
        base, use_bias=False, name="head_depthwise",
        depthwise_initializer=keras.initializers.RandomNormal(stddev=1 / math.sqrt(base[0] * base[1])),
    )(x)
    x = keras.layers.Flatten()(x)
    head_width = widths[0]
    outputs = 1 if not num_classes else head_width
    x = keras.layers.Dense(outputs, use_bias=False, kernel_initializer=initializer(), name="head")(x)
    if not num_classes:
        return keras.Model(inputs, x, name=name)
    embedding = keras.layers.Embedding(
        num_classes, head_width,
        embeddings_initializer=keras.initializers.RandomNormal(stddev=1 / math.sqrt(head_width * num_classes)),
        name="label_embedding",
    )(labels)
    logits = keras.layers.Dot(axes=1, name="logits")([x, embedding])
    return keras.Model(inputs, logits, name=name)
