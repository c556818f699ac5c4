"""SNGAN's "standard CNN" generator and discriminator (Miyato et al. 2018).

Appendix B.4, Table 3, for 32x32 images (CIFAR-10):

    G: z (128) -> dense 4x4x512, BN, ReLU
       -> deconv 4x4 stride 2, 256, BN, ReLU -> deconv ... 128 -> deconv ... 64
       -> conv 3x3 stride 1, channels, tanh
    D: conv 3x3 s1 64 -> conv 4x4 s2 64 -> conv 3x3 s1 128 -> conv 4x4 s2 128
       -> conv 3x3 s1 256 -> conv 4x4 s2 256 -> conv 3x3 s1 512 -> dense 1,
       every convolution followed by LeakyReLU(0.1), no batch normalization.

Other shapes follow the same pattern with n stride-2 steps, n the largest
number for which both sides divide by 2^n and the smaller side / 2^n is at
least 4 (`resolution_steps`: 28x28 -> 7x7, n = 2; 32x32 -> 4x4, n = 3;
64x64 -> 4x4, n = 4). With width w (64, the paper's), G starts at w 2^n
channels and halves them at each step; D's pair of convolutions at step i has
w 2^i channels and the last one w 2^n. Conditional versions use conditional
batch normalization in G and a projection in D (`conditioning`). Weights use
Keras's default initializers (Glorot uniform, as the authors' Chainer code).
"""

import keras

from keras_gan.architectures import conditioning
from keras_gan.architectures.dcgan import resolution_steps
from keras_gan.architectures.spectral_norm import maybe_spectral_norm
from keras_gan.validation import check_image_shape
from keras_gan.validation import check_positive_int

LEAKY_SLOPE = 0.1


def sngan_generator(
    image_shape=(32, 32, 3), latent_dim=128, width=64, num_classes=None, name="sngan_generator"
):
    """SNGAN's standard CNN generator: dense, n stride-2 deconvolutions, conv.

    Args:
        image_shape: `(height, width, channels)`; both sides even and at
            least 8 (see `resolution_steps`). Default `(32, 32, 3)`.
        latent_dim: int >= 1, size of z. Default 128 (the paper's).
        width: int >= 1, channels of the last deconvolution; earlier ones
            double it per step (w 2^n at the base). Default 64.
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
        Miyato et al. 2018, ICLR, appendix B.4, Table 3 (a).
    """
    image_shape = check_image_shape(image_shape)
    latent_dim = check_positive_int("latent_dim", latent_dim)
    width = check_positive_int("width", width, "channels of the last deconvolution")
    num_classes = conditioning.check_num_classes(num_classes)
    n = resolution_steps(image_shape)
    base = (image_shape[0] // 2**n, image_shape[1] // 2**n)

    inputs, labels = conditioning.network_inputs(keras.Input((latent_dim,), name="z"), num_classes)
    x = keras.layers.Dense(base[0] * base[1] * width * 2**n)(inputs[0] if num_classes else inputs)
    x = keras.layers.Reshape((*base, width * 2**n))(x)
    x = keras.layers.ReLU()(conditioning.batch_norm(x, labels, num_classes))
    for step in range(1, n + 1):
        x = keras.layers.Conv2DTranspose(width * 2 ** (n - step), 4, strides=2, padding="same")(x)
        x = keras.layers.ReLU()(conditioning.batch_norm(x, labels, num_classes))
    images = keras.layers.Conv2D(image_shape[-1], 3, padding="same", activation="tanh", name="images")(x)
    return keras.Model(inputs, images, name=name)


def sngan_discriminator(
    image_shape=(32, 32, 3), width=64, num_classes=None, spectral_norm=False, name="sngan_discriminator"
):
    """SNGAN's standard CNN discriminator: pairs of 3x3 / 4x4-stride-2 convs.

    Args:
        image_shape: `(height, width, channels)`; both sides even and at
            least 8. Default `(32, 32, 3)`.
        width: int >= 1, channels of the first pair; each step doubles it.
            Default 64.
        num_classes: None or an int >= 2: a projection discriminator.
        spectral_norm: bool, default False (the paper's SNGAN: True):
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
        Miyato et al. 2018, ICLR, appendix B.4, Table 3 (b).
    """
    image_shape = check_image_shape(image_shape)
    width = check_positive_int("width", width, "channels of the first convolutions")
    num_classes = conditioning.check_num_classes(num_classes)
    n = resolution_steps(image_shape)

    def conv(x, channels, kernel_size, strides):
        layer = keras.layers.Conv2D(channels, kernel_size, strides=strides, padding="same")
        return keras.layers.LeakyReLU(negative_slope=LEAKY_SLOPE)(maybe_spectral_norm(layer, spectral_norm)(x))

    inputs, labels = conditioning.network_inputs(keras.Input(image_shape, name="images"), num_classes)
    x = inputs[0] if num_classes else inputs
    for step in range(n):
        x = conv(x, width * 2**step, 3, 1)
        x = conv(x, width * 2**step, 4, 2)
    features = keras.layers.Flatten()(conv(x, width * 2**n, 3, 1))
    if num_classes:
        logits = conditioning.projection_logits(features, labels, num_classes, spectral_norm)
    else:
        logits = maybe_spectral_norm(keras.layers.Dense(1), spectral_norm)(features)
    return keras.Model(inputs, logits, name=name)
