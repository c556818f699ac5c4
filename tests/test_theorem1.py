"""experiments/theorem1_1d.py: C(G) = -log 4 + 2 JSD(p_data || p_g) from G's
exact density, checked against closed forms and scipy's quadrature, and
the Monte Carlo V(D, G) at the optimal D* equal to C(G)."""

import math
import os
import sys

import numpy as np
import pytest
from scipy import integrate
from scipy import stats

from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "experiments"))
import theorem1_1d as experiment  # noqa: E402

Z = experiment.Z_GRID


def quadrature_value(q, support):
    """-log 4 + 2 JSD(N(2, 0.5^2) || q) by scipy.integrate.quad over the
    intervals of `support`: sum of p log(p / (p + q)) + q log(q / (p + q))."""
    def integrand(x):
        p, g = stats.norm.pdf(x, 2, 0.5), q(x)
        return sum(a * math.log(a / (p + g)) for a in (p, g) if a > 0)

    return sum(integrate.quad(integrand, a, b, limit=400)[0] for a, b in support)


def test_a_generator_equal_to_the_data_gives_minus_log_4():
    # G(z) = 2 + z / 2 maps N(0, 1) onto p_data = N(2, 0.5^2): JSD = 0.
    value, pieces = experiment.optimal_value(2.0 + 0.5 * Z)
    assert value == pytest.approx(-math.log(4.0), abs=1e-8)
    assert pieces == 1


def test_a_constant_generator_gives_zero():
    # p_g a spike far from p_data: disjoint supports, JSD = log 2, C(G) = 0.
    value, _ = experiment.optimal_value(5.0 + 1e-4 * Z)
    assert value == pytest.approx(0.0, abs=1e-6)


def test_the_identity_generator_against_quadrature():
    value, _ = experiment.optimal_value(Z.copy())
    expected = quadrature_value(stats.norm.pdf, [(-12, 12)])
    assert expected == pytest.approx(-0.43768, abs=1e-5)  # between -log 4 and 0
    assert value == pytest.approx(expected, abs=1e-7)


def test_a_non_monotone_generator_sums_its_preimages():
    # G(z) = z^2: two monotone pieces, p_g = the chi-square density of 1 dof.
    density = experiment.generator_density(Z**2)
    assert density.pieces == 2
    xs = np.array([0.1, 0.5, 1.0, 2.0, 4.0])
    np.testing.assert_allclose(density(xs), stats.chi2.pdf(xs, 1), rtol=1e-5)
    assert density(np.array([-1.0]))[0] == 0.0
    value, _ = experiment.optimal_value(Z**2)

    def chi2(x):
        return stats.chi2.pdf(x, 1) if x > 0 else 0.0

    assert value == pytest.approx(quadrature_value(chi2, [(-6, 0), (0, 1), (1, 70)]), abs=1e-6)


class OptimalDiscriminator:
    """D*'s logit for p_data = N(2, 0.5^2) and p_g = N(0, 1):
    log p_data(x) - log p_g(x)."""

    def predict(self, x, batch_size=None, verbose=0):
        return stats.norm.logpdf(x, 2, 0.5) - stats.norm.logpdf(x)


def test_the_monte_carlo_value_of_the_optimal_discriminator_is_c_of_g():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(2, 0.5, (200_000, 1)), rng.normal(0, 1, (200_000, 1))
    estimate, error = experiment.value(OptimalDiscriminator(), real, fake)
    expected, _ = experiment.optimal_value(Z.copy())
    assert 0 < error < 0.005
    assert abs(estimate - expected) < 4 * error


def test_the_float64_map_is_the_generator():
    import keras

    keras.utils.set_random_seed(0)
    z = keras.Input((1,))
    x = keras.layers.Dense(8, activation="tanh")(z)
    x = keras.layers.Dense(8, activation="relu")(x)
    generator = keras.Model(z, keras.layers.Dense(1)(x))
    points = np.linspace(-3, 3, 101)
    expected = generator.predict(points[:, None].astype("float32"), verbose=0)[:, 0]
    np.testing.assert_allclose(experiment.float64_map(generator, points), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="expected Dense layers only, received BatchNormalization"):
        experiment.float64_map(keras.Sequential([keras.Input((1,)), keras.layers.BatchNormalization()]), points)
