"""DCGAN generator and discriminator (Radford et al. 2015, section 3).

The architecture guidelines, followed here for any image shape whose sides
halve cleanly:

- no pooling: strided convolutions in D, stride-2 transposed convolutions in G;
- batch normalization in both networks, except G's output layer and D's input
  layer; here synchronized across replicas under `tf.distribute`, so that
  its statistics are those of the global minibatch, as on one device, and
  every replica keeps the same moving statistics;
- no fully connected hidden layers: G's first layer is a matmul reshaped to a
  4-D tensor, D's last convolution is flattened into a single logit;
- ReLU in G with a tanh output (images in [-1, 1]); LeakyReLU, slope 0.2, in D;
- weights drawn from N(0, 0.02).

Both networks use 5x5 kernels, as in the paper's code. The number of
resolution steps n is the largest for which both image sides divide by 2^n
and the smaller side / 2^n is still at least 4: 28x28 -> 7x7 (n = 2),
32x32 -> 4x4 (n = 3), 64x64 -> 4x4 (n = 4). With width w, G's feature maps
have w 2^(n-1), ..., 2w, w channels and D's w, 2w, ..., w 2^(n-1), so
width=128 at 64x64 gives the paper's 1024-512-256-128 generator.
"""

import keras

from keras_gan.architectures import conditioning
from keras_gan.architectures.spectral_norm import maybe_spectral_norm
from keras_gan.validation import check_image_shape
from keras_gan.validation import check_positive_int

KERNEL_SIZE = 5
MIN_BASE_SIDE = 4


def _weights_init():
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def resolution_steps(image_shape):
    """The number n of stride-2 steps between a base grid and `image_shape`.

    Args:
        image_shape: `(height, width, channels)`, positive ints.

    Returns:
        int n >= 1: height and width are divisible by 2^n and
        min(height, width) / 2^n >= 4, n as large as possible.

    Raises:
        ValueError: if no n >= 1 exists (a side is odd, or smaller than 8).
    """
    height, width, _ = check_image_shape(image_shape)
    n = 0
    while (
        height % 2 ** (n + 1) == 0
        and width % 2 ** (n + 1) == 0
        and min(height, width) // 2 ** (n + 1) >= MIN_BASE_SIDE
    ):
        n += 1
    if n == 0:
        raise ValueError(
            "Invalid value for argument `image_shape`. Expected a height and "
            "width that are both even and at least 8, so that DCGAN's stride-2 "
            f"layers apply. Received: image_shape={tuple(image_shape)}"
        )
    return n


def dcgan_generator(
    image_shape=(28, 28, 1),
    latent_dim=100,
    width=64,
    num_classes=None,
    name="dcgan_generator",
):
    """DCGAN generator: z -> matmul -> n stride-2 transposed convolutions.

    With `num_classes`, a conditional generator G(z, y): z is concatenated
    with the one-hot label before the matmul (`conditioning`).

    Args:
        image_shape: `(height, width, channels)` of the generated images; both
            sides even and at least 8 (see `resolution_steps`). Default
            `(28, 28, 1)`.
        latent_dim: int >= 1, size of z. Default 100 (the paper's).
        width: int >= 1, channels of the last hidden layer; earlier layers
            double it at each lower resolution. Default 64.
        num_classes: None (unconditional, default) or an int >= 2.
        name: the model's name.

    Returns:
        A functional `keras.Model` from z, float32 `(batch, latent_dim)`
        (with `num_classes`: from `[z, labels]`, labels int32 `(batch,)` in
        [0, num_classes)), to images, float32 `(batch, *image_shape)` in
        [-1, 1] (tanh).

    Raises:
        ValueError: for an `image_shape` DCGAN cannot produce, a bad `width`
            or a bad `num_classes`.

    Reference:
        Radford et al. 2015, arXiv:1511.06434, section 3 and Figure 1.
    """
    image_shape = check_image_shape(image_shape)
    width = check_positive_int("width", width, "channels of the widest-resolution layer")
    num_classes = conditioning.check_num_classes(num_classes)
    n = resolution_steps(image_shape)
    base_height, base_width = image_shape[0] // 2**n, image_shape[1] // 2**n

    z = keras.Input((latent_dim,), name="z")
    inputs, x = z, z
    if num_classes:
        labels = conditioning.label_input()
        inputs, x = [z, labels], conditioning.concat_one_hot(z, labels, num_classes)
    x = keras.layers.Dense(
        base_height * base_width * width * 2 ** (n - 1),
        use_bias=False,
        kernel_initializer=_weights_init(),
    )(x)
    x = keras.layers.BatchNormalization(synchronized=True)(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Reshape((base_height, base_width, width * 2 ** (n - 1)))(x)
    for step in range(1, n):
        x = keras.layers.Conv2DTranspose(
            width * 2 ** (n - 1 - step),
            KERNEL_SIZE,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=_weights_init(),
        )(x)
        x = keras.layers.BatchNormalization(synchronized=True)(x)
        x = keras.layers.ReLU()(x)
    images = keras.layers.Conv2DTranspose(
        image_shape[-1],
        KERNEL_SIZE,
        strides=2,
        padding="same",
        activation="tanh",
        kernel_initializer=_weights_init(),
        name="images",
    )(x)
    return keras.Model(inputs, images, name=name)


def dcgan_discriminator(
    image_shape=(28, 28, 1), width=64, num_classes=None, spectral_norm=False, name="dcgan_discriminator"
):
    """DCGAN discriminator: n stride-2 convolutions, flattened into one logit.

    With `num_classes`, a conditional discriminator D(x, y): a projection
    discriminator on the flattened features (`conditioning`).

    Args:
        image_shape: `(height, width, channels)` of the input images; both
            sides even and at least 8 (see `resolution_steps`).
        width: int >= 1, channels of the first convolution; each later one
            doubles it. Default 64.
        num_classes: None (unconditional, default) or an int >= 2.
        spectral_norm: bool, default False: every convolution and dense
            layer computes with its kernel spectrally normalized
            (`SpectralNormalization`, Miyato et al. 2018). Batch
            normalization stays as DCGAN has it.
        name: the model's name.

    Returns:
        A functional `keras.Model` from images, float32
        `(batch, *image_shape)` in [-1, 1] (with `num_classes`: from
        `[images, labels]`, labels int32 `(batch,)`), to logits, float32
        `(batch, 1)` (no sigmoid).

    Raises:
        ValueError: for an `image_shape` DCGAN cannot take, a bad `width`,
            a bad `num_classes` or a non-bool `spectral_norm`.

    Reference:
        Radford et al. 2015, arXiv:1511.06434, section 3.
    """
    image_shape = check_image_shape(image_shape)
    width = check_positive_int("width", width, "channels of the widest-resolution layer")
    num_classes = conditioning.check_num_classes(num_classes)
    n = resolution_steps(image_shape)

    images = keras.Input(image_shape, name="images")
    x = images
    for step in range(n):
        conv = keras.layers.Conv2D(
            width * 2**step,
            KERNEL_SIZE,
            strides=2,
            padding="same",
            use_bias=step == 0,
            kernel_initializer=_weights_init(),
        )
        x = maybe_spectral_norm(conv, spectral_norm)(x)
        if step > 0:  # no batch normalization on D's input layer
            x = keras.layers.BatchNormalization(synchronized=True)(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    features = keras.layers.Flatten()(x)
    if num_classes:
        labels = conditioning.label_input()
        logits = conditioning.projection_logits(
            features, labels, num_classes, spectral_norm, kernel_initializer=_weights_init()
        )
        return keras.Model([images, labels], logits, name=name)
    dense = keras.layers.Dense(1, kernel_initializer=_weights_init())
    logits = maybe_spectral_norm(dense, spectral_norm)(features)
    return keras.Model(images, logits, name=name)
