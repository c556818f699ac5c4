"""The fully connected networks of the 2014 GAN paper's MNIST experiment.

Layer sizes and dropout follow goodfeli/adversarial `mnist.yaml`: G is ReLU 1200, ReLU 1200, then the output layer;
D is maxout 240 x 5, maxout 240 x 5, then one logit, with dropout keeping 0.8
of the inputs and 0.5 of each hidden layer.
"""

import math

import keras

from keras_gan.architectures import conditioning
from keras_gan.architectures.maxout import Maxout
from keras_gan.architectures.replica_dropout import ReplicaDropout
from keras_gan.architectures.spectral_norm import maybe_spectral_norm
from keras_gan.validation import check_image_shape


def mlp_generator(
    image_shape=(28, 28, 1),
    latent_dim=100,
    hidden_units=1200,
    output_activation="tanh",
    num_classes=None,
    name="mlp_generator",
):
    """The 2014 paper's generator: z -> ReLU 1200 -> ReLU 1200 -> image.

    With `num_classes`, a conditional generator G(z, y): z is concatenated
    with the one-hot label (`conditioning`).

    The paper's output layer was a sigmoid for pixels in [0, 1]; keras_gan
    scales images to [-1, 1], so the default output is tanh, the same
    function rescaled (tanh(a) = 2 sigmoid(2a) - 1).

    Args:
        image_shape: `(height, width, channels)` of the generated images,
            positive ints. Default `(28, 28, 1)` (MNIST).
        latent_dim: int >= 1, size of z. Default 100, as in the paper.
        hidden_units: int >= 1, width of each of the two hidden layers.
        output_activation: Keras activation of the output layer, "tanh" for
            images in [-1, 1] (default) or "sigmoid" for [0, 1].
        num_classes: None (unconditional, default) or an int >= 2.
        name: the model's name.

    Returns:
        A functional `keras.Model` from z, float32 `(batch, latent_dim)`
        (with `num_classes`: from `[z, labels]`, labels int32 `(batch,)`),
        to images, float32 `(batch, *image_shape)`.

    Raises:
        ValueError: if `image_shape` is not three positive ints or
            `num_classes` is bad.

    Reference:
        Goodfellow et al. 2014, section 5; goodfeli/adversarial `mnist.yaml`.
    """
    image_shape = check_image_shape(image_shape)
    num_classes = conditioning.check_num_classes(num_classes)
    z = keras.Input((latent_dim,), name="z")
    inputs, x = z, z
    if num_classes:
        labels = conditioning.label_input()
        inputs, x = [z, labels], conditioning.concat_one_hot(z, labels, num_classes)
    x = keras.layers.Dense(hidden_units, activation="relu")(x)
    x = keras.layers.Dense(hidden_units, activation="relu")(x)
    x = keras.layers.Dense(math.prod(image_shape), activation=output_activation)(x)
    images = keras.layers.Reshape(image_shape, name="images")(x)
    return keras.Model(inputs, images, name=name)


def mlp_discriminator(
    image_shape=(28, 28, 1),
    units=240,
    pieces=5,
    input_dropout=0.2,
    hidden_dropout=0.5,
    num_classes=None,
    spectral_norm=False,
    name="mlp_discriminator",
):
    """The 2014 paper's discriminator: two maxout layers, one logit, dropout.

    Dropout rates are the complements of the paper's keep probabilities
    (input 0.8, hidden 0.5); dropout is active only when called with
    `training=True`, with its own mask on every `tf.distribute` replica
    (`ReplicaDropout`). With `num_classes`, a conditional discriminator
    D(x, y): a projection discriminator on the last hidden layer
    (`conditioning`).

    Args:
        image_shape: `(height, width, channels)` of the input images.
        units: int >= 1, maxout units per hidden layer (paper: 240).
        pieces: int >= 1, pieces per maxout unit (paper: 5).
        input_dropout: float in [0, 1), dropout rate on the inputs.
        hidden_dropout: float in [0, 1), dropout rate on each hidden layer.
        num_classes: None (unconditional, default) or an int >= 2.
        spectral_norm: bool, default False: spectrally normalize each
            maxout layer's kernel (all its pieces as one matrix) and the
            logit layer (`SpectralNormalization`).
        name: the model's name.

    Returns:
        A functional `keras.Model` from images, float32
        `(batch, *image_shape)` in [-1, 1] (with `num_classes`: from
        `[images, labels]`, labels int32 `(batch,)`), to logits, float32
        `(batch, 1)` (no sigmoid).

    Raises:
        ValueError: if `image_shape` is not three positive ints, `units` or
            `pieces` is not a positive int, or `num_classes` is bad.

    Reference:
        Goodfellow et al. 2014, section 5; goodfeli/adversarial `mnist.yaml`.
    """
    image_shape = check_image_shape(image_shape)
    num_classes = conditioning.check_num_classes(num_classes)
    images = keras.Input(image_shape, name="images")
    x = keras.layers.Flatten()(images)
    x = ReplicaDropout(input_dropout)(x)
    x = maybe_spectral_norm(Maxout(units, pieces), spectral_norm)(x)
    x = ReplicaDropout(hidden_dropout)(x)
    x = maybe_spectral_norm(Maxout(units, pieces), spectral_norm)(x)
    features = ReplicaDropout(hidden_dropout)(x)
    if num_classes:
        labels = conditioning.label_input()
        logits = conditioning.projection_logits(features, labels, num_classes, spectral_norm)
        return keras.Model([images, labels], logits, name=name)
    logits = maybe_spectral_norm(keras.layers.Dense(1), spectral_norm)(features)
    return keras.Model(images, logits, name=name)
