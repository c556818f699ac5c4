"""The EMA generator: its update by value, and everything that samples uses it."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import architectures
from test_penalties import C, REAL, linear_gan


def compiled(gan):
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.2))
    return gan


def g_bias(model):
    return model.get_weights()[1].astype(np.float64)


@pytest.mark.parametrize("ema_decay", [0.5, 0.1])
def test_each_g_step_moves_the_average_by_the_warmed_up_decay(ema_decay):
    gan = compiled(linear_gan(ema_decay=ema_decay))
    np.testing.assert_array_equal(g_bias(gan.ema_generator), C.astype(np.float32))  # a copy at step 0
    ema = C.astype(np.float64)
    for t in (1, 2, 3):
        gan.train_on_batch(REAL)
        beta = min(ema_decay, (1 + t) / (10 + t))  # 2/11, 3/12, 4/13: the warm-up
        ema = beta * ema + (1 - beta) * g_bias(gan.generator)
        np.testing.assert_allclose(g_bias(gan.ema_generator), ema, rtol=1e-6)
    assert not np.allclose(g_bias(gan.ema_generator), g_bias(gan.generator))


def test_generate_export_and_callbacks_sample_the_ema_generator(tmp_path):
    gan = keras_gan.GAN(
        architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
        architectures.dcgan_discriminator((8, 8, 1), width=2),
        seed=0,
        ema_decay=0.9,
    )
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    gan.fit(np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32"), batch_size=4, verbose=0)
    z = gan.sample_latent(5, tf.constant([7, 0], tf.int64))
    ema_images = gan.ema_generator(z, training=False).numpy()
    np.testing.assert_array_equal(gan.generate(5, seed=7).numpy(), ema_images)
    raw = gan.generate(5, seed=7, ema=False).numpy()
    np.testing.assert_array_equal(raw, gan.generator(z, training=False).numpy())
    assert not np.allclose(raw, ema_images)
    # BatchNorm moving statistics are copied from G, not averaged.
    moving = [(a, b) for a, b in zip(gan.ema_generator.weights, gan.generator.weights) if "moving" in a.path]
    assert moving and all(np.array_equal(a.numpy(), b.numpy()) for a, b in moving)

    exported = tf.saved_model.load(keras_gan.export.export_generator(gan, tmp_path / "generator"))
    sampled = exported.signatures["sample"](num_samples=tf.constant(5), seed=tf.constant(7))["images"]
    np.testing.assert_allclose(sampled.numpy(), ema_images, atol=1e-6)
    raw_export = keras_gan.export.export_generator(gan, tmp_path / "raw", ema=False)
    raw_sampled = tf.saved_model.load(raw_export).signatures["sample"](num_samples=tf.constant(5), seed=tf.constant(7))
    np.testing.assert_allclose(raw_sampled["images"].numpy(), raw, atol=1e-6)


def test_no_ema_generator_without_a_decay():
    gan = linear_gan()
    assert gan.ema_generator is None and gan.sampling_generator() is gan.generator


@pytest.mark.parametrize("ema_decay", [0.0, 1.0, -0.5, 1.5, True, "0.999"])
def test_ema_decay_outside_the_open_unit_interval_raises(ema_decay):
    with pytest.raises(ValueError, match=r"ema_decay.*in \(0, 1\).*Received: ema_decay="):
        linear_gan(ema_decay=ema_decay)
