"""`.keras` save and load of the whole GAN, and its config round trip."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import architectures
from conftest import tiny_dcgan

IMAGES = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")


COMPILE = {"loss": "minimax", "d_steps": 2, "label_smoothing": 0.1}
# Every option of the toolkit at once: a game, a lazy penalty, spectral norm
# (toolkit_gan), an EMA generator.
TOOLKIT = {"loss": "hinge", "d_steps": 2, "gradient_penalty": "r1", "gradient_penalty_weight": 0.5,
           "gradient_penalty_every": 3}


def compiled(gan, options=COMPILE):
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.RMSprop(2e-3), **options)
    return gan


def mlp_gan():
    # Dropout: the networks' own RNG state must survive the round trip too.
    return keras_gan.GAN(
        architectures.mlp_generator((8, 8, 1), latent_dim=4, hidden_units=6),
        architectures.mlp_discriminator((8, 8, 1), units=3, pieces=2),
        latent_prior="uniform",
        seed=3,
    )


def toolkit_gan():
    return keras_gan.GAN(
        architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
        architectures.dcgan_discriminator((8, 8, 1), width=2, spectral_norm=True),
        seed=2,
        ema_decay=0.9,
    )


def fit_one_epoch(gan):
    return gan.fit(IMAGES, batch_size=8, epochs=1, verbose=0, shuffle=False).history


@pytest.mark.parametrize("build, options", [
    (tiny_dcgan, COMPILE),
    pytest.param(mlp_gan, COMPILE, marks=pytest.mark.slow),
    pytest.param(toolkit_gan, TOOLKIT, marks=pytest.mark.slow),
])
def test_reloaded_gan_continues_fit_exactly_where_it_stopped(build, options, tmp_path):
    keras.utils.set_random_seed(0)
    compiled(build(), options).save(tmp_path / "start.keras")
    load = keras.saving.load_model  # safe_mode on, no custom_objects
    straight, interrupted = load(tmp_path / "start.keras"), load(tmp_path / "start.keras")
    fit_one_epoch(straight)
    second_epoch = fit_one_epoch(straight)

    fit_one_epoch(interrupted)
    interrupted.save(tmp_path / "after_one_epoch.keras")
    reloaded = load(tmp_path / "after_one_epoch.keras")
    assert type(reloaded) is keras_gan.GAN
    # Compile state: costs, k, alpha, both optimizers with their slots
    # (2 steps of k = 2 D updates and 1 G update).
    assert reloaded.get_compile_config() == interrupted.get_compile_config()
    assert (reloaded.objective.loss, reloaded.d_steps) == (options["loss"], 2)
    assert isinstance(reloaded.g_optimizer, keras.optimizers.RMSprop)
    for name in ("d_optimizer", "g_optimizer"):
        saved, restored = getattr(interrupted, name), getattr(reloaded, name)
        assert int(restored.iterations) == int(saved.iterations) == {"d_optimizer": 4, "g_optimizer": 2}[name]
        for a, b in zip(saved.variables, restored.variables, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    # The same images for the same z, and the same next epoch to the bit.
    np.testing.assert_array_equal(reloaded.generate(4, seed=5).numpy(), interrupted.generate(4, seed=5).numpy())
    # Every variable, spectral-norm vectors and the EMA generator included.
    assert len(reloaded.variables) == len(interrupted.variables)
    for a, b in zip(interrupted.variables, reloaded.variables, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert fit_one_epoch(reloaded) == second_epoch
    for a, b in zip(straight.get_weights(), reloaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_gan_config_round_trips_exactly():
    gan = keras_gan.GAN(
        architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
        architectures.dcgan_discriminator((8, 8, 1), width=2),
        latent_prior="uniform",
        seed=9,
        ema_decay=0.99,
        name="my_gan",
    )
    config = gan.get_config()
    restored = keras_gan.GAN.from_config(config)
    assert restored.get_config() == config == gan.get_config()  # config intact
    assert (restored.name, restored.latent_dim, restored.latent_prior, restored.seed) == ("my_gan", 4, "uniform", 9)
    assert restored.ema_decay == 0.99 and restored.ema_generator is not None
    for options in (COMPILE, TOOLKIT):
        compiled(gan, options)
        restored.compile_from_config(gan.get_compile_config())
        assert restored.get_compile_config() == gan.get_compile_config()


def test_a_keras_loss_as_generator_cost_survives_the_round_trip(tmp_path):
    gan = tiny_dcgan()
    gan.compile(
        keras.optimizers.Adam(), keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True, reduction="sum")
    )
    gan.save(tmp_path / "gan.keras")
    cost = keras.saving.load_model(tmp_path / "gan.keras").objective.loss
    assert isinstance(cost, keras.losses.BinaryCrossentropy) and cost.reduction == "sum" and cost.from_logits
