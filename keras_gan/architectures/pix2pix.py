"""pix2pix's networks (Isola et al. 2017): a U-Net generator and a PatchGAN discriminator.

Both follow the paper's appendix 6.1.1 and phillipi/pix2pix: Ck is a 4x4
convolution of k filters with stride 2, batch normalization and an
activation; CDk the same with dropout 0.5. The encoder halves the image at
each layer with LeakyReLU 0.2 (no batch normalization on the first); the
decoder doubles it with ReLU, and its first three layers (the deepest) use
dropout, which is G's only source of randomness (section 3.2.1: no z). Skip
connections concatenate encoder layer i with decoder layer n - i.
"""

import keras

from keras_gan.validation import check_image_shape
from keras_gan.validation import check_positive_int


def _halvings(image_shape, limit=8):
    """How many times both sides halve exactly (at most `limit`)."""
    height, width = image_shape[:2]
    count = 0
    while count < limit and height % 2 == 0 and width % 2 == 0 and min(height, width) > 1:
        height, width, count = height // 2, width // 2, count + 1
    return count


def unet_generator(image_shape, output_channels=None, width=64, depth=None, dropout=0.5, name="unet_generator"):
    """pix2pix's U-Net: an image x to an image y of the same height and width.

    Encoder C(w)-C(2w)-C(4w)-C(8w)-C(8w)..., decoder CD(8w)-CD(8w)-CD(8w)-
    C(8w)...-C(w) (channels capped at 8w), each decoder layer concatenated
    with the encoder layer of the same size, then a 4x4 transposed
    convolution to `output_channels` and tanh. At 256x256, depth 8 is the
    paper's network (the bottleneck is 1x1).

    Args:
        image_shape: `(height, width, channels)` of x; the sides must halve
            at least once (28x28: 2 times, 32x32: 5, 64x64: 6, 256x256: 8).
        output_channels: channels of y; default x's.
        width: int >= 1, w, filters of the first layer (paper: 64).
        depth: int >= 1, encoder layers (halvings); default as many as
            both sides allow, at most 8.
        dropout: float in [0, 1), the rate in the three deepest decoder
            layers (paper: 0.5). Active when called with `training=True`.
        name: the model's name.

    Returns:
        A functional `keras.Model` from float32 `(batch, *image_shape)` in
        [-1, 1] to float32 `(batch, height, width, output_channels)` in
        [-1, 1].

    Raises:
        ValueError: for a bad `image_shape`, `width` or `depth`, or sides
            that do not halve `depth` times.
    """
    image_shape = check_image_shape(image_shape)
    output_channels = image_shape[-1] if output_channels is None else check_positive_int(
        "output_channels", output_channels
    )
    width = check_positive_int("width", width)
    possible = _halvings(image_shape)
    depth = possible if depth is None else check_positive_int("depth", depth)
    if depth < 1 or depth > possible:
        raise ValueError(
            f"Invalid value for argument `image_shape`. Expected sides that halve {max(depth, 1)} times "
            f"(U-Net depth). Received: image_shape={image_shape}, which halves {possible} times"
        )
    init = keras.initializers.RandomNormal(0.0, 0.02)
    inputs = keras.Input(image_shape, name="inputs")
    x, skips = inputs, []
    for i in range(depth):
        x = keras.layers.Conv2D(min(width * 2**i, 8 * width), 4, 2, "same", use_bias=False, kernel_initializer=init)(x)
        if i > 0:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.LeakyReLU(0.2)(x)
        skips.append(x)
    for i in reversed(range(depth - 1)):  # up to the size of encoder layer i
        x = keras.layers.Conv2DTranspose(min(width * 2**i, 8 * width), 4, 2, "same", use_bias=False,
                                         kernel_initializer=init)(x)
        x = keras.layers.BatchNormalization()(x)
        if depth - 2 - i < 3:  # the three deepest decoder layers
            x = keras.layers.Dropout(dropout)(x)
        x = keras.layers.ReLU()(x)
        x = keras.layers.Concatenate()([x, skips[i]])
    outputs = keras.layers.Conv2DTranspose(output_channels, 4, 2, "same", activation="tanh", kernel_initializer=init,
                                           name="outputs")(x)
    return keras.Model(inputs, outputs, name=name)


def patchgan_receptive_field(num_layers):
    """The side, in pixels, of the input patch behind each of a
    `patchgan_discriminator(num_layers=n)`'s logits.

    Going back from one logit: the last two 4x4 convolutions have stride 1
    (receptive field 1 + 3 + 3 = 7), and each of the n stride-2 4x4
    convolutions before them maps r to 2r + 2. n = 3 (the paper's): 70.
    """
    field = 7
    for _ in range(check_positive_int("num_layers", num_layers)):
        field = 2 * field + 2
    return field


def patchgan_discriminator(input_shape, target_channels=None, width=64, num_layers=3, name="patchgan_discriminator"):
    """pix2pix's PatchGAN D: a logit per patch of an (x, y) pair.

    Takes x and y concatenated along channels (x's channels first), then
    C(w) without batch normalization, C(2w), C(4w), ... (`num_layers`
    stride-2 layers, channels capped at 8w), a stride-1 4x4 C(8w), and a
    stride-1 4x4 convolution to one logit per position (Isola et al. 2017,
    section 3.2.2 and appendix 6.1.2). Each logit sees a
    `patchgan_receptive_field(num_layers)`-pixel square of the input
    (70x70 for the paper's 3 layers, 34 for 2, 16 for 1); the GAN's cost
    averages the per-patch costs of each sample (`games.per_patch`).

    Args:
        input_shape: `(height, width, channels)` of x.
        target_channels: channels of y; default x's.
        width: int >= 1, w (paper: 64).
        num_layers: int >= 1, stride-2 layers; the sides must halve that
            many times.
        name: the model's name.

    Returns:
        A functional `keras.Model` from float32 `(batch, height, width,
        x channels + y channels)` to logits float32 `(batch, height / 2^n,
        width / 2^n, 1)` (no sigmoid).

    Raises:
        ValueError: for a bad shape, `width` or `num_layers`, or sides that
            do not halve `num_layers` times.
    """
    input_shape = check_image_shape(input_shape)
    target_channels = input_shape[-1] if target_channels is None else check_positive_int(
        "target_channels", target_channels
    )
    width = check_positive_int("width", width)
    num_layers = check_positive_int("num_layers", num_layers)
    if _halvings(input_shape) < num_layers:
        raise ValueError(
            f"Invalid value for argument `num_layers`. Expected at most {_halvings(input_shape)} stride-2 layers "
            f"for sides {input_shape[:2]}. Received: num_layers={num_layers}"
        )
    init = keras.initializers.RandomNormal(0.0, 0.02)
    pairs = keras.Input((*input_shape[:2], input_shape[-1] + target_channels), name="pairs")
    x = pairs
    for i in range(num_layers):
        x = keras.layers.Conv2D(min(width * 2**i, 8 * width), 4, 2, "same", use_bias=i == 0,
                                kernel_initializer=init)(x)
        if i > 0:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Conv2D(min(width * 2**num_layers, 8 * width), 4, 1, "same", use_bias=False,
                            kernel_initializer=init)(x)
    x = keras.layers.LeakyReLU(0.2)(keras.layers.BatchNormalization()(x))
    logits = keras.layers.Conv2D(1, 4, 1, "same", kernel_initializer=init, name="logits")(x)
    return keras.Model(pairs, logits, name=name)
