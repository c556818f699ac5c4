"""Hyperparameters that change with the images seen: R3GAN's cosine burn-in.

One schedule object serves every scheduled quantity: the learning rate (as
an optimizer's `learning_rate`), Adam's beta_2 (`keras_gan.optimizers.Adam`),
the gradient penalty's gamma (`compile(gradient_penalty_weight=...)`), the
EMA generator's half-life (`GAN(ema_half_life=...)`) and the augmentation
probability (`augment.DiffAugment(probability=...)`). Each evaluates it at
the step count of the update it is used in, before the update, times the
images one update takes, so that a run resumed from a backup continues on
the same curve (the counts are saved with the optimizers).

    value(t) = base + (final - base) (1 - cos(pi t / T)) / 2   for t <= T,
    value(t) = final                                           for t > T,

t the images seen before the step and T `burn_in_images`.

Reference:
    Huang et al. 2024, "The GAN is dead; long live the GAN!", NeurIPS,
    appendix D, Table 9; brownvc/R3GAN `training/training_loop.py`
    (`cosine_decay_with_warmup`, without warm-up or hold).
"""

import math
import numbers

import keras
import tensorflow as tf

from keras_gan.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gan")
class CosineBurnIn(keras.optimizers.schedules.LearningRateSchedule):
    """From `base` to `final` over `burn_in_images` images by half a cosine, then `final`.

    Args:
        base: float, the value at the first step.
        final: float, the value from `burn_in_images` images on.
        burn_in_images: float > 0, T, in images.
        images_per_step: int >= 1, the images one update takes (the global
            minibatch of one D update), so that step s is t = s *
            images_per_step images.

    Call with a step count (int or int tensor, e.g. an optimizer's
    `iterations`); returns float32.

    Raises:
        ValueError: for a non-numeric `base` or `final`, `burn_in_images`
            <= 0 or `images_per_step` < 1.

    Example:
        ```python
        # R3GAN's CIFAR-10 learning rate at batch 512: 2e-4 -> 5e-5 over 20 M images.
        lr = keras_gan.schedules.CosineBurnIn(2e-4, 5e-5, 20e6, images_per_step=512)
        float(lr(10_000_000 // 512))  # ~1.25e-4, halfway
        ```

    Reference:
        Huang et al. 2024, NeurIPS, appendix D (the "cosine" schedules).
    """

    def __init__(self, base, final, burn_in_images, images_per_step=1, name="CosineBurnIn"):
        for argument, value in (("base", base), ("final", final)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise ValueError(
                    f"Invalid value for argument `{argument}`. Expected a finite float. Received: {argument}={value!r}"
                )
        if isinstance(burn_in_images, bool) or not isinstance(burn_in_images, numbers.Real) or not burn_in_images > 0:
            raise ValueError(
                "Invalid value for argument `burn_in_images`. Expected a number of images > 0. "
                f"Received: burn_in_images={burn_in_images!r}"
            )
        self.base, self.final = float(base), float(final)
        self.burn_in_images = float(burn_in_images)
        self.images_per_step = check_positive_int("images_per_step", images_per_step, "images one update takes")
        self.name = name

    def at_images(self, images):
        """The value after `images` images, float32 tensor."""
        fraction = tf.minimum(tf.cast(images, tf.float32) / self.burn_in_images, 1.0)
        return self.base + (self.final - self.base) * (1.0 - tf.cos(math.pi * fraction)) / 2.0

    def __call__(self, step):
        return self.at_images(tf.cast(step, tf.float32) * float(self.images_per_step))

    def get_config(self):
        return {
            "base": self.base,
            "final": self.final,
            "burn_in_images": self.burn_in_images,
            "images_per_step": self.images_per_step,
            "name": self.name,
        }


def value_at(value, step):
    """`value` at optimizer step `step`: a `CosineBurnIn` evaluated, a number as is."""
    return value(step) if isinstance(value, CosineBurnIn) else value


def serialize(value):
    """A number as is, a schedule as its Keras config (for `get_config`)."""
    return keras.saving.serialize_keras_object(value) if isinstance(value, CosineBurnIn) else value


def deserialize(value):
    """The inverse of `serialize`."""
    return keras.saving.deserialize_keras_object(value) if isinstance(value, dict) else value
