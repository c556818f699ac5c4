"""Mixed precision: loss scaling for float16, finite training for bfloat16."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import tiny_dcgan

IMAGES = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")


@pytest.fixture
def policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    try:
        yield request.param
    finally:
        keras.mixed_precision.set_global_policy("float32")


def toolkit_gan():
    """WGAN-GP on a spectrally normalized critic, with an EMA generator."""
    return keras_gan.GAN(
        keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
        keras_gan.architectures.sngan_discriminator((8, 8, 1), width=2, spectral_norm=True),
        ema_decay=0.9,
    )


@pytest.mark.parametrize(
    "policy, build, options",
    [
        ("mixed_bfloat16", tiny_dcgan, {}),
        pytest.param("mixed_bfloat16", toolkit_gan, {"loss": "wasserstein", "gradient_penalty": "wgan_gp", "d_steps": 2},
                     marks=pytest.mark.slow),
    ],
    indirect=["policy"],
)
def test_mixed_bfloat16_fit_stays_finite_with_float32_logs(policy, build, options):
    gan = build()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), **options)
    assert gan.generator.compute_dtype == "bfloat16"
    assert not isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)  # bfloat16 needs no scaling
    history = gan.fit(IMAGES, batch_size=4, epochs=2, verbose=0)
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert gan.generate(2, seed=0).dtype == "float32"
    assert all(np.isfinite(w).all() for w in gan.get_weights())


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_mixed_float16_wraps_both_optimizers_in_loss_scaling(policy):
    gan = tiny_dcgan()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
    history = gan.fit(IMAGES, batch_size=4, epochs=1, verbose=0)
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert int(gan.g_optimizer.iterations.numpy()) == 2


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_step_whose_gradients_overflow_is_skipped(policy):
    gan = tiny_dcgan()
    # A loss scale of 2^60: D's float16 gradients overflow to inf.
    d_optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=2.0**60)
    gan.compile(d_optimizer, keras.optimizers.SGD(0.1))
    before = [v.numpy().copy() for v in gan.discriminator.trainable_variables]
    gan.fit(IMAGES[:4], batch_size=4, epochs=1, verbose=0)
    for old, variable in zip(before, gan.discriminator.trainable_variables):
        np.testing.assert_array_equal(old, variable.numpy())  # not applied
    assert float(d_optimizer.dynamic_scale.numpy()) == 2.0**59  # halved for the next step
    assert int(d_optimizer.iterations.numpy()) == 0


@pytest.mark.parametrize(
    # Tolerances on the update (new weight - old): float16 keeps 11 significant
    # bits (a rounding of 2^-11 = 4.9e-4 per operation), bfloat16 8 (3.9e-3);
    # the step's chain of about ten operations gives 1e-2 and 5e-2. A lost
    # unscale (float16's loss scale 2^15 left in the gradient) is off by 32768.
    "policy, rtol",
    [("mixed_float16", 1e-2), ("mixed_bfloat16", 5e-2)],
    indirect=["policy"],
)
def test_one_sgd_step_is_algorithm_1_by_hand(policy, rtol):
    from test_gan import B, C, REAL, W, compile_sgd, linear_gan, real_batch, reference_step, weights

    gan = compile_sgd(linear_gan())
    assert gan.discriminator.compute_dtype == policy.split("_")[1]
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer) == (policy == "mixed_float16")
    logs = gan.train_on_batch(real_batch(), return_dict=True)
    expected = reference_step(REAL)
    start = np.array([W, B, C])
    np.testing.assert_allclose(
        np.array(weights(gan)) - start, np.array([expected["w"], expected["b"], expected["c"]]) - start, rtol=rtol
    )
    np.testing.assert_allclose(logs["d_loss"], expected["d_loss"], rtol=rtol)
