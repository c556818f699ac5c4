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

import math
import numbers

import keras
import tensorflow as tf


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


def update(ema, generator, ema_decay, updates):
    """Moves `ema`'s weights toward `generator`'s after update number `updates`."""
    beta = warmed_up_decay(ema_decay, updates)
    trainable = {id(v) for v in generator.trainable_variables}
    for average, weight in zip(ema.weights, generator.weights):
        if id(weight) in trainable:
            value = tf.cast(average, tf.float32) * beta + tf.cast(weight, tf.float32) * (1.0 - beta)
            average.assign(tf.cast(value, average.dtype))
        elif "float" in weight.dtype:
            average.assign(weight)


class EMA:
    """G_ema and its decay: the state and the update of the averaged generator.

    Args:
        generator: the trained generator, a built `keras.Model`; G_ema
            starts as its copy (`clone_generator`).
        decay: float in (0, 1), beta per generator update.

    Attributes:
        generator: G_ema, a `keras.Model` of G's architecture, not trainable.
        decay: float.

    Raises:
        ValueError: for a `decay` outside (0, 1) or a generator Keras cannot
            clone, naming `ema_decay`.
    """

    def __init__(self, generator, decay):
        self.decay = check_ema_decay(decay)
        if self.decay is None:
            raise ValueError(
                "Invalid value for argument `ema_decay`. Expected a float in (0, 1) for an EMA. Received: None"
            )
        self.generator = clone_generator(generator)

    @property
    def half_life(self):
        """ln(1/2) / ln(decay): generator updates for a weight's share to halve."""
        return math.log(0.5) / math.log(self.decay)

    def update(self, generator, updates):
        """Moves G_ema toward `generator` after G's update number `updates`."""
        update(self.generator, generator, self.decay, updates)

    def get_config(self):
        return {"ema_decay": self.decay}
