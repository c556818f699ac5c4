"""docs/tfgan.md's table, checked on TF-GAN's own published test constants.

tensorflow/gan, tensorflow_gan/python/losses/losses_impl_test.py
(`_LossesTest.init_constants` and each loss class's `_expected_*`):
D's outputs on real samples [-5.0, 1.4, 12.5, 2.7], on generated
[10.0, 4.4, -5.5, 3.6], and each loss's expected value (mean reduction).
TF-GAN does not import on current TensorFlow, so its numbers are the
reference; the conversions are the ones the guide states.
"""

import math

import numpy as np
import pytest

from keras_gan import losses

REAL = np.array([-5.0, 1.4, 12.5, 2.7], np.float32)
FAKE = np.array([10.0, 4.4, -5.5, 3.6], np.float32)
# TF-GAN's expected (generator loss, discriminator loss), per test class.
TFGAN = {
    "least_squares": (17.69625, 41.73375),
    "modified": (1.38582, 6.19637),  # the discriminator at TF-GAN's default label_smoothing=0.25
    "minimax": (-4.82408, 6.19637),
    "wasserstein": (-3.12500, 0.22500),
    "wasserstein_hinge": (-3.12500, 6.7500),
}


def mean(values):
    return float(np.mean(np.asarray(values, np.float64)))


@pytest.mark.parametrize(
    "name, ours_g, ours_d",
    [
        ("least_squares", losses.least_squares_generator_loss, losses.least_squares_discriminator_loss),
        ("wasserstein", losses.wasserstein_generator_loss, losses.wasserstein_discriminator_loss),
        ("wasserstein_hinge", losses.hinge_generator_loss, losses.hinge_discriminator_loss),
    ],
)
def test_the_score_games_equal_tfgan_s(name, ours_g, ours_d):
    g, d = TFGAN[name]
    assert mean(ours_g(FAKE)) == pytest.approx(g, abs=1e-5)
    assert mean(ours_d(REAL, FAKE)) == pytest.approx(d, abs=1e-5)


def test_tfgan_s_cross_entropy_losses_are_twice_ours_and_its_smoothing_half():
    # TF-GAN sums D's two cross-entropies; ours is their half (tutorial eq. 8).
    # Its label_smoothing=0.25 pulls the real target toward 1/2: 1 - 0.25/2.
    d = 2 * mean(losses.discriminator_loss(REAL, FAKE, label_smoothing=0.125))
    assert d == pytest.approx(TFGAN["modified"][1], abs=1e-4)
    assert d == pytest.approx(TFGAN["minimax"][1], abs=1e-4)
    # modified_generator_loss is -log D(G(z)); non_saturating is its half.
    assert 2 * mean(losses.non_saturating_generator_loss(FAKE)) == pytest.approx(TFGAN["modified"][0], abs=1e-5)
    # minimax_generator_loss is minus the D loss with real logits set to 1:
    # log(1 - D(G(z))) plus the constant log sigmoid(1).
    constant = -math.log1p(math.exp(-1.0))
    minimax = 2 * mean(losses.minimax_generator_loss(FAKE)) + constant
    assert minimax == pytest.approx(TFGAN["minimax"][0], abs=1e-5)
