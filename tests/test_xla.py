"""XLA: `jit_compile=True` passes through compile, and fit runs compiled."""

import keras
import numpy as np
import pytest

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


@pytest.mark.slow
def test_fit_with_jit_compile():
    gan = fit_compiled(tiny_dcgan(), d_steps=2)
    assert int(gan.d_optimizer.iterations.numpy()) == 8


@pytest.mark.slow
def test_fit_with_jit_compile_and_every_toolkit_option():
    gan = keras_gan.GAN(
        keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
        keras_gan.architectures.dcgan_discriminator((8, 8, 1), width=2, spectral_norm=True),
        ema_decay=0.9,
    )
    # A lazy penalty is a tf.cond inside D's tape, under XLA.
    gan = fit_compiled(gan, loss="hinge", gradient_penalty="r1", gradient_penalty_every=2)
    assert np.isfinite(gan.ema_generator.get_weights()[0]).all()


@pytest.mark.slow
def test_conditional_fit_with_jit_compile():
    gan = keras_gan.ConditionalGAN(
        keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2, num_classes=3),
        keras_gan.architectures.dcgan_discriminator((8, 8, 1), width=2, num_classes=3),
        num_classes=3,
    )
    fit_compiled(gan, np.arange(8) % 3)


@pytest.mark.slow
def test_reloaded_gan_keeps_jit_compile(tmp_path):
    gan = fit_compiled(tiny_dcgan())
    gan.save(tmp_path / "gan.keras")
    assert keras.saving.load_model(tmp_path / "gan.keras").jit_compile is True


def test_one_sgd_step_under_xla_is_algorithm_1_by_hand():
    from test_gan import REAL, compile_sgd, linear_gan, real_batch, reference_step, weights

    gan = compile_sgd(linear_gan(), jit_compile=True)
    logs = gan.train_on_batch(real_batch(), return_dict=True)
    expected = reference_step(REAL)
    np.testing.assert_allclose(weights(gan), [expected["w"], expected["b"], expected["c"]], rtol=1e-5)
    np.testing.assert_allclose(logs["d_loss"], expected["d_loss"], rtol=1e-5)


def test_hinge_and_r1_step_under_xla_by_hand():
    """Hinge: D's gradient in w is mean(-[r < 1] x + [f > -1] c), in b
    mean(-[r < 1] + [f > -1]); R1 adds gamma w (a linear D's input gradient
    is w). G then climbs the updated D: c <- c + lr_g w."""
    from test_penalties import B, C, LR_D, LR_G, REAL, W, d_weights, sgd_gan

    gamma = 0.5
    gan = sgd_gan(loss="hinge", gradient_penalty="r1", gradient_penalty_weight=gamma, jit_compile=True)
    gan.train_on_batch(REAL, return_dict=True)
    real = REAL.reshape(6, 4).astype(np.float64)
    r, f = real @ W + B, C @ W + B
    active_real, active_fake = (r < 1).astype(float), float(f > -1)
    assert 0 < active_real.sum() < 6  # both sides of the margin are exercised
    w = W - LR_D * (np.mean(-active_real[:, None] * real, axis=0) + active_fake * C + gamma * W)
    b = B - LR_D * (np.mean(-active_real) + active_fake)
    w_now, b_now = d_weights(gan)
    np.testing.assert_allclose(w_now, w, rtol=1e-5)
    np.testing.assert_allclose(b_now, b, rtol=1e-5)
    np.testing.assert_allclose(gan.generator.get_weights()[1], C + LR_G * w, rtol=1e-5)


def test_xla_draws_other_noise_than_the_default_path_from_the_same_seed():
    """A documented property (README: XLA): under jit_compile the update is
    the same, but XLA turns Philox's bits into floats its own way, so the
    same seed gives other z, of the same distribution."""
    import tensorflow as tf

    gan = tiny_dcgan()
    seed = tf.constant([3, 4], tf.int64)
    default = tf.function(gan.sample_latent)(4096, seed).numpy()
    compiled = tf.function(gan.sample_latent, jit_compile=True)(4096, seed).numpy()
    assert not np.allclose(default, compiled)
    for z in (default, compiled):  # 16,384 draws: standard errors 0.008 (mean), 0.011 (variance)
        assert abs(z.mean()) < 0.04 and abs(z.var() - 1) < 0.05
