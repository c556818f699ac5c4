"""Differentiable augmentation of everything D sees, with an adaptive probability.

DiffAugment (Zhao et al. 2020): the same kind of random transformation is
applied to every image the discriminator sees, real and generated, in D's
updates and in G's, and G's gradient flows back through it (section 3). The
policies and their parameters are those of the authors' `DiffAugment_tf.py`,
on images in [-1, 1], drawn independently per sample:

| policy        | transformation                                                        |
|---------------|-----------------------------------------------------------------------|
| "color"       | brightness x + U[-0.5, 0.5); saturation: channel mean + (x - mean) U[0, 2); |
|               | contrast: image mean + (x - mean) U[0.5, 1.5)                         |
| "translation" | an integer shift of up to round(side / 8) pixels along each axis, zero padding |
| "cutout"      | a square of side round(side / 2), centred uniformly over the image (clipped at the border), set to 0 |

Adaptive probability (Karras et al. 2020, "Training Generative Adversarial
Networks with Limited Data", section 3): each transformation is applied to
each sample with probability p. With `probability="adaptive"`, p starts at
0 and every `adjust_every` D updates moves by

    p <- clip(p + sign(r_t - target) * N / adjust_images, 0, 1),

where r_t = E[sign(D(x_real))] over the real samples of those updates (the
overfitting heuristic: D's outputs on real images turn positive when it
memorises them), N their number, and `adjust_images` (500,000) the number of
real images in which p can go from 0 to 1. r_t and N are global: summed over
replicas and workers, so that p is the same everywhere.

Randomness comes from the GAN's per-step, per-replica seeds (`AdversarialModel.step_seeds`),
so replicas draw different transformations, and a resumed run draws the ones
an uninterrupted run would. p and the heuristic's sums are variables of this
layer: saved in `.keras` files, weights and backups.
"""

import numbers

import keras
import tensorflow as tf

from keras_gan import schedules

POLICIES = ("color", "translation", "cutout")
TRANSLATION_RATIO = 0.125
CUTOUT_RATIO = 0.5


def _seeds(seed, count):
    """`[stateless_fold_in(seed, i, alg="philox") for i in range(count)]`, the
    same values: fold_in(seed, i) is [u, i] with u one full-range int32 drawn
    from `seed` alone, so u is drawn once here (a graph of one draw, not
    `count`)."""
    first = tf.random.stateless_uniform([], seed, minval=None, maxval=None, dtype=tf.int32, alg="philox")
    return [tf.stack([first, tf.constant(i, tf.int32)]) for i in range(count)]


def _uniform(shape, seed, low=0.0, high=1.0):
    return tf.random.stateless_uniform(shape, seed, low, high, alg="philox")


def brightness(images, seed):
    """x + b, b ~ U[-0.5, 0.5) per sample."""
    return images + _uniform([tf.shape(images)[0], 1, 1, 1], seed, -0.5, 0.5)


def saturation(images, seed):
    """Each pixel's channel mean + (x - mean) * s, s ~ U[0, 2) per sample."""
    mean = tf.reduce_mean(images, axis=3, keepdims=True)
    return (images - mean) * _uniform([tf.shape(images)[0], 1, 1, 1], seed, 0.0, 2.0) + mean


def contrast(images, seed):
    """The image's mean + (x - mean) * c, c ~ U[0.5, 1.5) per sample."""
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * _uniform([tf.shape(images)[0], 1, 1, 1], seed, 0.5, 1.5) + mean


def max_shift(side):
    """round(side / 8): the largest translation, in pixels (28 -> 4, 32 -> 4, 64 -> 8)."""
    return int(side * TRANSLATION_RATIO + 0.5)


def translate(images, shifts):
    """Shifts each image by whole pixels, filling with 0.

    out[b, i, j] = images[b, i + shifts[b, 0], j + shifts[b, 1]], 0 where
    that is outside the image: a positive shift moves the content up (left).

    Args:
        images: float `(batch, height, width, channels)`.
        shifts: int32 `(batch, 2)`, (rows, columns).
    """
    height, width = tf.shape(images)[1], tf.shape(images)[2]

    def along(x, shift, size, axis):
        padding = [[0, 0]] * 4
        padding[axis] = [1, 1]
        indices = tf.clip_by_value(tf.range(size)[None, :] + shift[:, None] + 1, 0, size + 1)
        return tf.gather(tf.pad(x, padding), indices, axis=axis, batch_dims=1)

    images = along(images, shifts[:, 0], height, 1)
    return along(images, shifts[:, 1], width, 2)


def random_translation(images, seed):
    """`translate` by shifts ~ U{-s, ..., s} per sample and axis, s = `max_shift`."""
    rows, columns = max_shift(images.shape[1]), max_shift(images.shape[2])
    row_seed, column_seed = _seeds(seed, 2)
    batch = [tf.shape(images)[0]]
    shifts = tf.stack(
        [
            tf.random.stateless_uniform(batch, row_seed, -rows, rows + 1, tf.int32, alg="philox"),
            tf.random.stateless_uniform(batch, column_seed, -columns, columns + 1, tf.int32, alg="philox"),
        ],
        axis=1,
    )
    return translate(images, shifts)


def cutout_size(side):
    """round(side / 2): the side of the cut-out square (28 -> 14, 32 -> 16)."""
    return int(side * CUTOUT_RATIO + 0.5)


def cutout(images, centres, size):
    """Sets a `size` x `size` square of each image to 0.

    The square covers rows centres[b, 0] - size // 2 ... + size - 1 (and
    likewise columns), clipped at the border.

    Args:
        images: float `(batch, height, width, channels)`.
        centres: int32 `(batch, 2)`.
        size: `(rows, columns)` of the square, ints.
    """
    top_left = centres - tf.constant([size[0] // 2, size[1] // 2])
    rows = tf.range(tf.shape(images)[1])[None, :]
    columns = tf.range(tf.shape(images)[2])[None, :]
    in_rows = (rows >= top_left[:, :1]) & (rows < top_left[:, :1] + size[0])
    in_columns = (columns >= top_left[:, 1:]) & (columns < top_left[:, 1:] + size[1])
    inside = in_rows[:, :, None] & in_columns[:, None, :]
    return images * tf.cast(~inside, images.dtype)[..., None]


def random_cutout(images, seed):
    """`cutout` at centres drawn as DiffAugment_tf.py draws them."""
    height, width = images.shape[1], images.shape[2]
    size = (cutout_size(height), cutout_size(width))
    row_seed, column_seed = _seeds(seed, 2)
    batch = [tf.shape(images)[0]]
    centres = tf.stack(
        [
            tf.random.stateless_uniform(batch, row_seed, 0, height + 1 - size[0] % 2, tf.int32, alg="philox"),
            tf.random.stateless_uniform(batch, column_seed, 0, width + 1 - size[1] % 2, tf.int32, alg="philox"),
        ],
        axis=1,
    )
    return cutout(images, centres, size)


TRANSFORMATIONS = {
    "color": (brightness, saturation, contrast),
    "translation": (random_translation,),
    "cutout": (random_cutout,),
}


@keras.saving.register_keras_serializable(package="keras_gan")
class DiffAugment(keras.layers.Layer):
    """DiffAugment's policies, each applied with a fixed or adaptive probability.

    Used by `keras_gan.GAN(augmentation=...)`, which calls it on every image
    batch D sees (`augment`) and feeds it D's logits on real images
    (`observe`). See the module docstring for the transformations and the
    adaptive rule.

    Args:
        policy: str, comma-separated names from `POLICIES`, applied in that
            order. Default "color,translation,cutout" (the paper's choice
            for limited data).
        probability: float in [0, 1], the chance that each transformation
            is applied to each sample (1: DiffAugment as published),
            "adaptive": ADA's p, starting at 0, or a
            `keras_gan.schedules.CosineBurnIn` from and to values in [0, 1]
            (R3GAN's schedule of p), evaluated at the count of D updates
            before each one (`observe` counts them; saved and resumed with
            the GAN).
        target: float in (0, 1), the target of r_t. Default 0.6 (ADA's).
        adjust_every: int >= 1, D updates between adjustments of p. Default 4.
        adjust_images: int >= 1, real images over which p can move by 1.
            Default 500,000 (ADA's).

    Raises:
        ValueError: for an unknown policy or a bad value, naming it.

    Reference:
        Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN
        Training", NeurIPS, arXiv:2006.10738; Karras et al. 2020, "Training
        Generative Adversarial Networks with Limited Data", NeurIPS,
        section 3 and appendix C.
    """

    def __init__(
        self,
        policy="color,translation,cutout",
        probability=1.0,
        target=0.6,
        adjust_every=4,
        adjust_images=500_000,
        **kwargs,
    ):
        super().__init__(**kwargs)
        names = [name.strip() for name in str(policy).split(",") if name.strip()]
        if not names or any(name not in POLICIES for name in names) or not isinstance(policy, str):
            raise ValueError(
                "Invalid value for argument `policy`. Expected comma-separated names from "
                f"{POLICIES}, e.g. 'color,translation,cutout'. Received: policy={policy!r}"
            )
        probability = schedules.deserialize(probability)
        self.scheduled = isinstance(probability, schedules.CosineBurnIn)
        if self.scheduled and not (0 <= probability.base <= 1 and 0 <= probability.final <= 1):
            raise ValueError(
                "Invalid value for argument `probability`. Expected a schedule from and to probabilities in [0, 1]. "
                f"Received: from {probability.base} to {probability.final}"
            )
        adaptive = isinstance(probability, str) and probability == "adaptive"
        if not adaptive and not self.scheduled and (
            isinstance(probability, bool) or not isinstance(probability, numbers.Real) or not 0 <= probability <= 1
        ):
            raise ValueError(
                "Invalid value for argument `probability`. Expected a float in [0, 1] or "
                f"'adaptive'. Received: probability={probability!r}"
            )
        if isinstance(target, bool) or not isinstance(target, numbers.Real) or not 0 < target < 1:
            raise ValueError(
                f"Invalid value for argument `target`. Expected a float in (0, 1). Received: target={target!r}"
            )
        for name, value in (("adjust_every", adjust_every), ("adjust_images", adjust_images)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"Invalid value for argument `{name}`. Expected an int >= 1. Received: {name}={value!r}"
                )
        self.policy = ",".join(names)
        self.probability = probability if adaptive or self.scheduled else float(probability)
        self.adaptive = adaptive
        self.target = float(target)
        self.adjust_every = adjust_every
        self.adjust_images = adjust_images
        initial = 0.0 if adaptive else probability.base if self.scheduled else float(probability)
        self.p = self.add_weight(shape=(), initializer=keras.initializers.Constant(initial), trainable=False, name="p")
        # The heuristic's running sums since the last adjustment.
        self.sign_sum = self.add_weight(shape=(), initializer="zeros", trainable=False, name="sign_sum")
        self.real_count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="real_count")
        self.updates = self.add_weight(shape=(), initializer="zeros", trainable=False, name="updates")
        self.built = True

    def augment(self, images, seed):
        """Transformed `images`, float32 of the same shape; differentiable.

        Args:
            images: float `(batch, height, width, channels)` in [-1, 1].
            seed: int tensor `(2,)`, a stateless RNG seed.
        """
        images = tf.cast(images, tf.float32)
        functions = [f for name in self.policy.split(",") for f in TRANSFORMATIONS[name]]
        seeds = _seeds(seed, 2 * len(functions))
        batch = [tf.shape(images)[0], 1, 1, 1]
        for i, function in enumerate(functions):
            transformed = function(images, seeds[2 * i])
            if self.adaptive or self.scheduled or self.probability < 1.0:
                applied = _uniform(batch, seeds[2 * i + 1]) < tf.convert_to_tensor(self.p)
                transformed = tf.where(applied, transformed, images)
            images = transformed
        return images

    def call(self, images, seed):
        return self.augment(images, seed)

    def observe(self, real_logits):
        """Adds D's logits on a real minibatch to r_t; adjusts p every
        `adjust_every` calls (adaptive only); with a scheduled p, counts
        the D update and sets p for the next. Call once per D update."""
        if self.scheduled:
            self.updates.assign_add(1.0)
            self.p.assign(self.probability(self.updates))
            return
        if not self.adaptive:
            return
        logits = tf.reshape(tf.cast(real_logits, tf.float32), [-1])
        sums = tf.stack([tf.reduce_sum(tf.sign(logits)), tf.cast(tf.size(logits), tf.float32)])
        replica = tf.distribute.get_replica_context()
        if replica is not None:
            sums = replica.all_reduce(tf.distribute.ReduceOp.SUM, sums)
        sign_sum = self.sign_sum + sums[0]
        count = self.real_count + sums[1]
        updates = self.updates + 1.0
        adjust = updates >= self.adjust_every
        r_t = sign_sum / tf.maximum(count, 1.0)
        moved = tf.clip_by_value(self.p + tf.sign(r_t - self.target) * count / self.adjust_images, 0.0, 1.0)
        self.p.assign(tf.where(adjust, moved, self.p))
        self.sign_sum.assign(tf.where(adjust, 0.0, sign_sum))
        self.real_count.assign(tf.where(adjust, 0.0, count))
        self.updates.assign(tf.where(adjust, 0.0, updates))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "policy": self.policy,
            "probability": schedules.serialize(self.probability),
            "target": self.target,
            "adjust_every": self.adjust_every,
            "adjust_images": self.adjust_images,
        }


def apply(augmentation, images, seed):
    """`images` as D sees them: `augmentation.augment(images, seed)` (a
    `DiffAugment`), or `images` unchanged when `augmentation` is None."""
    return images if augmentation is None else augmentation.augment(images, seed)


def get(augmentation):
    """None, a `DiffAugment`, or a policy string (probability 1)."""
    if augmentation is None or isinstance(augmentation, DiffAugment):
        return augmentation
    if isinstance(augmentation, str):
        return DiffAugment(augmentation)
    raise ValueError(
        "Invalid value for argument `augmentation`. Expected None, a policy such as "
        f"'color,translation,cutout', or a keras_gan.augment.DiffAugment. Received: augmentation={augmentation!r}"
    )
