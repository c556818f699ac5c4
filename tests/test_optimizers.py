"""The 2014 recipe's schedules by value: the learning rate after n updates
(FlooredExponentialDecay), the momentum of epoch e (MomentumRamp), and the SGD
whose momentum a callback can change while training."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks import ForPlayer
from keras_gan.callbacks import MomentumRamp
from keras_gan.optimizers import SGD
from keras_gan.optimizers import FlooredExponentialDecay
from test_gan import linear_gan
from test_gan import real_batch


def test_learning_rate_of_the_2014_recipe_after_n_updates():
    schedule = FlooredExponentialDecay(0.1, 1, 1 / 1.000004, floor=1e-6)
    for step in (0, 1, 500, 125_000, 1_000_000):
        np.testing.assert_allclose(float(schedule(step)), 0.1 / 1.000004**step, rtol=1e-6)
    # 0.1 / 1.000004^n reaches 1e-6 after ln(1e5) / ln(1.000004) = 2.88e6 updates.
    assert float(schedule(2_870_000)) > 1e-6
    assert float(schedule(3_000_000)) == np.float32(1e-6)
    restored = FlooredExponentialDecay.from_config(schedule.get_config())
    assert restored.floor == 1e-6 and float(restored(500)) == float(schedule(500))
    with pytest.raises(ValueError, match="argument `floor`. Expected a number >= 0. Received: floor=-1"):
        FlooredExponentialDecay(0.1, 1, 0.5, floor=-1)


def test_momentum_of_epoch_e_is_pylearn2s_linear_ramp():
    ramp = MomentumRamp(0.7, start=1, saturate=250)
    assert ramp.momentum(1, 0.5) == 0.5
    np.testing.assert_allclose(ramp.momentum(2, 0.5), 0.5 + 0.2 / 249)
    np.testing.assert_allclose(ramp.momentum(125, 0.5), 0.5 + 0.2 * 124 / 249)
    assert ramp.momentum(250, 0.5) == ramp.momentum(400, 0.5) == pytest.approx(0.7)


def test_sgd_equals_keras_sgd_and_follows_its_momentum_variable():
    ours, theirs = keras.Variable([1.0, -2.0]), keras.Variable([1.0, -2.0])
    sgd, keras_sgd = SGD(0.1, momentum=0.5), keras.optimizers.SGD(0.1, momentum=0.5)
    gradient = np.array([0.3, -0.1], np.float32)
    for _ in range(3):
        sgd.apply_gradients([(gradient, ours)])
        keras_sgd.apply_gradients([(gradient, theirs)])
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    # velocity v = 0.9 v - 0.1 g after the momentum changes to 0.9.
    velocity = sgd.momentums[0].numpy().copy()
    sgd.momentum_variable.assign(0.9)
    sgd.apply_gradients([(gradient, ours)])
    np.testing.assert_allclose(sgd.momentums[0].numpy(), 0.9 * velocity - 0.1 * gradient, rtol=1e-6)
    assert sgd.get_config()["momentum"] == 0.5


def compile_ramped(gan):
    gan.compile(SGD(0.1, momentum=0.5), SGD(0.1, momentum=0.5))
    return gan


def test_ramp_sets_both_players_each_epoch_and_logs_it():
    gan = compile_ramped(linear_gan())
    history = gan.fit(real_batch(), batch_size=6, epochs=4, verbose=0, callbacks=[MomentumRamp(0.7, start=1, saturate=3)])
    np.testing.assert_allclose(history.history["momentum"], [0.5, 0.6, 0.7, 0.7], rtol=1e-6)
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        np.testing.assert_allclose(optimizer.momentum_variable.numpy(), 0.7, rtol=1e-6)


def test_ramp_through_for_player_sets_one_player():
    gan = compile_ramped(linear_gan())
    gan.fit(real_batch(), batch_size=6, epochs=3, verbose=0, callbacks=[ForPlayer(MomentumRamp(0.9, 1, 2), "generator")])
    np.testing.assert_allclose(gan.g_optimizer.momentum_variable.numpy(), 0.9, rtol=1e-6)
    np.testing.assert_allclose(gan.d_optimizer.momentum_variable.numpy(), 0.5, rtol=1e-6)


def test_ramp_refuses_keras_sgd_before_the_first_step():
    gan = linear_gan()
    gan.compile(keras.optimizers.SGD(0.1, momentum=0.5), keras.optimizers.SGD(0.1, momentum=0.5))
    with pytest.raises(ValueError, match="Expected a keras_gan.optimizers.SGD.*Received: SGD"):
        gan.fit(real_batch(), batch_size=6, epochs=1, verbose=0, callbacks=[MomentumRamp(0.7)])
    assert int(gan.d_optimizer.iterations) == 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"final_momentum": 1.5}, "argument `final_momentum`. Expected a float in [0, 1]. Received: final_momentum=1.5"),
        ({"final_momentum": 0.7, "start": 5, "saturate": 5}, "argument `saturate`. Expected an epoch after start=5"),
        ({"final_momentum": 0.7, "start": 0}, "argument `start`. Expected a positive int"),
    ],
)
def test_bad_ramp_arguments(kwargs, message):
    with pytest.raises(ValueError) as error:
        MomentumRamp(**kwargs)
    assert message in str(error.value)


def test_momentum_variable_is_saved_with_the_optimizer(tmp_path):
    gan = compile_ramped(linear_gan())
    gan.fit(real_batch(), batch_size=6, epochs=2, verbose=0, callbacks=[MomentumRamp(0.7, 1, 2)])
    gan.save(tmp_path / "gan.keras")
    restored = keras.saving.load_model(tmp_path / "gan.keras")
    assert isinstance(restored.g_optimizer, keras_gan.optimizers.SGD)
    np.testing.assert_allclose(restored.g_optimizer.momentum_variable.numpy(), 0.7, rtol=1e-6)
