"""An exponential moving average of the generator's weights.

After every generator update t = 1, 2, ..., each trainable weight of the
averaged generator G_ema moves toward G's:

    beta_t = min(ema_decay, (1 + t) / (10 + t))
    w_ema <- beta_t w_ema + (1 - beta_t) w

The warm-up beta_t (that of `tf.train.ExponentialMovingAverage` with
`num_updates`) keeps the first updates from averaging in the random
initial weights for ~1 / (1 - ema_decay) steps: beta_t is 2/11 ~ 0.18 at
t = 1, 0.5 at t = 8, 0.9 at t = 80, 0.99 at t = 890, and ema_decay after.
Non-trainable float state (batch-normalization moving statistics) is copied
from G, as StyleGAN2-ADA copies buffers; RNG seed states are left alone
(G_ema only ever runs in inference mode). ema_decay is per generator update:
the half-life is ln(1/2) / ln(ema_decay) updates (0.999: 693 updates;
0.9999: 6931), i.e. that many times the batch size in images.

This is not the optimizer's `use_ema`, which overwrites the trained weights
with their average at the end of `fit` (and so breaks resuming): here G is
left as trained and G_ema is a second network, saved with the GAN.

Reference:
    Yazici et al. 2019, "The Unusual Effectiveness of Averaging in GAN
    Training", ICLR, section 3 (EMA); Karras et al. 2018, "Progressive
    Growing of GANs", section A.1 (G_ema for sampling).
"""

import numbers

import keras
import tensorflow as tf

from keras_gan import schedules


def check_ema_decay(ema_decay):
    """Returns `ema_decay` as a float in (0, 1), or None."""
    if ema_decay is None:
        return None
    if isinstance(ema_decay, bool) or not isinstance(ema_decay, numbers.Real) or not 0.0 < ema_decay < 1.0:
        raise ValueError(
            "Invalid value for argument `ema_decay`. Expected None or a float "
            f"in (0, 1), e.g. 0.999. Received: ema_decay={ema_decay!r}"
        )
    return float(ema_decay)


def clone_generator(generator):
    """A copy of `generator` with its weights: G_ema at step 0.

    Raises:
        ValueError: if Keras cannot clone the generator (a subclassed model
            without `get_config`).
    """
    try:
        ema = keras.models.clone_model(generator)
    except (NotImplementedError, TypeError, ValueError) as error:
        raise ValueError(
            "Invalid value for argument `ema_decay`. Expected a generator that "
            "keras.models.clone_model can copy (functional, sequential, or "
            f"subclassed with get_config). Received: {error}"
        ) from error
    ema.name = f"{generator.name}_ema"
    ema.set_weights(generator.get_weights())
    ema.trainable = False
    return ema


def warmed_up_decay(ema_decay, updates):
    """beta_t = min(ema_decay, (1 + t) / (10 + t)), float32; t = `updates`."""
    t = tf.cast(updates, tf.float32)
    return tf.minimum(ema_decay, (1.0 + t) / (10.0 + t))


def update(ema, generator, beta):
    """Moves `ema`'s weights toward `generator`'s: w_ema <- beta w_ema + (1 - beta) w."""
    trainable = {id(v) for v in generator.trainable_variables}
    for average, weight in zip(ema.weights, generator.weights):
        if id(weight) in trainable:
            value = tf.cast(average, tf.float32) * beta + tf.cast(weight, tf.float32) * (1.0 - beta)
            average.assign(tf.cast(value, average.dtype))
        elif "float" in weight.dtype:
            average.assign(weight)


class EMA:
    """G_ema and how fast it follows G: the state and the update of the averaged generator.

    Two parameterisations:
        decay: beta per generator update, with the warm-up of
            `warmed_up_decay` (keras_gan's default; Yazici et al. 2019).
        half_life: in images, a float or a `keras_gan.schedules.CosineBurnIn`
            of G's updates: beta = 0.5 ** (images per update / h(t)), and
            beta = 0 (a copy) while h(t) = 0, with no other warm-up
            (StyleGAN2-ADA's `ema_kimg`; R3GAN schedules it 0 -> 5 M images).

    Args:
        generator: the trained generator, a built `keras.Model`; G_ema
            starts as its copy (`clone_generator`).
        decay: float in (0, 1), or None.
        half_life: float >= 0 (images), a `CosineBurnIn`, or None; exactly
            one of `decay` and `half_life`.

    Attributes:
        generator: G_ema, a `keras.Model` of G's architecture, not trainable.

    Raises:
        ValueError: for a `decay` outside (0, 1), a negative `half_life`,
            both or neither, or a generator Keras cannot clone.

    Reference:
        Karras et al. 2020 (StyleGAN2-ADA), `training_loop.py` (`ema_kimg`);
        Huang et al. 2024 (R3GAN), appendix D.
    """

    def __init__(self, generator, decay=None, half_life=None):
        self.decay = check_ema_decay(decay)
        self.half_life = check_ema_half_life(half_life)
        if (self.decay is None) == (self.half_life is None):
            raise ValueError(
                "Invalid value for argument `ema_half_life`. Expected exactly one of ema_decay and ema_half_life. "
                f"Received: ema_decay={decay!r}, ema_half_life={half_life!r}"
            )
        self.generator = clone_generator(generator)

    def beta(self, updates, images):
        """beta of G's update number `updates` (1 for the first), float32,
        for an update on `images` images (the global minibatch)."""
        if self.decay is not None:
            return warmed_up_decay(self.decay, updates)
        half_life = tf.cast(schedules.value_at(self.half_life, updates - 1), tf.float32)
        ratio = tf.cast(images, tf.float32) / tf.maximum(half_life, 1e-8)
        return tf.where(half_life > 0, tf.pow(0.5, ratio), 0.0)

    def update(self, generator, updates, images):
        """Moves G_ema toward `generator` after G's update number `updates`."""
        update(self.generator, generator, self.beta(updates, images))


def check_ema_half_life(half_life):
    """`half_life` as a float >= 0 or a `CosineBurnIn`, or None."""
    half_life = schedules.deserialize(half_life)
    if half_life is None or isinstance(half_life, schedules.CosineBurnIn):
        return half_life
    if isinstance(half_life, bool) or not isinstance(half_life, numbers.Real) or not half_life >= 0:
        raise ValueError(
            "Invalid value for argument `ema_half_life`. Expected None, images >= 0 (e.g. 10_000, StyleGAN2-ADA's "
            f"10 kimg) or a keras_gan.schedules.CosineBurnIn. Received: ema_half_life={half_life!r}"
        )
    return float(half_life)
