"""Gradient penalties on a linear D, whose input gradient is its weight vector."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import penalties

W = np.array([0.6, -0.8, 1.2, 0.4])  # ||w|| = 1.6125
B, LR_D, LR_G = 0.3, 0.1, 0.2
C = np.array([0.5, -0.25, 0.1, 0.0])
REAL = np.random.default_rng(0).uniform(-1, 1, (6, 2, 2, 1)).astype("float32")


def linear_gan(**kwargs):
    """G(z) = c (K = 0) on 2x2 images; D(x) = w . x + b."""
    z = keras.Input((2,))
    x = keras.layers.Dense(4, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(C))(z)
    generator = keras.Model(z, keras.layers.Reshape((2, 2, 1))(x))
    images = keras.Input((2, 2, 1))
    logits = keras.layers.Dense(
        1, kernel_initializer=keras.initializers.Constant(W[:, None]), bias_initializer=keras.initializers.Constant(B)
    )(keras.layers.Flatten()(images))
    return keras_gan.GAN(generator, keras.Model(images, logits), seed=0, **kwargs)


def linear_discriminate(images, labels=None):
    return tf.reshape(images, [tf.shape(images)[0], -1]) @ tf.constant(W[:, None], tf.float32) + B


def test_wgan_gp_of_a_linear_critic_is_lambda_times_norm_minus_one_squared():
    values = penalties.wgan_gp_penalty(linear_discriminate, REAL, np.zeros_like(REAL), tf.constant([1, 2], tf.int64))
    np.testing.assert_allclose(values, np.full(6, (np.linalg.norm(W) - 1) ** 2), rtol=1e-5)


def test_r1_of_a_linear_discriminator_is_half_the_squared_norm():
    np.testing.assert_allclose(penalties.r1_penalty(linear_discriminate, REAL), np.full(6, 0.5 * W @ W), rtol=1e-6)


def test_eps_is_drawn_per_sample_in_the_unit_interval():
    ones = np.ones((64, 3, 3, 2), np.float32)
    x_hat = penalties.interpolate(ones, np.zeros_like(ones), tf.constant([3, 4], tf.int64)).numpy()
    eps = x_hat[:, 0, 0, 0]
    # x_hat = eps * 1 + (1 - eps) * 0: one eps per sample, the same on all its pixels.
    np.testing.assert_array_equal(x_hat, np.broadcast_to(eps[:, None, None, None], x_hat.shape))
    assert eps.min() >= 0.0 and eps.max() <= 1.0 and len(np.unique(eps)) == 64
    assert 0.35 < eps.mean() < 0.65  # U[0, 1], not N(0, 1) (keras-io's example)


def sgd_gan(**compile_kwargs):
    gan = linear_gan()
    gan.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(LR_G), **compile_kwargs)
    return gan


def d_weights(gan):
    w, b = gan.discriminator.get_weights()
    return w[:, 0], float(b[0])


def test_one_wgan_gp_step_by_hand():
    """Wasserstein cost f - r plus lambda (||w|| - 1)^2: the penalty's gradient,
    a second derivative through the nested tape, is 2 lambda (||w|| - 1) w / ||w||."""
    gan = sgd_gan(loss="wasserstein", gradient_penalty="wgan_gp")
    logs = gan.train_on_batch(REAL, return_dict=True)
    norm = np.linalg.norm(W)
    real = REAL.reshape(6, 4).astype(np.float64)
    w = W - LR_D * (C - real.mean(0) + 2 * 10.0 * (norm - 1) * W / norm)
    w_now, b_now = d_weights(gan)
    np.testing.assert_allclose(w_now, w, rtol=1e-5)
    assert b_now == pytest.approx(B)  # the Wasserstein cost does not depend on b
    np.testing.assert_allclose(logs["gradient_penalty"], 10.0 * (norm - 1) ** 2, rtol=1e-5)
    # G climbs the updated critic: c <- c + lr_g w.
    np.testing.assert_allclose(gan.generator.get_weights()[1], C + LR_G * w, rtol=1e-5)


@pytest.mark.parametrize("penalty", ["r1", "r2"])
def test_one_r1_step_by_hand(penalty):
    gamma = 0.5
    gan = sgd_gan(loss="wasserstein", gradient_penalty=penalty, gradient_penalty_weight=gamma)
    logs = gan.train_on_batch(REAL, return_dict=True)
    real = REAL.reshape(6, 4).astype(np.float64)
    np.testing.assert_allclose(d_weights(gan)[0], W - LR_D * (C - real.mean(0) + gamma * W), rtol=1e-5)
    np.testing.assert_allclose(logs["gradient_penalty"], gamma / 2 * W @ W, rtol=1e-5)


class Doubling(keras_gan.augment.DiffAugment):
    """An augmentation with a known Jacobian: A(x) = 2 x."""

    def augment(self, images, seed):
        return 2.0 * images


@pytest.mark.parametrize("penalty", ["r1", "r2"])
def test_the_penalty_differentiates_through_the_augmentation_to_the_images_before_it(penalty):
    """D sees A(x) = 2x: its logit w . 2x + b has the input gradient 2w with
    respect to x, so R1 (R2) = gamma/2 ||2w||^2 = 2 gamma ||w||^2, and its
    gradient in w is 4 gamma w (StyleGAN2-ADA's R1, R3GAN's R1 and R2). With
    respect to the augmented images it would be gamma/2 ||w||^2."""
    gamma = 0.5
    gan = linear_gan(augmentation=Doubling("color"))
    gan.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(LR_G), loss="wasserstein",
                gradient_penalty=penalty, gradient_penalty_weight=gamma)
    logs = gan.train_on_batch(REAL, return_dict=True)
    real = REAL.reshape(6, 4).astype(np.float64)
    np.testing.assert_allclose(logs["gradient_penalty"], 2 * gamma * W @ W, rtol=1e-5)
    np.testing.assert_allclose(d_weights(gan)[0], W - LR_D * (2 * (C - real.mean(0)) + 4 * gamma * W), rtol=1e-5)


def test_lazy_penalty_runs_every_nth_d_update_with_n_times_the_weight():
    gamma, every = 0.5, 2
    gan = sgd_gan(loss="wasserstein", d_steps=2, gradient_penalty="r1", gradient_penalty_weight=gamma,
                  gradient_penalty_every=every)
    logs = gan.train_on_batch(REAL, return_dict=True)
    real = REAL.reshape(6, 4).astype(np.float64)
    # Update 0 (iteration 0): penalized with N gamma; update 1: not at all.
    w = W - LR_D * (C - real[0::2].mean(0) + every * gamma * W)
    w = w - LR_D * (C - real[1::2].mean(0))
    np.testing.assert_allclose(d_weights(gan)[0], w, rtol=1e-5)
    # Logged: the mean over both updates of what was added, N gamma/2 ||w||^2 and 0.
    np.testing.assert_allclose(logs["gradient_penalty"], every * gamma / 2 * W @ W / 2, rtol=1e-5)


def test_lazy_schedule_by_iteration():
    penalty = penalties.GradientPenalty("r1", 2.0, every=4)
    real = (tf.constant(REAL), None)
    values = [float(penalty(linear_discriminate, real, real, tf.constant([0, 0], tf.int64), i)[0]) for i in range(8)]
    expected = 4 * 2.0 * 0.5 * W @ W
    np.testing.assert_allclose(values, [expected, 0, 0, 0, expected, 0, 0, 0], rtol=1e-5)


def test_default_weights():
    assert penalties.GradientPenalty("wgan_gp").weight == 10.0
    assert penalties.GradientPenalty("r1", image_shape=(28, 28, 1)).weight == pytest.approx(0.0002 * 28**2 / 64)
    assert penalties.GradientPenalty("r2", image_shape=(64, 64, 3)).weight == pytest.approx(0.0128)


def test_conditional_penalty_takes_the_gradient_with_respect_to_the_images_only():
    gan = keras_gan.ConditionalGAN(
        keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2, num_classes=3),
        keras_gan.architectures.dcgan_discriminator((8, 8, 1), width=2, num_classes=3),
        num_classes=3,
    )
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), gradient_penalty="wgan_gp")
    history = gan.fit(np.zeros((8, 8, 8, 1), "float32"), np.arange(8) % 3, batch_size=4, epochs=1, verbose=0)
    assert history.history["gradient_penalty"][0] > 0 and np.isfinite(history.history["gradient_penalty"][0])


EMBEDDING = np.array([[5.0], [-3.0], [7.0]])  # a per-class offset of D's output, large on purpose


def linear_conditional_gan():
    """G(z, y) = c (+ a zero embedding of y); D(x, y) = w . x + b + e_y: a
    linear critic whose input gradient w does not depend on the label."""
    z, labels = keras.Input((2,)), keras.Input((), dtype="int32")
    x = keras.layers.Dense(4, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(C))(z)
    x = x + keras.layers.Embedding(3, 4, embeddings_initializer="zeros")(labels)
    generator = keras.Model([z, labels], keras.layers.Reshape((2, 2, 1))(x))
    images, d_labels = keras.Input((2, 2, 1)), keras.Input((), dtype="int32")
    logits = keras.layers.Dense(
        1, kernel_initializer=keras.initializers.Constant(W[:, None]), bias_initializer=keras.initializers.Constant(B)
    )(keras.layers.Flatten()(images))
    logits = logits + keras.layers.Embedding(3, 1, embeddings_initializer=keras.initializers.Constant(EMBEDDING))(
        d_labels
    )
    return keras_gan.ConditionalGAN(generator, keras.Model([images, d_labels], logits), num_classes=3, seed=0)


@pytest.mark.parametrize(
    "penalty, weight, value",
    [("r1", 0.5, 0.5 / 2 * W @ W), ("wgan_gp", 10.0, 10.0 * (np.linalg.norm(W) - 1) ** 2)],
)
def test_conditional_penalty_by_hand_on_a_linear_critic_whatever_the_labels(penalty, weight, value):
    gan = linear_conditional_gan()
    labels = tf.constant([0, 1, 2, 0, 1, 2], tf.int32)
    real, fake = (tf.constant(REAL), labels), (tf.constant(REAL[::-1].copy()), labels)
    per_sample = penalties.GradientPenalty(penalty, weight)(
        lambda x, y: gan.discriminator([x, y], training=True), real, fake, tf.constant([1, 2], tf.int64), 0
    )
    np.testing.assert_allclose(per_sample, np.full(6, value), rtol=1e-5)  # the same for every class


def test_one_conditional_r1_step_by_hand():
    """Every label 1: the fakes are labelled 1 too (drawn from the batch's
    labels), so e_1 cancels in the Wasserstein cost f - r: D's w moves as
    the unconditional step's, the embedding does not move, and R1 is
    gamma/2 ||w||^2 (the gradient with respect to the images only)."""
    gamma = 0.5
    gan = linear_conditional_gan()
    gan.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(LR_G), loss="wasserstein",
                gradient_penalty="r1", gradient_penalty_weight=gamma)
    logs = gan.train_on_batch(REAL, np.ones(6, np.int32), return_dict=True)
    real = REAL.reshape(6, 4).astype(np.float64)
    kernel, bias, embedding = gan.discriminator.get_weights()
    np.testing.assert_allclose(kernel[:, 0], W - LR_D * (C - real.mean(0) + gamma * W), rtol=1e-5)
    np.testing.assert_allclose(bias, [B], rtol=1e-6)
    np.testing.assert_allclose(embedding, EMBEDDING, rtol=1e-6)
    np.testing.assert_allclose(logs["gradient_penalty"], gamma / 2 * W @ W, rtol=1e-5)
