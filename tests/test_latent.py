"""Linear and spherical interpolation in the latent space, by hand."""

import math

import numpy as np
import pytest
import tensorflow as tf

from keras_gan import latent


def test_lerp_is_the_weighted_mean():
    a, b = tf.constant([2.0, -4.0]), tf.constant([4.0, 0.0])
    np.testing.assert_allclose(latent.lerp(a, b, 0.25), [2.5, -3.0])


def test_slerp_between_orthogonal_unit_vectors_follows_the_circle():
    a, b = tf.constant([1.0, 0.0]), tf.constant([0.0, 1.0])
    # omega = 90 degrees; t = 1/3 is 30 degrees along the arc.
    np.testing.assert_allclose(latent.slerp(a, b, 1 / 3), [math.cos(math.pi / 6), 0.5], atol=1e-6)
    np.testing.assert_allclose(latent.slerp(a, b, 0.5), [math.sqrt(0.5)] * 2, atol=1e-6)
    # The linear midpoint is shorter: |0.5 a + 0.5 b| = sqrt(1/2).
    assert float(tf.norm(latent.lerp(a, b, 0.5))) == pytest.approx(math.sqrt(0.5))


def test_slerp_of_parallel_vectors_falls_back_to_lerp():
    a = tf.constant([1.0, 2.0])
    np.testing.assert_allclose(latent.slerp(a, 3.0 * a, 0.5), [2.0, 4.0], rtol=1e-6)
    np.testing.assert_allclose(latent.slerp(a, a, 0.3), a, rtol=1e-6)


def test_interpolate_gives_paths_with_exact_endpoints():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 5)).astype("float32"), rng.normal(size=(3, 5)).astype("float32")
    for method in latent.METHODS:
        path = latent.interpolate(a, b, 4, method).numpy()
        assert path.shape == (3, 4, 5)
        np.testing.assert_allclose(path[:, 0], a, atol=1e-5)
        np.testing.assert_allclose(path[:, -1], b, atol=1e-5)
    np.testing.assert_allclose(latent.interpolate(a, b, 3, "linear")[:, 1], (a + b) / 2, atol=1e-6)


def test_spherical_midpoints_stay_on_the_gaussian_shell_linear_ones_do_not():
    """Seed 004's 0.5 a + 0.5 b under N(0, I) in d = 100 dimensions."""
    d = 100
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 2000, d)).astype("float32")
    linear = np.linalg.norm(latent.interpolate(a, b, 3, "linear")[:, 1], axis=-1)
    spherical = np.linalg.norm(latent.interpolate(a, b, 3, "spherical")[:, 1], axis=-1)
    endpoints = np.linalg.norm(a, axis=-1)
    # E|z| ~ sqrt(d) = 10 at the endpoints; the linear midpoint has variance
    # 1/2 per coordinate, so its norm is ~ sqrt(d / 2) = 7.07.
    assert endpoints.mean() == pytest.approx(math.sqrt(d), rel=0.01)
    assert linear.mean() == pytest.approx(math.sqrt(d / 2), rel=0.01)
    assert spherical.mean() == pytest.approx(math.sqrt(d), rel=0.01)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "cubic"}, "Expected one of \\('linear', 'spherical'\\). Received: method='cubic'"),
        ({"num_steps": 1}, "Expected an int >= 2.*Received: num_steps=1"),
        ({"b": np.zeros((2, 3))}, "Expected two tensors of one shape.*Received: shapes \\(2, 4\\) and \\(2, 3\\)"),
    ],
)
def test_interpolate_rejects_bad_arguments(kwargs, match):
    arguments = {"a": np.zeros((2, 4)), "b": np.ones((2, 4)), "num_steps": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        latent.interpolate(**arguments)
