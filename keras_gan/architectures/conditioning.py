"""How a class label y enters the networks of a conditional GAN.

- Generator: z is concatenated with the one-hot code of y before the first
  layer, as in the conditional GAN of Mirza & Osindero 2014 (section 3.2,
  "y is fed into both the discriminator and generator as additional input
  layer"). The first dense layer then adds a learned per-class vector.
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


def projection_logits(features, labels, num_classes, **dense_kwargs):
    """psi(phi(x)) + embed(y) . phi(x), float32 `(batch, 1)`: a conditional logit.

    Args:
        features: phi(x), float `(batch, features)`.
        labels: int32 `(batch,)`.
        num_classes: int >= 2.
        **dense_kwargs: for psi and embed's initializers, e.g. DCGAN's.
    """
    unconditional = keras.layers.Dense(1, name="unconditional_logits", **dense_kwargs)(features)
    initializer = dense_kwargs.get("kernel_initializer", "uniform")
    embedded = keras.layers.Embedding(
        num_classes, features.shape[-1], embeddings_initializer=initializer, name="label_projection"
    )(labels)
    projection = keras.layers.Dot(axes=1)([embedded, features])
    return keras.layers.Add(name="logits")([unconditional, projection])
