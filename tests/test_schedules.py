"""R3GAN's cosine burn-in and the quantities that follow it, by value.

The CIFAR-10 values at 5 M and 10 M images are
derived from brownvc/R3GAN `cosine_decay_with_warmup` with the CIFAR-10
preset: T = 20 M images, lr 2e-4 -> 5e-5, gamma 0.05 -> 0.005, beta_2
0.9 -> 0.99, EMA half-life 0 -> 5 M images, augmentation p 0 -> 0.55.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import optimizers
from keras_gan.schedules import CosineBurnIn

T = 20e6
CIFAR = {  # base, final, value at 5 M, value at 10 M
    "learning_rate": (2e-4, 5e-5, 1.78033e-4, 1.25e-4),
    "gamma": (0.05, 0.005, 0.0434099, 0.0275),
    "beta_2": (0.9, 0.99, 0.913180, 0.945),
    "ema_half_life": (0.0, 5e6, None, 2.5e6),
    "augment_p": (0.0, 0.55, None, 0.275),
}


@pytest.mark.parametrize("name", sorted(CIFAR))
def test_cifar10_schedules_at_5_and_10_million_images(name):
    base, final, at_5m, at_10m = CIFAR[name]
    schedule = CosineBurnIn(base, final, T, images_per_step=512)
    assert float(schedule.at_images(0)) == pytest.approx(base, rel=1e-6, abs=1e-12)
    if at_5m is not None:
        assert float(schedule.at_images(5e6)) == pytest.approx(at_5m, rel=1e-5)
    assert float(schedule.at_images(1e7)) == pytest.approx(at_10m, rel=1e-5)
    assert float(schedule.at_images(T)) == pytest.approx(final, rel=1e-6)
    assert float(schedule.at_images(3 * T)) == pytest.approx(final, rel=1e-6)  # held after T
    # By steps of 512 images: step s is 512 s images.
    assert float(schedule(10_000)) == pytest.approx(float(schedule.at_images(5_120_000)), rel=1e-6)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="`burn_in_images`"):
        CosineBurnIn(1.0, 0.0, 0)
    with pytest.raises(ValueError, match="`images_per_step`"):
        CosineBurnIn(1.0, 0.0, 10, images_per_step=0)


def test_ema_beta_from_a_half_life():
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    ema = keras_gan.ema.EMA(generator, half_life=CosineBurnIn(0.0, 5e6, T, images_per_step=512))
    assert float(ema.beta(1, 512)) == 0.0  # h(0) = 0: G_ema copies G
    assert float(ema.beta(1 + 10_000_000 // 512, 512)) == pytest.approx(0.5 ** (512 / 2.5e6), rel=1e-7)  # halfway
    assert float(ema.beta(1 + 40_000_000 // 512, 512)) == pytest.approx(0.99992902, rel=1e-7)  # 0.5 ** (512 / 5e6)
    assert float(keras_gan.ema.EMA(generator, half_life=10_000.0).beta(5, 64)) == pytest.approx(0.5 ** (64 / 1e4))


def test_adam_with_a_scheduled_beta_2_two_steps_by_hand():
    schedule = CosineBurnIn(0.9, 0.99, 2.0, images_per_step=1)  # beta_2 = 0.9 at step 0, 0.945 at step 1
    weight = keras.Variable(1.0)
    adam = optimizers.Adam(0.1, beta_1=0.0, beta_2=schedule, epsilon=1e-7)
    m = v = 0.0
    w = 1.0
    for step, gradient in enumerate((0.5, -2.0)):
        adam.apply_gradients([(tf.constant(gradient), weight)])
        beta_2 = 0.9 + (0.99 - 0.9) * (1 - np.cos(np.pi * step / 2.0)) / 2
        m = gradient  # beta_1 = 0
        v = v + (gradient**2 - v) * (1 - beta_2)
        alpha = 0.1 * np.sqrt(1 - beta_2 ** (step + 1)) / (1 - 0.0 ** (step + 1))
        w -= m * alpha / (np.sqrt(v) + 1e-7)
        assert float(weight) == pytest.approx(w, rel=1e-6)


def linear_gan(**kwargs):
    z = keras.Input((1,))
    generator = keras.Model(z, keras.layers.Reshape((1, 1, 1))(keras.layers.Dense(1)(z)))
    images = keras.Input((1, 1, 1))
    logits = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(0.5))(keras.layers.Flatten()(images))
    return keras_gan.GAN(generator, keras.Model(images, logits), seed=0, **kwargs)


def test_scheduled_gamma_and_its_round_trip_through_a_keras_file(tmp_path):
    gamma = CosineBurnIn(1.0, 0.0, 4.0, images_per_step=2)  # by D update: 1, 0.5, 0, 0
    gan = linear_gan(ema_half_life=CosineBurnIn(0.0, 100.0, 4.0, images_per_step=2))
    gan.compile(optimizers.Adam(0.0, beta_2=CosineBurnIn(0.9, 0.99, 4.0, images_per_step=2)),
                keras.optimizers.SGD(0.0), loss="relativistic_pairing", gradient_penalty="r1",
                gradient_penalty_weight=gamma)
    images = np.zeros((6, 1, 1, 1), np.float32)
    history = gan.fit(images, batch_size=2, epochs=1, verbose=0).history  # D updates 0, 1, 2 (learning rate 0)
    # R1 of D(x) = 0.5 x + b is gamma/2 * 0.25 per update; averaged over the three.
    assert history["gradient_penalty"][0] == pytest.approx((1.0 + 0.5 + 0.0) / 3 * 0.125, rel=1e-6)
    gan.save(tmp_path / "gan.keras")
    reloaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert reloaded.objective.gradient_penalty.weight.get_config() == gamma.get_config()
    assert reloaded.d_optimizer.beta_2_schedule.get_config() == gan.d_optimizer.beta_2_schedule.get_config()
    assert reloaded.ema_half_life.get_config() == gan.ema_half_life.get_config()
    assert int(reloaded.d_optimizer.iterations) == 3
