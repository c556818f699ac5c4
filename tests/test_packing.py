"""Packing (PacGAN): D's input shape, the regrouping of a minibatch into packs
(all real or all generated, consecutive samples), and one step by hand."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import packing
from test_gan import LATENT_DIM, LR_D, LR_G, sigmoid

W1, W2, B, C = 0.5, -0.3, 0.2, 0.3
REAL = np.array([0.9, -0.4, 0.1, 0.7, -0.8, 0.5], np.float32)


def test_pack_samples_concatenates_consecutive_samples_along_the_last_axis():
    images = np.arange(4 * 2 * 3 * 2, dtype=np.float32).reshape(4, 2, 3, 2)
    packed = packing.pack_samples(tf.constant(images), 2).numpy()
    assert packed.shape == (2, 2, 3, 4)
    np.testing.assert_array_equal(packed[1], np.concatenate([images[2], images[3]], axis=-1))
    vectors = np.arange(6 * 2, dtype=np.float32).reshape(6, 2)
    packed = packing.pack_samples(tf.constant(vectors), 3).numpy()
    np.testing.assert_array_equal(packed, [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])
    assert packing.pack_samples(vectors, 1) is vectors
    assert packing.packed_shape((28, 28, 1), 4) == (28, 28, 4) and packing.packed_shape((2,), 2) == (4,)


def packed_linear_gan(**kwargs):
    """G = c (the kernel is 0), D(x_a, x_b) = w1 x_a + w2 x_b + b on packs of 2."""
    z = keras.Input((LATENT_DIM,))
    x = keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(C))(z)
    generator = keras.Model(z, keras.layers.Reshape((1, 1, 1))(x))
    images = keras.Input((1, 1, 2))
    logits = keras.layers.Dense(
        1, kernel_initializer=keras.initializers.Constant([[W1], [W2]]), bias_initializer=keras.initializers.Constant(B)
    )(keras.layers.Flatten()(images))
    gan = keras_gan.GAN(generator, keras.Model(images, logits), seed=0, pack=2, **kwargs)
    gan.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(LR_G))
    return gan


def test_one_step_on_packs_by_hand():
    """Real packs (x0, x1), (x2, x3), (x4, x5); generated packs (c, c): a mixed
    or strided regrouping would give other weights."""
    gan = packed_linear_gan()
    logs = gan.train_on_batch(REAL.reshape(-1, 1, 1, 1), return_dict=True)
    first, second = REAL[0::2].astype(np.float64), REAL[1::2].astype(np.float64)
    real_d, fake_d = sigmoid(W1 * first + W2 * second + B), sigmoid((W1 + W2) * C + B)
    grad_real, grad_fake = 0.5 * (real_d - 1), 0.5 * fake_d  # per pack, d/dlogit
    w1 = W1 - LR_D * np.mean(grad_real * first + grad_fake * C)
    w2 = W2 - LR_D * np.mean(grad_real * second + grad_fake * C)
    b = B - LR_D * np.mean(grad_real + grad_fake)
    # G: 6 samples, 3 packs (c, c) through the updated D; dl/dc = w1 + w2.
    g_fake_d = sigmoid((w1 + w2) * C + b)
    c = C - LR_G * (-0.5 * (1 - g_fake_d)) * (w1 + w2)
    (kernel, bias), (_, g_bias) = gan.discriminator.get_weights(), gan.generator.get_weights()
    np.testing.assert_allclose([kernel[0, 0], kernel[1, 0], bias[0], g_bias[0]], [w1, w2, b, c], rtol=1e-5)
    d_loss = np.mean(-0.5 * np.log(real_d) - 0.5 * np.log(1 - fake_d))
    np.testing.assert_allclose([logs["d_loss"], logs["d_real"], logs["d_fake"]], [d_loss, real_d.mean(), fake_d], rtol=1e-5)


def test_discriminator_must_take_packed_inputs():
    z = keras.Input((LATENT_DIM,))
    generator = keras.Model(z, keras.layers.Reshape((1, 1, 1))(keras.layers.Dense(1)(z)))
    images = keras.Input((1, 1, 1))
    discriminator = keras.Model(images, keras.layers.Dense(1)(keras.layers.Flatten()(images)))
    with pytest.raises(ValueError, match=r"generator's output shape packed by pack=3, \(None, 1, 1, 3\)\. Received: a discriminator with input shape \(None, 1, 1, 1\)"):
        keras_gan.GAN(generator, discriminator, pack=3)


def test_batch_must_hold_whole_packs():
    gan = packed_linear_gan()
    with pytest.raises(ValueError, match="Expected a multiple of d_steps \\* pack=2 .* Received: a batch of 5 images"):
        gan.train_on_batch(REAL[:5].reshape(-1, 1, 1, 1))


@pytest.mark.parametrize("pack", [0, -2, 1.5, "2"])
def test_pack_must_be_a_positive_int(pack):
    z = keras.Input((LATENT_DIM,))
    generator = keras.Model(z, keras.layers.Dense(2)(z))
    points = keras.Input((2,))
    discriminator = keras.Model(points, keras.layers.Dense(1)(points))
    with pytest.raises(ValueError, match=f"Invalid value for argument `pack`.*Received: pack={pack!r}"):
        keras_gan.GAN(generator, discriminator, pack=pack)


def test_pack_refuses_conditional_gans_and_penalties():
    generator = keras_gan.architectures.mlp_generator((2, 2, 1), latent_dim=3, hidden_units=4, num_classes=2)
    discriminator = keras_gan.architectures.mlp_discriminator((2, 2, 2), units=2, pieces=2, num_classes=2)
    with pytest.raises(ValueError, match="Expected pack=1 for a conditional GAN"):
        keras_gan.ConditionalGAN(generator, discriminator, num_classes=2, pack=2)
    gan = packed_linear_gan()
    with pytest.raises(ValueError, match="argument `gradient_penalty`. Expected None with pack > 1"):
        gan.compile(keras.optimizers.SGD(), keras.optimizers.SGD(), gradient_penalty="r1")


def test_packed_gan_round_trips(tmp_path):
    gan = packed_linear_gan()
    gan.train_on_batch(REAL.reshape(-1, 1, 1, 1))
    gan.save(tmp_path / "gan.keras")
    restored = keras.saving.load_model(tmp_path / "gan.keras")
    assert restored.pack == 2
    for a, b in zip(gan.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)
