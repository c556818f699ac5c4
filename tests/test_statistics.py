"""The evaluation math: Frechet distance, KID, mode coverage, Parzen windows."""

import math

import numpy as np
import pytest
import scipy.linalg
import tensorflow as tf

from keras_gan import data
from keras_gan.evaluation import features
from keras_gan.evaluation import modes
from keras_gan.evaluation import parzen
from keras_gan.evaluation import scores
from keras_gan.evaluation import statistics
from keras_gan.evaluation import two_sample


def correlated(rng, n, d, shift=0.0):
    mixing = rng.normal(size=(d, d))
    return rng.normal(size=(n, d)) @ mixing + shift


def test_frechet_distance_matches_scipy_sqrtm():
    rng = np.random.default_rng(0)
    x, y = correlated(rng, 500, 8), correlated(rng, 400, 8, shift=0.5)
    mu1, mu2 = x.mean(axis=0), y.mean(axis=0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    expected = np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * scipy.linalg.sqrtm(s1 @ s2).real)
    assert statistics.frechet_distance(x, y) == pytest.approx(expected, rel=1e-8)
    # Batched accumulation gives the same statistics.
    mean, covariance = statistics.mean_and_covariance(x, batch_size=64)
    np.testing.assert_allclose(mean, mu1, rtol=1e-12)
    np.testing.assert_allclose(covariance, s1, rtol=1e-10)
    assert statistics.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_of_two_known_gaussians():
    # N(0, I) and N(m, 4 I) in d dimensions: |m|^2 + d (1 + 4 - 2 * 2) = |m|^2 + d.
    mu1, mu2 = np.zeros(3), np.array([1.0, 2.0, 2.0])
    value = statistics.frechet_distance_from_statistics(mu1, np.eye(3), mu2, 4 * np.eye(3))
    assert value == pytest.approx(9.0 + 3.0)


def test_kid_of_a_distribution_with_itself_is_near_zero_and_positive_otherwise():
    rng = np.random.default_rng(1)
    x, same, shifted = rng.normal(size=(2000, 16)), rng.normal(size=(2000, 16)), rng.normal(size=(2000, 16)) + 1.0
    mean, std = statistics.kernel_distance(x, same, num_subsets=20, subset_size=500)
    assert abs(mean) < 3 * std + 1e-3 and abs(mean) < 0.01
    shifted_mean, _ = statistics.kernel_distance(x, shifted, num_subsets=20, subset_size=500)
    assert shifted_mean > 0.5


@pytest.mark.parametrize("means, sigma", [(data.RING_MODES, data.RING_SIGMA), (data.GRID_MODES, data.GRID_SIGMA)])
def test_exact_mixture_samples_cover_every_mode_with_98_9_percent_high_quality(means, sigma):
    samples = next(iter(data.gaussian_mixture(means, sigma, batch_size=2500, seed=3))).numpy()
    result = modes.mode_coverage(samples, means, sigma)
    assert result["modes_captured"] == len(means)
    # P(chi^2_2 < 9) = 1 - exp(-4.5) = 0.98889; binomial std over 2,500: 0.0021.
    assert result["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.007)
    assert result["kl_to_uniform"] < 0.02


def test_a_collapsed_generator_captures_one_mode():
    samples = np.tile(data.RING_MODES[2], (100, 1))
    result = modes.mode_coverage(samples, data.RING_MODES, data.RING_SIGMA)
    assert result == {"modes_captured": 1, "high_quality": 1.0, "kl_to_uniform": pytest.approx(math.log(8))}


def test_gaussian_mixture_batches_are_deterministic_with_the_right_moments():
    first = next(iter(data.gaussian_mixture([[3.0]], 0.5, batch_size=20_000, seed=1))).numpy()
    again = next(iter(data.gaussian_mixture([[3.0]], 0.5, batch_size=20_000, seed=1))).numpy()
    np.testing.assert_array_equal(first, again)
    assert first.shape == (20_000, 1) and first.dtype == np.float32
    assert first.mean() == pytest.approx(3.0, abs=0.02) and first.std() == pytest.approx(0.5, rel=0.02)


def test_parzen_window_of_one_sample_is_the_gaussian_density():
    # One centre mu: log p(x) = -|x - mu|^2 / (2 s^2) - d log(s sqrt(2 pi)).
    x, mu, sigma = np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]), 0.5
    expected = -5.0 / (2 * 0.25) - 2 * math.log(0.5 * math.sqrt(2 * math.pi))
    assert parzen.parzen_log_likelihoods(mu, x, [sigma])[0, 0] == pytest.approx(expected)


def test_classifier_score_bounds():
    uniform = np.full((100, 10), 0.1)
    assert scores.classifier_score(uniform, num_splits=2)[0] == pytest.approx(1.0)
    confident_balanced = np.eye(10)[np.arange(100) % 10]
    assert scores.classifier_score(confident_balanced, num_splits=2)[0] == pytest.approx(10.0, rel=1e-6)
    confident_one_class = np.eye(10)[np.zeros(100, int)]
    assert scores.classifier_score(confident_one_class, num_splits=2)[0] == pytest.approx(1.0, rel=1e-6)


def test_precision_and_recall_on_known_sets():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(500, 4))
    # The same points: every point lies in its own ball.
    assert scores.precision_recall(real, real) == {"precision": 1.0, "recall": 1.0}
    # Far away: nothing inside the other manifold.
    assert scores.precision_recall(real, real + 100.0) == {"precision": 0.0, "recall": 0.0}
    # A generator covering only half of the data: precision stays high, recall halves.
    half = real[real[:, 0] > 0] + rng.normal(scale=0.01, size=(int((real[:, 0] > 0).sum()), 4))
    result = scores.precision_recall(real, half)
    assert result["precision"] > 0.9 and 0.35 < result["recall"] < 0.65


def test_two_sample_test_on_one_distribution_is_at_chance():
    rng = np.random.default_rng(0)
    result = two_sample.classifier_two_sample_test(rng.normal(size=(1000, 2)), rng.normal(size=(1000, 2)), epochs=5)
    # Under the null, accuracy ~ N(1/2, 1/(4 * 1000)): std 0.016.
    assert abs(result["accuracy"] - 0.5) < 0.05 and result["p_value"] > 0.001
    shifted = two_sample.classifier_two_sample_test(
        rng.normal(size=(1000, 2)), rng.normal(size=(1000, 2)) + 3.0, epochs=5
    )
    assert shifted["accuracy"] > 0.9 and shifted["p_value"] < 1e-6


@pytest.mark.slow
def test_inception_features_plumbing_with_random_weights():
    # Offline: random weights check shapes and resizing, not the numbers.
    model = features.inception_feature_model(weights=None)
    rng = np.random.default_rng(0)
    gray, rgb = rng.uniform(-1, 1, (3, 28, 28, 1)), rng.uniform(-1, 1, (3, 32, 32, 3))
    assert features.features_of(gray, model).shape == (3, 2048)
    # The plumbing by value: a gray image's features are its 3-channel copy's,
    # resized bilinearly to 299x299, through the bare InceptionV3; batches
    # of 2 give what one batch gives.
    inception = model.layers[-1]
    by_hand = inception(tf.image.resize(np.repeat(gray, 3, axis=-1).astype(np.float32), (299, 299)), training=False)
    np.testing.assert_allclose(features.features_of(gray, model), by_hand.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        features.features_of(rgb, model, batch_size=2), features.features_of(rgb, model), rtol=1e-4, atol=1e-5
    )


def test_kid_by_hand_on_three_and_three_points():
    """Unbiased MMD^2 with k(a, b) = (a . b / d + 1)^3 in d = 2, on points
    whose a . b / d is the product of 1-D values x = (0, 1, 2), y = (1, -1, 0):
    mean_{i != j} k(x_i, x_j) = 2 (1 + 1 + 27) / 6 = 29 / 3,
    mean_{i != j} k(y_i, y_j) = 2 (0 + 1 + 1) / 6 = 2 / 3,
    mean_{i, j} k(x_i, y_j) = (3 + 9 + 27) / 9 = 13 / 3,
    MMD^2 = 29/3 + 2/3 - 26/3 = 5/3. (Degree 2 gives 1/9, degree 4 other
    values, no 1/d doubles the products, coefficient 0 gives 7/3, the
    biased estimator 21.3 for the first term alone.)"""
    x = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    y = np.array([[1.0, 1.0], [-1.0, -1.0], [0.0, 0.0]])
    mean, std = statistics.kernel_distance(x, y, num_subsets=3, subset_size=3)
    assert mean == pytest.approx(5.0 / 3.0, rel=1e-12) and std == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("k, precision", [(1, 0.0), (2, 0.4), (3, 0.6)])
def test_precision_recall_by_hand_in_one_dimension(k, precision):
    """Real points 0, 1, 3, 7, 15: their k-th neighbour distances are
    k = 1: 1, 1, 2, 4, 8 (balls covering [-1, 23]); k = 2: 3, 2, 3, 6, 12
    ([-3, 27]); k = 3: 7, 6, 4, 7, 14 ([-7, 29]). Generated -2, 25, 28, 100,
    200: inside for k = 1 none, k = 2 -2 and 25, k = 3 also 28. The generated
    balls' radii (k = 1: 27, 3, 3, 72, 100) cover every real point: recall 1."""
    real = np.array([0.0, 1.0, 3.0, 7.0, 15.0])[:, None]
    fake = np.array([-2.0, 25.0, 28.0, 100.0, 200.0])[:, None]
    assert scores.precision_recall(real, fake, k=k) == {"precision": precision, "recall": 1.0}
