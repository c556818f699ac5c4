"""The post-2016 games: each cost's value and gradient by hand, and the step
that plays them (both players' costs chosen together, raw scores logged)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import games
from keras_gan import losses
from test_gan import B, C, LR_D, LR_G, REAL, W, compile_sgd, linear_gan, real_batch, weights

REAL_LOGITS = [-2.0, 0.5, 1.5]
FAKE_LOGITS = [-1.5, -0.5, 2.0]

# Per sample: D's cost, dJ/dl_real, dJ/dl_fake; G's cost, dJ/dl_fake.
# hinge: relu(1 - r) + relu(1 + f), G -f. least squares: (r - 1)^2 / 2 + f^2 / 2,
# G (f - 1)^2 / 2. Wasserstein: f - r, G -f.
TABLE = {
    "hinge": ([3.0, 1.0, 3.0], [-1, -1, 0], [0, 1, 1], [1.5, 0.5, -2.0], [-1, -1, -1]),
    "least_squares": (
        [5.625, 0.25, 2.125], [-3.0, -0.5, 0.5], [-1.5, -0.5, 2.0], [3.125, 1.125, 0.5], [-2.5, -1.5, 1.0]
    ),
    "wasserstein": ([0.5, -1.0, 0.5], [-1, -1, -1], [1, 1, 1], [1.5, 0.5, -2.0], [-1, -1, -1]),
}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_costs_and_gradients_by_hand(name):
    d_cost, d_real_grad, d_fake_grad, g_cost, g_grad = TABLE[name]
    d_loss = getattr(losses, f"{name}_discriminator_loss")
    g_loss = getattr(losses, f"{name}_generator_loss")
    real, fake = tf.constant(REAL_LOGITS), tf.constant([[f] for f in FAKE_LOGITS])  # (batch,) and (batch, 1)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real, fake])
        d_values, g_values = d_loss(real, fake), g_loss(fake)
        d_total, g_total = tf.reduce_sum(d_values), tf.reduce_sum(g_values)
    assert d_values.shape == g_values.shape == (3,) and d_values.dtype == tf.float32
    np.testing.assert_allclose(d_values, d_cost, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(d_total, real), d_real_grad, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(d_total, fake)[:, 0], d_fake_grad, rtol=1e-6)
    np.testing.assert_allclose(g_values, g_cost, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(g_total, fake)[:, 0], g_grad, rtol=1e-6)


def test_every_game_by_name():
    assert games.GAMES == ("non_saturating", "minimax", "maximum_likelihood", "hinge", "least_squares", "wasserstein",
                           "relativistic_pairing", "relativistic_average")
    for name in games.GAMES:
        game = games.get_game(name)
        assert game.name == name and game.cross_entropy == (name in games.CROSS_ENTROPY_GAMES)
        assert game.relativistic == name.startswith("relativistic")
    custom = games.get_game(lambda logits: -logits[:, 0], label_smoothing=0.1)
    assert custom.name == "custom" and custom.cross_entropy
    # The user's cost plays against D's smoothed cross-entropy.
    np.testing.assert_allclose(custom.discriminator_loss([0.0], [0.0]), losses.discriminator_loss([0.0], [0.0], 0.1))


# (D's d cost / d logit on real, on generated; G's d cost / d logit), as functions of the logit.
GRADIENTS = {
    "hinge": (lambda r: -1.0 * (r < 1.0), lambda f: 1.0 * (f > -1.0), lambda f: -1.0),
    "least_squares": (lambda r: r - 1.0, lambda f: f, lambda f: f - 1.0),
    "wasserstein": (lambda r: -1.0, lambda f: 1.0, lambda f: -1.0),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_one_step_plays_both_costs_of_the_game(name):
    """A step on linear networks against the update worked out by hand:
    D(x) = w x + b, G(z) = c, SGD; D's cost per sample, then G through the
    updated D, and the raw scores (not sigmoids) logged."""
    d_real, d_fake, g = GRADIENTS[name]
    gan = compile_sgd(linear_gan(), loss=name)
    logs = gan.train_on_batch(real_batch(), return_dict=True)

    real = REAL.astype(np.float64)
    real_logits, fake_logit = W * real + B, W * C + B
    grad_real = np.array([d_real(r) for r in real_logits], np.float64)
    grad_fake = d_fake(fake_logit)
    w = W - LR_D * np.mean(grad_real * real + grad_fake * C)
    b = B - LR_D * np.mean(grad_real + grad_fake)
    c = C - LR_G * g(w * C + b) * w
    np.testing.assert_allclose(weights(gan), [w, b, c], rtol=1e-5)
    d_cost = getattr(losses, f"{name}_discriminator_loss")(real_logits, np.full_like(real_logits, fake_logit))
    np.testing.assert_allclose(logs["d_loss"], np.mean(d_cost), rtol=1e-5)
    assert "d_real" not in logs and "d_fake" not in logs
    scores = [logs["d_real_score"], logs["d_fake_score"]]
    np.testing.assert_allclose(scores, [real_logits.mean(), fake_logit], rtol=1e-5)


def test_evaluate_logs_the_same_names():
    gan = compile_sgd(linear_gan(), loss="hinge")
    results = gan.evaluate(real_batch(), batch_size=6, verbose=0, return_dict=True)
    assert sorted(results) == ["d_fake_score", "d_loss", "d_real_score", "g_loss", "loss"]


@pytest.mark.parametrize("name", ["hinge", "least_squares", "wasserstein"])
def test_label_smoothing_is_refused_for_games_without_cross_entropy(name):
    gan = linear_gan()
    match = f"label_smoothing.*Expected 0 for the '{name}' game.*Received: label_smoothing=0.1"
    with pytest.raises(ValueError, match=match):
        gan.compile(keras.optimizers.SGD(), keras.optimizers.SGD(), loss=name, label_smoothing=0.1)
