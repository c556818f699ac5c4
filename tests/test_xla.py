"""XLA: `jit_compile=True` passes through compile, and fit runs compiled."""

import keras
import numpy as np

import keras_gan
from conftest import tiny_dcgan

IMAGES = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")


def fit_compiled(gan, *labels, **compile_kwargs):
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), jit_compile=True, **compile_kwargs)
    assert gan.jit_compile is True
    before = [w.copy() for w in gan.get_weights()]
    history = gan.fit(IMAGES, *labels, batch_size=4, epochs=2, verbose=0)
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert int(gan.g_optimizer.iterations.numpy()) == 4
    assert any(not np.array_equal(a, b) for a, b in zip(before, gan.get_weights()))
    return gan


def test_fit_with_jit_compile():
    gan = fit_compiled(tiny_dcgan(), d_steps=2)
    assert int(gan.d_optimizer.iterations.numpy()) == 8


def test_fit_with_jit_compile_and_every_toolkit_option():
    gan = keras_gan.GAN(
        keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
        keras_gan.architectures.dcgan_discriminator((8, 8, 1), width=2, spectral_norm=True),
        ema_decay=0.9,
    )
    # A lazy penalty is a tf.cond inside D's tape, under XLA.
    gan = fit_compiled(gan, loss="hinge", gradient_penalty="r1", gradient_penalty_every=2)
    assert np.isfinite(gan.ema_generator.get_weights()[0]).all()


def test_conditional_fit_with_jit_compile():
    gan = keras_gan.ConditionalGAN(
        keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2, num_classes=3),
        keras_gan.architectures.dcgan_discriminator((8, 8, 1), width=2, num_classes=3),
        num_classes=3,
    )
    fit_compiled(gan, np.arange(8) % 3)


def test_reloaded_gan_keeps_jit_compile(tmp_path):
    gan = fit_compiled(tiny_dcgan())
    gan.save(tmp_path / "gan.keras")
    assert keras.saving.load_model(tmp_path / "gan.keras").jit_compile is True
