"""The costs against the NIPS 2016 tutorial (REFERENCE.md's table, Figure 16)."""

import math

import numpy as np
import pytest
import tensorflow as tf

from keras_gan import losses


def logit(p):
    return math.log(p / (1.0 - p))


def value_and_gradient(fn, logits):
    logits = tf.constant(logits, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        values = fn(logits)
        total = tf.reduce_sum(values)
    return values.numpy(), tape.gradient(total, logits).numpy()


# REFERENCE.md: gradient of each cost with respect to the logit of one
# generated sample, at D(G(z)) = 0.001, 0.5, 0.999.
TABLE = [
    (0.001, -0.0005, -0.4995, -0.0005005),
    (0.5, -0.25, -0.25, -0.5),
    (0.999, -0.4995, -0.0005, -499.5),
]


@pytest.mark.parametrize("d, minimax, non_saturating, max_likelihood", TABLE)
def test_generator_gradients_match_the_tutorial_table(d, minimax, non_saturating, max_likelihood):
    for fn, expected in (
        (losses.minimax_generator_loss, minimax),
        (losses.non_saturating_generator_loss, non_saturating),
        (losses.maximum_likelihood_generator_loss, max_likelihood),
    ):
        _, gradient = value_and_gradient(fn, [logit(d)])
        np.testing.assert_allclose(gradient, [expected], rtol=2e-3, err_msg=fn.__name__)


@pytest.mark.parametrize("d", [0.001, 0.25, 0.5, 0.9, 0.999])
def test_generator_values_are_the_tutorial_costs(d):
    # minimax 1/2 log(1 - D); non-saturating -1/2 log D; max. likelihood -1/2 D/(1 - D).
    for fn, expected in (
        (losses.minimax_generator_loss, 0.5 * math.log(1 - d)),
        (losses.non_saturating_generator_loss, -0.5 * math.log(d)),
        (losses.maximum_likelihood_generator_loss, -0.5 * d / (1 - d)),
    ):
        values, _ = value_and_gradient(fn, [logit(d)])
        np.testing.assert_allclose(values, [expected], rtol=1e-4, err_msg=fn.__name__)


def test_discriminator_loss_is_half_bce_real_one_fake_zero():
    real, fake = [logit(0.8), logit(0.3)], [logit(0.1), logit(0.6)]
    values, _ = value_and_gradient(lambda r: losses.discriminator_loss(r, fake), real)
    expected = [
        -0.5 * math.log(0.8) - 0.5 * math.log(1 - 0.1),
        -0.5 * math.log(0.3) - 0.5 * math.log(1 - 0.6),
    ]
    np.testing.assert_allclose(values, expected, rtol=1e-5)
    # At D = 1/2 on both, J(D) = log 2.
    np.testing.assert_allclose(losses.discriminator_loss([0.0], [0.0]).numpy(), [math.log(2)], rtol=1e-6)


def test_label_smoothing_changes_real_targets_only():
    alpha = 0.1
    real, fake = tf.constant([logit(0.7)]), tf.constant([logit(0.2)])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([real, fake])
        smoothed = losses.discriminator_loss(real, fake, label_smoothing=alpha)
    # d/dl of 1/2 BCE(l, y) is 1/2 (D - y): real target 1 - alpha, fake target 0.
    np.testing.assert_allclose(tape.gradient(smoothed, real), [0.5 * (0.7 - (1 - alpha))], rtol=1e-5)
    np.testing.assert_allclose(tape.gradient(smoothed, fake), [0.5 * 0.2], rtol=1e-5)
    expected = 0.5 * -((1 - alpha) * math.log(0.7) + alpha * math.log(0.3)) - 0.5 * math.log(0.8)
    np.testing.assert_allclose(smoothed.numpy(), [expected], rtol=1e-5)


@pytest.mark.parametrize("label_smoothing", [-0.1, 1.0, 1.5, True])
def test_label_smoothing_outside_unit_interval_raises(label_smoothing):
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.discriminator_loss([0.0], [0.0], label_smoothing=label_smoothing)


@pytest.mark.parametrize(
    "fn",
    [
        lambda l: losses.discriminator_loss(l, l),
        lambda l: losses.discriminator_loss(l, l, label_smoothing=0.1),
        losses.minimax_generator_loss,
        losses.non_saturating_generator_loss,
        losses.maximum_likelihood_generator_loss,
    ],
)
def test_costs_and_gradients_are_finite_for_extreme_logits(fn):
    values, gradient = value_and_gradient(fn, [-1e4, -100.0, 0.0, 88.0, 100.0, 1e4])
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(gradient))


def softplus(x):
    return np.logaddexp(0.0, x)


EXTREME = np.array([-1e4, -100.0, 0.0, 88.0, 100.0, 1e4])


@pytest.mark.parametrize(
    "fn, value, derivative",
    [
        # 1/2 softplus(-l) + 1/2 softplus(l): 5000 at |l| = 1e4; derivative sigmoid(l) - 1/2.
        (lambda l: losses.discriminator_loss(l, l), lambda l: 0.5 * softplus(-l) + 0.5 * softplus(l),
         lambda l: 1 / (1 + np.exp(-l)) - 0.5),
        # Targets 0.9 and 0: softplus(l) - 0.45 l: 4500 at -1e4, 5500 at 1e4; derivative sigmoid(l) - 0.45.
        (lambda l: losses.discriminator_loss(l, l, label_smoothing=0.1), lambda l: softplus(l) - 0.45 * l,
         lambda l: 1 / (1 + np.exp(-l)) - 0.45),
        # 1/2 log(1 - D) = -1/2 softplus(l): -5000 at 1e4 with derivative -1/2; 0 and 0 at -1e4.
        (losses.minimax_generator_loss, lambda l: -0.5 * softplus(l), lambda l: -0.5 / (1 + np.exp(-l))),
        # -1/2 log D = 1/2 softplus(-l): 5000 at -1e4 with derivative -1/2 (it does not saturate).
        (losses.non_saturating_generator_loss, lambda l: 0.5 * softplus(-l), lambda l: -0.5 / (1 + np.exp(l))),
    ],
)
def test_costs_at_extreme_logits_are_their_limits(fn, value, derivative):
    with np.errstate(over="ignore"):
        expected_values, expected_gradient = value(EXTREME), derivative(EXTREME)
    values, gradient = value_and_gradient(fn, EXTREME)
    np.testing.assert_allclose(values, expected_values, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(gradient, expected_gradient, rtol=1e-6, atol=1e-6)
    assert np.abs(values).max() in (5000.0, 5500.0)  # the limit itself at |l| = 1e4, not a clipped value


def test_maximum_likelihood_tangent_beyond_the_limit():
    limit = losses.MAX_LIKELIHOOD_LOGIT_LIMIT
    values, gradient = value_and_gradient(losses.maximum_likelihood_generator_loss, [limit + 10.0, 1e4])
    e_limit = math.exp(limit)
    np.testing.assert_allclose(values, [-0.5 * e_limit * 11.0, -0.5 * e_limit * (1e4 - limit + 1)], rtol=1e-5)
    np.testing.assert_allclose(gradient, [-0.5 * e_limit] * 2, rtol=1e-5)
    # Exact below the limit, continuous across it.
    below, _ = value_and_gradient(losses.maximum_likelihood_generator_loss, [limit - 1e-3])
    np.testing.assert_allclose(below, [-0.5 * math.exp(limit - 1e-3)], rtol=1e-5)


def test_costs_return_one_float32_value_per_sample():
    logits = tf.zeros((5, 1), tf.float16)
    for fn in losses.GENERATOR_LOSSES.values():
        values = fn(logits)
        assert values.shape == (5,) and values.dtype == tf.float32
    assert losses.discriminator_loss(logits, logits).shape == (5,)


def test_unknown_generator_loss_lists_the_valid_names():
    with pytest.raises(ValueError, match="maximum_likelihood.*minimax.*non_saturating.*Received: loss='wasserstein'"):
        losses.get_generator_loss("wasserstein")
