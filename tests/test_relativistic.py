"""R3GAN's game (relativistic pairing) and RaGAN, and R1 + R2, by value.

Values derived from brownvc/R3GAN's `AdversarialTraining`: on r = [1, 0], f = [0, 2], RpGAN's D cost 1.2200948
and G cost 0.7200948; RaGAN's 2.0909496 and 1.0909496.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import games
from keras_gan import losses
from keras_gan import penalties

R = tf.constant([1.0, 0.0])
F = tf.constant([0.0, 2.0])
GAMMA, LR_D, LR_G = 0.3, 0.1, 0.2


def softplus(v):
    return np.log1p(np.exp(v))


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


@pytest.mark.parametrize(
    "name, d_mean, g_mean",
    [("relativistic_pairing", 1.2200948, 0.7200948), ("relativistic_average", 2.0909496, 1.0909496)],
)
def test_costs_on_the_notes_logits(name, d_mean, g_mean):
    game = games.get_game(name)
    assert game.relativistic and not game.cross_entropy
    assert float(tf.reduce_mean(game.discriminator_loss(R, F))) == pytest.approx(d_mean, abs=1e-6)
    assert float(tf.reduce_mean(game.generator_loss(F, R))) == pytest.approx(g_mean, abs=1e-6)


def test_pairing_g_cost_is_d_cost_plus_the_margin_per_sample():
    d = losses.relativistic_pairing_discriminator_loss(R, F)
    g = losses.relativistic_pairing_generator_loss(F, R)
    np.testing.assert_allclose(g, d + (R - F), rtol=1e-6)
    np.testing.assert_allclose(d, [softplus(-1.0), softplus(2.0)], rtol=1e-6)


def test_gradients_with_respect_to_the_generated_logits():
    f = tf.Variable(F)
    with tf.GradientTape(persistent=True) as tape:
        pairing = tf.reduce_mean(losses.relativistic_pairing_generator_loss(f, R))
        average = tf.reduce_mean(losses.relativistic_average_generator_loss(f, R))
    r, fv = R.numpy(), F.numpy()
    # Pairing: d softplus(r_i - f_i) / d f_i = -sigmoid(r_i - f_i), over n = 2.
    np.testing.assert_allclose(tape.gradient(pairing, f), -sigmoid(r - fv) / 2, rtol=1e-6)
    # Average: mean_j softplus(mean r - f_j) + mean_i softplus(r_i - mean f).
    expected = -sigmoid(r.mean() - fv) / 2 - np.mean(sigmoid(r - fv.mean())) / 2
    np.testing.assert_allclose(tape.gradient(average, f), expected, rtol=1e-6)


def test_relativistic_games_take_no_label_smoothing():
    with pytest.raises(ValueError, match="label_smoothing"):
        games.get_game("relativistic_pairing", label_smoothing=0.1)


def test_r1_r2_of_a_linear_discriminator_is_gamma_times_the_squared_norm():
    w = np.array([0.6, -0.8, 1.2, 0.4])

    def discriminate(images, labels):
        return tf.reshape(images, [tf.shape(images)[0], -1]) @ tf.constant(w[:, None], tf.float32)

    real = np.random.default_rng(0).uniform(-1, 1, (3, 2, 2, 1)).astype("float32")
    penalty = penalties.GradientPenalty("r1_r2", GAMMA)
    values = penalty(discriminate, (real, None), (real[::-1], None), tf.constant([0, 0], tf.int64), 0)
    # gamma/2 ||w||^2 for R1 plus gamma/2 ||w||^2 for R2.
    np.testing.assert_allclose(values, np.full(3, GAMMA * w @ w), rtol=1e-6)


def test_r1_on_real_and_r2_on_generated_images_of_a_quadratic_discriminator():
    # D(x) = 1/2 ||x||^2: the input gradient is x, so R1_i = ||x_i||^2 and R2_i = ||G(z_i)||^2.
    def discriminate(images, labels):
        return 0.5 * tf.reduce_sum(tf.square(images), axis=[1, 2, 3])

    rng = np.random.default_rng(1)
    real, fake = rng.uniform(-1, 1, (3, 2, 2, 1)).astype("float32"), rng.uniform(-1, 1, (3, 2, 2, 1)).astype("float32")
    values = penalties.GradientPenalty("r1_r2", GAMMA)(discriminate, (real, None), (fake, None), None, 0)
    expected = GAMMA / 2 * (np.sum(real**2, axis=(1, 2, 3)) + np.sum(fake**2, axis=(1, 2, 3)))
    np.testing.assert_allclose(values, expected, rtol=1e-5)


def linear_gan(**kwargs):
    """G(z) = c (kernel 0) on 1x1 images; D(x) = w x + b."""
    z = keras.Input((1,))
    x = keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(0.4))(z)
    generator = keras.Model(z, keras.layers.Reshape((1, 1, 1))(x))
    images = keras.Input((1, 1, 1))
    logits = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(0.7),
                                bias_initializer=keras.initializers.Constant(0.1))(keras.layers.Flatten()(images))
    gan = keras_gan.GAN(generator, keras.Model(images, logits), seed=0, **kwargs)
    return gan


REAL = np.array([-0.5, 0.25, 0.9, -0.1], np.float32).reshape(4, 1, 1, 1)


def test_one_alternating_step_by_hand_with_r1_r2():
    gan = linear_gan()
    gan.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(LR_G), loss="relativistic_pairing",
                gradient_penalty="r1_r2", gradient_penalty_weight=GAMMA)
    logs = gan.fit(REAL, batch_size=4, epochs=1, verbose=0).history
    x, w, b, c = REAL.ravel().astype(np.float64), 0.7, 0.1, 0.4
    # D: mean softplus(f - r_i) + gamma/2 (w^2 + w^2); b cancels in f - r.
    margin = (w * c + b) - (w * x + b)
    w1 = w - LR_D * (np.mean(sigmoid(margin) * (c - x)) + 2 * GAMMA * w)
    # G: mean softplus(r_i - f) through the updated D, r_i from the same real minibatch.
    g_margin = w1 * x - w1 * c
    c1 = c - LR_G * np.mean(-sigmoid(g_margin) * w1)
    kernel, bias = gan.discriminator.get_weights()
    np.testing.assert_allclose([kernel[0, 0], bias[0]], [w1, b], rtol=1e-5)
    np.testing.assert_allclose(gan.generator.get_weights()[1][0], c1, rtol=1e-5)
    np.testing.assert_allclose(logs["d_loss"][0], np.mean(softplus(margin)), rtol=1e-5)
    np.testing.assert_allclose(logs["gradient_penalty"][0], GAMMA * w * w, rtol=1e-5)
    np.testing.assert_allclose(logs["g_loss"][0], np.mean(softplus(g_margin)), rtol=1e-5)


def test_r2_sends_no_gradient_to_g_in_a_simultaneous_update():
    generators = []
    for penalty in (None, "r1_r2"):
        gan = linear_gan()
        options = {} if penalty is None else {"gradient_penalty": penalty, "gradient_penalty_weight": 5.0}
        gan.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(LR_G), loss="relativistic_pairing",
                    update="simultaneous", **options)
        gan.fit(REAL, batch_size=4, epochs=1, verbose=0)
        generators.append(gan.generator.get_weights()[1][0])
    # G's update is the same with and without a large R2 on its samples.
    assert generators[0] == pytest.approx(generators[1], rel=1e-7)
    assert generators[0] != pytest.approx(0.4)  # and G did move
