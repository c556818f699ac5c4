"""Spectral normalization: Miyato et al.'s definition, the gradient through
sigma, and its power-iteration state as D's own (torch.nn.utils.spectral_norm's
semantics, written out here in NumPy)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import architectures
from keras_gan.architectures import SpectralNormalization
from conftest import require_crosscheck


def wrapped(layer, input_shape):
    keras.utils.set_random_seed(0)
    normalized = SpectralNormalization(layer)
    normalized.build((None, *input_shape))
    return normalized


@pytest.mark.parametrize(
    "layer, input_shape",
    [(keras.layers.Dense(7), (5,)), (keras.layers.Conv2D(4, 3), (6, 6, 3)), (architectures.Maxout(3, 2), (4,))],
)
def test_largest_singular_value_of_the_normalized_kernel_is_one(layer, input_shape):
    normalized = wrapped(layer, input_shape)
    # A kernel with a known, well separated top singular value.
    kernel = normalized.layer.kernel
    kernel.assign(3.0 * keras.random.normal(kernel.shape, seed=1))
    x = np.ones((2, *input_shape), np.float32)
    for _ in range(30):
        normalized(x, training=True)
    matrix = normalized.normalized_kernel().numpy().reshape(-1, kernel.shape[-1])
    assert np.linalg.svd(matrix, compute_uv=False)[0] == pytest.approx(1.0, rel=0.02)
    # The trainable parameter is W itself, untouched by the calls.
    assert [v.path.split("/")[-1] for v in normalized.trainable_variables] == ["kernel", "bias"]


def test_output_and_gradient_through_sigma_by_hand():
    normalized = wrapped(keras.layers.Dense(3), (4,))
    w = np.random.default_rng(1).normal(size=(4, 3))
    normalized.layer.kernel.assign(w)
    normalized.layer.bias.assign([0.1, -0.2, 0.3])
    u0 = normalized.u.numpy().astype(np.float64)  # v is recomputed from u first
    x = tf.constant(np.random.default_rng(2).normal(size=(2, 4)), tf.float32)
    upstream = np.random.default_rng(3).normal(size=(2, 3))
    with tf.GradientTape() as tape:
        y = normalized(x, training=True)
        loss = tf.reduce_sum(y * upstream)
    gradient = tape.gradient(loss, normalized.layer.kernel).numpy()

    # One power iteration in the kernel's (in, out) layout, u and v then constants.
    v = w @ u0 / np.linalg.norm(w @ u0)
    u = w.T @ v / np.linalg.norm(w.T @ v)
    sigma = v @ w @ u
    np.testing.assert_allclose(normalized.u.numpy(), u, rtol=1e-5)
    np.testing.assert_allclose(normalized.v.numpy(), v, rtol=1e-5)
    np.testing.assert_allclose(y, x.numpy() @ (w / sigma) + [0.1, -0.2, 0.3], rtol=1e-5)
    # L(W / sigma(W)), d sigma / dW = v u^T: dL/dW = G / sigma - <G, W> v u^T / sigma^2, G = x^T upstream.
    g = x.numpy().T @ upstream
    expected = g / sigma - np.sum(g * w) * np.outer(v, u) / sigma**2
    np.testing.assert_allclose(gradient, expected, rtol=1e-4, atol=1e-6)
    # Keras's own SpectralNormalization has no sigma term in the gradient.
    assert not np.allclose(gradient, g / sigma, rtol=1e-3)


def test_inference_uses_the_stored_vectors_without_updating_them():
    normalized = wrapped(keras.layers.Dense(3), (4,))
    u, v = normalized.u.numpy().copy(), normalized.v.numpy().copy()
    normalized(np.ones((2, 4), np.float32), training=False)
    np.testing.assert_array_equal(normalized.u.numpy(), u)
    np.testing.assert_array_equal(normalized.v.numpy(), v)


def power_vectors(model):
    return [v.numpy().copy() for v in model.non_trainable_variables if v.path.split("/")[-1] in ("u", "v")]


def test_power_iteration_vectors_change_in_d_updates_only():
    gan = keras_gan.GAN(
        architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
        architectures.dcgan_discriminator((8, 8, 1), width=2, spectral_norm=True),
        seed=0,
    )
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    before = power_vectors(gan.discriminator)
    assert len(before) == 2 * 2  # u and v of the one convolution (8x8: n = 1) and of the logit layer
    gan._g_step(tf.zeros((4, 8, 8, 1)), None, tf.constant([1, 2], tf.int64))
    for a, b in zip(before, power_vectors(gan.discriminator)):
        np.testing.assert_array_equal(a, b)
    gan._d_step(tf.zeros((4, 8, 8, 1)), None, tf.constant([1, 2], tf.int64))
    # Every vector moved, but the logit layer's u: of size 1, it stays +-1.
    moved = [not np.array_equal(a, b) for a, b in zip(before, power_vectors(gan.discriminator))]
    assert moved == [a.size > 1 for a in before] and moved.count(False) == 1


@pytest.mark.parametrize("name", ["dcgan", "mlp", "sngan", "resnet"])
def test_every_discriminator_builder_normalizes_each_kernel(name):
    _, make_discriminator = architectures.BUILDERS[name]
    for num_classes in (None, 3):
        discriminator = make_discriminator((16, 16, 1), num_classes=num_classes, spectral_norm=True)
        kernels = [v for v in discriminator.trainable_variables if v.path.split("/")[-1] in ("kernel", "embeddings")]
        wrappers = [layer for layer in discriminator._flatten_layers() if isinstance(layer, SpectralNormalization)]
        assert kernels and len(wrappers) == len(kernels)


def test_bad_spectral_norm_arguments_raise():
    with pytest.raises(ValueError, match="spectral_norm.*True or False.*Received: spectral_norm='yes'"):
        architectures.sngan_discriminator((16, 16, 1), spectral_norm="yes")
    with pytest.raises(ValueError, match="layer.*kernel.*Received: ReLU"):
        SpectralNormalization(keras.layers.ReLU()).build((None, 3))
    with pytest.raises(TypeError, match="spectral_norm"):
        architectures.dcgan_generator((16, 16, 1), spectral_norm=True)  # a generator builder cannot take it


@pytest.mark.slow
def test_torch_spectral_norm_gives_the_same_output_and_gradient():
    (torch,) = require_crosscheck("torch")
    normalized = wrapped(keras.layers.Dense(3), (4,))
    w = np.random.default_rng(4).normal(size=(4, 3)).astype(np.float32)
    normalized.layer.kernel.assign(w)
    linear = torch.nn.Linear(4, 3)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(w.T))
        linear.bias.copy_(torch.tensor(normalized.layer.bias.numpy()))
    linear = torch.nn.utils.spectral_norm(linear)
    with torch.no_grad():  # the same starting vectors (torch: u of size out, v of size in)
        linear.weight_u.copy_(torch.tensor(normalized.u.numpy()))
        linear.weight_v.copy_(torch.tensor(normalized.v.numpy()))
    x = np.random.default_rng(5).normal(size=(2, 4)).astype(np.float32)
    with tf.GradientTape() as tape:
        ours = tf.reduce_sum(normalized(x, training=True) ** 2)
    theirs = (linear(torch.tensor(x)) ** 2).sum()
    theirs.backward()
    np.testing.assert_allclose(float(ours), float(theirs.detach()), rtol=1e-5)
    ours_gradient = tape.gradient(ours, normalized.layer.kernel)
    np.testing.assert_allclose(ours_gradient, linear.weight_orig.grad.numpy().T, rtol=1e-4)
