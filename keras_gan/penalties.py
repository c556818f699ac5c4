"""Gradient penalties on the discriminator, added to its cost in D's updates.

Each penalty is per sample, float32 `(batch,)`, so that it is reduced like
every cost (summed, divided by the global batch size). The input gradient is
taken with a tape nested inside D's own tape, so that D's update
differentiates through it (a second derivative); it is computed in float32
under mixed precision (the images are cast to float32, D's outputs summed in
float32). A conditional D takes it with respect to the images, labels fixed.

| name      | on                                      | per sample                        | default weight |
|-----------|-----------------------------------------|-----------------------------------|----------------|
| "wgan_gp" | x_hat = eps x + (1 - eps) G(z), eps ~ U[0, 1] per sample | lambda (‖∇D(x_hat)‖_2 - 1)^2 | lambda = 10 |
| "r1"      | real samples x                          | gamma / 2 ‖∇D(x)‖_2^2             | see below      |
| "r2"      | generated samples G(z)                  | gamma / 2 ‖∇D(G(z))‖_2^2          | see below      |
| "r1_r2"   | both, each sample's pair                | gamma / 2 (‖∇D(x)‖_2^2 + ‖∇D(G(z))‖_2^2) | see below |

R2 is taken on generated images as D's update sees them: cut off from G
(D's step generates them outside its tape; in a simultaneous update G's
gradient is of G's cost only), so it trains D alone. "r1_r2" is R3GAN's
regularizer (Huang et al. 2024, eq. 3), applied on every D update.

References:
    Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", NeurIPS,
    Algorithm 1 (lambda = 10); Mescheder et al. 2018, "Which Training
    Methods for GANs do actually Converge?", ICML, eq. 9 (R1) and 10 (R2);
    Karras et al. 2020, "Analyzing and Improving the Image Quality of
    StyleGAN", CVPR, section 4 (lazy regularization); Huang et al. 2024,
    "The GAN is dead; long live the GAN!", NeurIPS, eq. 3 (R1 + R2); Karras et al. 2020,
    "Training Generative Adversarial Networks with Limited Data", NeurIPS,
    `train.py`'s "auto" configuration (the gamma heuristic).
"""

import numbers

import tensorflow as tf

from keras_gan import losses
from keras_gan import schedules
from keras_gan.validation import check_positive_int

PENALTIES = ("wgan_gp", "r1", "r2", "r1_r2")
WGAN_GP_WEIGHT = 10.0
# sqrt(0) has an infinite derivative: the norm is sqrt(epsilon + ||g||^2).
NORM_EPSILON = 1e-12


def default_weight(penalty, image_shape):
    """The default weight of `penalty` for images of `image_shape`.

    wgan_gp: lambda = 10 (Gulrajani et al. 2017, Algorithm 1).
    r1, r2, r1_r2: StyleGAN2-ADA's heuristic gamma = 0.0002 * r^2 / 64, r the
    larger image side and 64 the minibatch of its 8-GPU configuration:
    0.00245 at 28x28, 0.0032 at 32x32, 0.0128 at 64x64, 0.2048 at 256x256.
    """
    if penalty == "wgan_gp":
        return WGAN_GP_WEIGHT
    return 0.0002 * max(image_shape[:2]) ** 2 / 64


def input_gradients(discriminate, images):
    """grad_x sum_i D(x_i), float32 of `images`' shape: per-sample input
    gradients (D scores each sample apart; with batch normalization in D
    its batch statistics mix samples, and this is the batch's gradient)."""
    images = tf.cast(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(images)
        total = tf.reduce_sum(losses.flatten_logits(discriminate(images)))
    return tape.gradient(total, images)


def squared_norms(gradients):
    """||g_i||_2^2 per sample, float32 `(batch,)`."""
    flat = tf.reshape(gradients, [tf.shape(gradients)[0], -1])
    return tf.reduce_sum(tf.square(flat), axis=1)


def interpolate(real_images, fake_images, seed):
    """x_hat = eps x + (1 - eps) G(z), eps ~ U[0, 1] drawn once per sample.

    (keras-io's `wgan_gp` example draws eps from N(0, 1), which puts most
    x_hat outside the segment between x and G(z).)

    Args:
        real_images, fake_images: float `(batch, ...)`, the same shape.
        seed: int tensor `(2,)`, a stateless RNG seed.
    """
    real_images = tf.cast(real_images, tf.float32)
    fake_images = tf.cast(fake_images, tf.float32)
    shape = tf.concat([tf.shape(real_images)[:1], tf.ones([tf.rank(real_images) - 1], tf.int32)], 0)
    eps = tf.random.stateless_uniform(shape, seed, 0.0, 1.0, alg="philox")
    return eps * real_images + (1.0 - eps) * fake_images


def wgan_gp_penalty(discriminate, real_images, fake_images, seed):
    """(||grad D(x_hat)||_2 - 1)^2 per sample, float32 `(batch,)`, unweighted.

    Args:
        discriminate: function from float32 images to D's outputs.
        real_images, fake_images: float `(batch, ...)`.
        seed: int tensor `(2,)` for eps.

    Reference:
        Gulrajani et al. 2017, Algorithm 1, lines 6-7.
    """
    gradients = input_gradients(discriminate, interpolate(real_images, fake_images, seed))
    return tf.square(tf.sqrt(NORM_EPSILON + squared_norms(gradients)) - 1.0)


def r1_penalty(discriminate, images):
    """1/2 ||grad D(x)||_2^2 per sample, float32 `(batch,)`, unweighted: R1
    on real `images`, R2 on generated ones.

    Reference:
        Mescheder et al. 2018, eq. 9 and 10 (the gamma/2 with gamma = 1).
    """
    return 0.5 * squared_norms(input_gradients(discriminate, images))


class GradientPenalty:
    """A weighted, optionally lazy gradient penalty: the seam into D's step.

    Args:
        penalty: one of `PENALTIES`.
        weight: float >= 0 (lambda or gamma), a `schedules.CosineBurnIn` of
            D's updates (R3GAN's gamma), or None for `default_weight`.
        every: int >= 1. With every = N the penalty is computed on every
            N-th discriminator update only (those whose optimizer iteration
            count, before the update, is a multiple of N) and multiplied by
            N there, so its average weight stays `weight` (lazy
            regularization, Karras et al. 2020, StyleGAN2 section 4).
        image_shape: `(height, width, channels)`, for the default weight.

    Raises:
        ValueError: for an unknown penalty, a negative or non-numeric weight
            or `every` < 1, naming the `GAN.compile` argument.
    """

    def __init__(self, penalty, weight=None, every=1, image_shape=(1, 1, 1)):
        if penalty not in PENALTIES:
            raise ValueError(
                "Invalid value for argument `gradient_penalty`. Expected None or "
                f"one of {PENALTIES}. Received: gradient_penalty={penalty!r}"
            )
        if weight is None:
            weight = default_weight(penalty, image_shape)
        weight = schedules.deserialize(weight)
        scheduled = isinstance(weight, schedules.CosineBurnIn)
        if not scheduled and (isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not weight >= 0):
            raise ValueError(
                "Invalid value for argument `gradient_penalty_weight`. Expected "
                f"a float >= 0 or a keras_gan.schedules.CosineBurnIn. Received: gradient_penalty_weight={weight!r}"
            )
        self.penalty = penalty
        self.weight = weight if scheduled else float(weight)
        self.every = check_positive_int("gradient_penalty_every", every, "D updates between penalties")

    def __call__(self, discriminate, real, fake, seed, iteration, discriminate_fake=None):
        """The weighted per-sample penalty of one D update, float32 `(batch,)`.

        Args:
            discriminate: function (images, labels) -> D's outputs, for the
                real images (and WGAN-GP's interpolates).
            real, fake: (images, labels or None) of the update's real and
                generated minibatches.
            seed: int tensor `(2,)`, for wgan_gp's eps.
            iteration: int tensor, D's optimizer iterations before the update.
            discriminate_fake: the same for the generated images, when it
                differs (another augmentation draw); default `discriminate`.
        """
        discriminate_fake = discriminate_fake or discriminate

        def weighted():
            if self.penalty == "wgan_gp":
                values = wgan_gp_penalty(lambda x: discriminate(x, real[1]), real[0], fake[0], seed)
            else:  # gamma/2 ||grad||^2 on real (R1), generated (R2) or both sides' images
                sides = {"r1": ((real, discriminate),), "r2": ((fake, discriminate_fake),),
                         "r1_r2": ((real, discriminate), (fake, discriminate_fake))}[self.penalty]
                values = sum(r1_penalty(lambda x, labels=labels, d=d: d(x, labels), images)
                             for (images, labels), d in sides)
            return (schedules.value_at(self.weight, iteration) * self.every) * values

        if self.every == 1:
            return weighted()
        skipped = tf.zeros(tf.shape(real[0])[:1], tf.float32)
        return tf.cond(tf.equal(iteration % self.every, 0), weighted, lambda: skipped)
