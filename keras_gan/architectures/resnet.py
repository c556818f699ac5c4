"""The ResNet generator and discriminator of Gulrajani et al. 2017 and Miyato et al. 2018.

Residual blocks (Miyato et al. 2018, appendix B.4, Figure 8 and Table 4):

    G block (up):   BN, ReLU, upsample x2 (nearest), conv 3x3, BN, ReLU,
                    conv 3x3; shortcut: upsample x2, conv 1x1.
    D block (down): ReLU, conv 3x3, ReLU, conv 3x3, average-pool 2;
                    shortcut: conv 1x1, average-pool 2 (the first block
                    applies no ReLU to the image: conv, ReLU, conv, pool;
                    shortcut pool, conv 1x1). A block without "down" keeps
                    the resolution, its shortcut the identity.

Layouts, n = `resolution_steps(image_shape)` up or down steps:

- up to 32x32 (n <= 3; CIFAR-10, Table 4): G: z -> dense base x base x w,
  n up blocks of w channels (w = 256), BN, ReLU, conv 3x3, tanh. D: n - 1
  down blocks (32x32 -> 8x8) then 2 plain blocks, all w channels (w = 128),
  ReLU, global sum pooling, dense 1.
- 64x64 and up (n >= 4; Gulrajani et al.'s 64x64 model): G: dense
  4x4 x 8w, up blocks to 8w, 4w, 2w, w (w = 64; the pattern extends with n);
  D: down blocks of w, 2w, 4w, 8w channels, a plain block of 8w, ReLU,
  global sum pooling, dense 1.

Conditional versions use conditional batch normalization in G's blocks and
a projection in D (`conditioning`).
"""

import keras

from keras_gan.architectures import conditioning
from keras_gan.architectures.dcgan import resolution_steps
from keras_gan.architectures.spectral_norm import maybe_spectral_norm
from keras_gan.validation import check_image_shape
from keras_gan.validation import check_positive_int

SMALL_IMAGE_STEPS = 3  # up to 32x32: the CIFAR-10 layout


def _generator_channels(n, width):
    """Channels of the base and after each of the n up blocks."""
    if n <= SMALL_IMAGE_STEPS:
        return [width] * (n + 1)
    return [width * 2 ** (n - 1)] + [width * 2 ** (n - 1 - i) for i in range(n)]


def _discriminator_channels(n, width):
    """(channels, down) of each D block."""
    if n <= SMALL_IMAGE_STEPS:
        return [(width, True)] * max(n - 1, 1) + [(width, False)] * 2
    return [(width * 2**i, True) for i in range(n)] + [(width * 2 ** (n - 1), False)]


def _generator_block(x, channels, labels, num_classes):
    shortcut = keras.layers.Conv2D(channels, 1)(keras.layers.UpSampling2D(2)(x))
    x = keras.layers.ReLU()(conditioning.batch_norm(x, labels, num_classes))
    x = keras.layers.Conv2D(channels, 3, padding="same")(keras.layers.UpSampling2D(2)(x))
    x = keras.layers.ReLU()(conditioning.batch_norm(x, labels, num_classes))
    x = keras.layers.Conv2D(channels, 3, padding="same")(x)
    return keras.layers.Add()([x, shortcut])


def _discriminator_block(x, channels, down, first, spectral_norm):
    def conv(kernel_size):
        return maybe_spectral_norm(keras.layers.Conv2D(channels, kernel_size, padding="same"), spectral_norm)

    shortcut = x
    if first:
        shortcut = conv(1)(keras.layers.AveragePooling2D(2)(x))
    elif down or x.shape[-1] != channels:
        shortcut = conv(1)(x)
        shortcut = keras.layers.AveragePooling2D(2)(shortcut) if down else shortcut
    h = x if first else keras.layers.ReLU()(x)
    h = conv(3)(keras.layers.ReLU()(conv(3)(h)))
    if down:
        h = keras.layers.AveragePooling2D(2)(h)
    return keras.layers.Add()([h, shortcut])


def resnet_generator(
    image_shape=(32, 32, 3), latent_dim=128, width=None, num_classes=None, name="resnet_generator"
):
    """The ResNet generator: dense, n up-sampling residual blocks, conv.

    Args:
        image_shape: `(height, width, channels)`; both sides even and at
            least 8 (see `resolution_steps`). Default `(32, 32, 3)`.
        latent_dim: int >= 1, size of z. Default 128.
        width: int >= 1, w of the module docstring's layouts; None for the
            papers' (256 up to 32x32, 64 above).
        num_classes: None or an int >= 2: conditional batch normalization.
        name: the model's name.

    Returns:
        A functional `keras.Model` from z, float32 `(batch, latent_dim)`
        (with `num_classes`: `[z, labels]`), to images, float32
        `(batch, *image_shape)` in [-1, 1].

    Raises:
        ValueError: for an `image_shape` this cannot produce, or a bad
            `latent_dim`, `width` or `num_classes`.

    Reference:
        Miyato et al. 2018, ICLR, appendix B.4, Table 4 (a); Gulrajani et
        al. 2017, NeurIPS, appendix C and F (64x64).
    """
    image_shape = check_image_shape(image_shape)
    latent_dim = check_positive_int("latent_dim", latent_dim)
    num_classes = conditioning.check_num_classes(num_classes)
    n = resolution_steps(image_shape)
    width = check_positive_int("width", width if width is not None else (256 if n <= SMALL_IMAGE_STEPS else 64))
    channels = _generator_channels(n, width)
    base = (image_shape[0] // 2**n, image_shape[1] // 2**n)

    inputs, labels = conditioning.network_inputs(keras.Input((latent_dim,), name="z"), num_classes)
    x = keras.layers.Dense(base[0] * base[1] * channels[0])(inputs[0] if num_classes else inputs)
    x = keras.layers.Reshape((*base, channels[0]))(x)
    for block_channels in channels[1:]:
        x = _generator_block(x, block_channels, labels, num_classes)
    x = keras.layers.ReLU()(conditioning.batch_norm(x))
    images = keras.layers.Conv2D(image_shape[-1], 3, padding="same", activation="tanh", name="images")(x)
    return keras.Model(inputs, images, name=name)


def resnet_discriminator(
    image_shape=(32, 32, 3), width=None, num_classes=None, spectral_norm=False, name="resnet_discriminator"
):
    """The ResNet discriminator: residual blocks, global sum pooling, a logit.

    Args:
        image_shape: `(height, width, channels)`; both sides even and at
            least 8. Default `(32, 32, 3)`.
        width: int >= 1, w of the module docstring's layouts; None for the
            papers' (128 up to 32x32, 64 above).
        num_classes: None or an int >= 2: a projection discriminator.
        spectral_norm: bool, default False (SNGAN's ResNet: True):
            spectrally normalize every convolution and dense layer.
        name: the model's name.

    Returns:
        A functional `keras.Model` from images, float32
        `(batch, *image_shape)` in [-1, 1] (with `num_classes`:
        `[images, labels]`), to logits, float32 `(batch, 1)`.

    Raises:
        ValueError: for an `image_shape` this cannot take, a bad `width`,
            `num_classes` or `spectral_norm`.

    Reference:
        Miyato et al. 2018, ICLR, appendix B.4, Table 4 (b); Gulrajani et
        al. 2017, NeurIPS, appendix C and F.
    """
    image_shape = check_image_shape(image_shape)
    num_classes = conditioning.check_num_classes(num_classes)
    n = resolution_steps(image_shape)
    width = check_positive_int("width", width if width is not None else (128 if n <= SMALL_IMAGE_STEPS else 64))

    inputs, labels = conditioning.network_inputs(keras.Input(image_shape, name="images"), num_classes)
    x = inputs[0] if num_classes else inputs
    for i, (channels, down) in enumerate(_discriminator_channels(n, width)):
        x = _discriminator_block(x, channels, down, i == 0, spectral_norm)
    # Global sum pooling (the papers'), not average: sum over positions.
    features = keras.layers.GlobalAveragePooling2D()(keras.layers.ReLU()(x))
    features = keras.layers.Rescaling(float(x.shape[1] * x.shape[2]))(features)
    if num_classes:
        logits = conditioning.projection_logits(features, labels, num_classes, spectral_norm)
    else:
        logits = maybe_spectral_norm(keras.layers.Dense(1), spectral_norm)(features)
    return keras.Model(inputs, logits, name=name)
