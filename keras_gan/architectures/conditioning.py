"""How a class label y enters the networks of a conditional GAN.

- Generator: z is concatenated with the one-hot code of y before the first
  layer, as in the conditional GAN of Mirza & Osindero 2014 (section 3.2,
  "y is fed into both the discriminator and generator as additional input
  layer"). The first dense layer then adds a learned per-class vector.
- Generator, with batch normalization (SNGAN, ResNet): conditional batch
  normalization, per-class scale and offset gamma_y x_hat + beta_y after a
  normalization without its own (de Vries et al. 2017; Miyato & Koyama
  2018, section 4, the generator of their experiments).
- Discriminator: the projection discriminator of Miyato & Koyama 2018
  (eq. 3): logit(x, y) = psi(phi(x)) + embed(y) . phi(x), with phi(x) D's
  last hidden features, psi its unconditional logit layer and embed a
  learned (num_classes, features) matrix. It scores how well x matches y
  with one inner product, instead of concatenating y to the input.

References:
    Mirza & Osindero 2014, "Conditional Generative Adversarial Nets",
    arXiv:1411.1784; Miyato & Koyama 2018, "cGANs with Projection
    Discriminator", ICLR 2018, arXiv:1802.05637, section 3.
"""

import keras

from keras_gan.architectures.spectral_norm import maybe_spectral_norm
from keras_gan.validation import check_positive_int


def check_num_classes(num_classes):
    """Returns `num_classes` (None, or an int >= 2) after checking it."""
    if num_classes is None:
        return None
    return check_positive_int("num_classes", num_classes, "class labels 0 .. num_classes - 1", minimum=2)


def label_input():
    """The labels input: int32 class indices, `(batch,)`."""
    return keras.Input((), dtype="int32", name="labels")


def concat_one_hot(z, labels, num_classes):
    """[z, one_hot(y)], float32 `(batch, latent_dim + num_classes)`."""
    one_hot = keras.layers.CategoryEncoding(num_classes, output_mode="one_hot", name="label_one_hot")(labels)
    return keras.layers.Concatenate(name="z_and_label")([z, one_hot])


def projection_logits(features, labels, num_classes, spectral_norm=False, **dense_kwargs):
    """psi(phi(x)) + embed(y) . phi(x), float32 `(batch, 1)`: a conditional logit.

    Args:
        features: phi(x), float `(batch, features)`.
        labels: int32 `(batch,)`.
        num_classes: int >= 2.
        spectral_norm: bool, spectrally normalize psi and embed (as Miyato
            & Koyama do).
        **dense_kwargs: for psi and embed's initializers, e.g. DCGAN's.
    """
    unconditional = maybe_spectral_norm(
        keras.layers.Dense(1, **dense_kwargs), spectral_norm
    )(features)
    initializer = dense_kwargs.get("kernel_initializer", "uniform")
    embedded = maybe_spectral_norm(
        keras.layers.Embedding(num_classes, features.shape[-1], embeddings_initializer=initializer),
        spectral_norm,
    )(labels)
    projection = keras.layers.Dot(axes=1)([embedded, features])
    return keras.layers.Add(name="logits")([unconditional, projection])


def batch_norm(x, labels=None, num_classes=None):
    """Synchronized batch normalization; conditional when `num_classes` is set.

    Conditional: gamma_y * BN(x) + beta_y, gamma and beta rows of learned
    `(num_classes, channels)` tables initialized to 1 and 0, so that at
    initialization it is plain batch normalization.

    Args:
        x: float `(batch, ..., channels)`.
        labels: int32 `(batch,)`, with `num_classes`.
        num_classes: None or an int >= 2.
    """
    if not num_classes:
        return keras.layers.BatchNormalization(synchronized=True)(x)
    x = keras.layers.BatchNormalization(synchronized=True, center=False, scale=False)(x)
    channels = x.shape[-1]
    broadcast = (1,) * (len(x.shape) - 2) + (channels,)
    gamma = keras.layers.Embedding(num_classes, channels, embeddings_initializer="ones")(labels)
    beta = keras.layers.Embedding(num_classes, channels, embeddings_initializer="zeros")(labels)
    gamma, beta = keras.layers.Reshape(broadcast)(gamma), keras.layers.Reshape(broadcast)(beta)
    return keras.layers.Add()([keras.layers.Multiply()([x, gamma]), beta])


def network_inputs(main, num_classes):
    """(inputs, labels): `main` alone, or `[main, labels]` with num_classes."""
    if not num_classes:
        return main, None
    labels = label_input()
    return [main, labels], labels
