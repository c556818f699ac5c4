"""compile(update="simultaneous"): both players' updates from one forward pass,
against the update worked out by hand on the linear networks of test_gan."""

import keras
import numpy as np
import pytest

from test_gan import B, C, LR_D, LR_G, REAL, W, compile_sgd, linear_gan, real_batch, reference_step, sigmoid, weights


def simultaneous_reference(real):
    """D(x) = w x + b, G = c, SGD: both gradients at (W, B, C), then applied."""
    real = np.asarray(real, np.float64)
    real_d, fake_d = sigmoid(W * real + B), sigmoid(W * C + B)
    # d/dl of 1/2 BCE(l, y) = 1/2 (D - y), averaged over the minibatch.
    grad_real, grad_fake = 0.5 * (real_d - 1), 0.5 * fake_d
    w = W - LR_D * np.mean(grad_real * real + grad_fake * C)
    b = B - LR_D * np.mean(grad_real + grad_fake)
    # G's non-saturating cost 1/2 softplus(-l) through the D before its update.
    c = C - LR_G * (-0.5 * (1 - fake_d)) * W
    d_loss = np.mean(-0.5 * np.log(real_d) - 0.5 * np.log(1 - fake_d))
    return dict(w=w, b=b, c=c, d_loss=d_loss, g_loss=-0.5 * np.log(fake_d))


def test_simultaneous_step_takes_both_gradients_before_either_update():
    gan = compile_sgd(linear_gan(), update="simultaneous")
    logs = gan.train_on_batch(real_batch(), return_dict=True)
    expected = simultaneous_reference(REAL)
    np.testing.assert_allclose(weights(gan), [expected["w"], expected["b"], expected["c"]], rtol=1e-5)
    # Both players' logged costs come from the same forward pass.
    np.testing.assert_allclose(logs["d_loss"], expected["d_loss"], rtol=1e-5)
    np.testing.assert_allclose(logs["g_loss"], expected["g_loss"], rtol=1e-5)
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 1


def test_simultaneous_differs_from_alternating_only_in_the_generator():
    alternating = compile_sgd(linear_gan())
    alternating.train_on_batch(real_batch())
    simultaneous = compile_sgd(linear_gan(), update="simultaneous")
    simultaneous.train_on_batch(real_batch())
    a, s = weights(alternating), weights(simultaneous)
    reference = reference_step(REAL)
    np.testing.assert_allclose(a, [reference["w"], reference["b"], reference["c"]], rtol=1e-5)
    # D's update is the same; G's goes through D before (not after) D's update.
    np.testing.assert_allclose(a[:2], s[:2], rtol=1e-6)
    assert abs(a[2] - s[2]) > 1e-3


def test_update_is_saved_in_the_compile_config(tmp_path):
    gan = compile_sgd(linear_gan(), update="simultaneous")
    gan.train_on_batch(real_batch())
    gan.save(tmp_path / "gan.keras")
    restored = keras.saving.load_model(tmp_path / "gan.keras")
    assert restored.update == "simultaneous"
    np.testing.assert_allclose(weights(restored), weights(gan))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"update": "parallel"}, "argument `update`. Expected one of ('alternating', 'simultaneous'). Received: update='parallel'"),
        ({"update": "simultaneous", "d_steps": 2}, "argument `d_steps`. Expected d_steps=1 with update='simultaneous'"),
    ],
)
def test_bad_update_arguments_raise_in_compile(kwargs, message):
    gan = linear_gan()
    with pytest.raises(ValueError, match=None) as error:
        compile_sgd(gan, **kwargs)
    assert message in str(error.value)
    assert not gan.compiled
