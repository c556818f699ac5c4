"""R3GAN's networks: the paper's parameter counts exactly, the [1, 3, 3, 1]
resampling against an independent convolution, blocks that are the identity
at initialization, Fix-up's initialization, grouped convolution on CPU, and a
step of R3GAN's game through the networks (double backprop included)."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.architectures import r3gan


@pytest.mark.parametrize(
    "image_shape, preset, num_classes, counts",
    [
        ((32, 32, 3), "cifar10", 10, (20_781_952, 21_280_512)),  # Table 9: 20.78M / 21.28M
        ((64, 64, 3), "ffhq64", None, (22_429_824, 22_381_440)),  # Table 9: 22.43M / 22.38M
        ((32, 32, 3), "cifar10", None, (20_732_160, 20_683_776)),  # StackedMNIST's 20.73M / 20.68M
    ],
)
def test_parameter_counts_equal_the_papers(image_shape, preset, num_classes, counts):
    settings = r3gan.PRESETS[preset]
    generator = r3gan.r3gan_generator(image_shape, num_classes=num_classes, **settings)
    discriminator = r3gan.r3gan_discriminator(image_shape, num_classes=num_classes, **settings)
    assert (generator.count_params(), discriminator.count_params()) == counts


def reference_resample(x, direction):
    """upfirdn2d by plain convolutions, channel by channel: a = [1, 3, 3, 1] / 8."""
    a = np.array([1, 3, 3, 1], np.float32) / 8
    kernel = np.outer(a, a)[:, :, None, None]
    n, h, w, c = x.shape
    channels = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n * c, h, w, 1])
    if direction == "down":  # pad 1 each side, stride 2
        out = tf.nn.conv2d(tf.pad(channels, [[0, 0], [1, 1], [1, 1], [0, 0]]), kernel, 2, "VALID")
    else:  # transposed convolution with 4 K, stride 2, SAME (torch padding 1)
        out = tf.nn.conv2d_transpose(channels, 4 * kernel, [n * c, 2 * h, 2 * w, 1], 2, "SAME")
    return tf.transpose(tf.reshape(out, [n, c, *out.shape[1:3]]), [0, 2, 3, 1])


@pytest.mark.parametrize("direction", ["up", "down"])
def test_resampling_equals_upfirdn_by_convolution(direction):
    x = np.random.default_rng(0).normal(size=(2, 6, 8, 3)).astype("float32")
    np.testing.assert_allclose(r3gan.Resample(direction)(x), reference_resample(x, direction), atol=1e-6)


def test_resampling_values_by_hand():
    # Along height x = [1, 2, 4, 8]; along width a constant row of 4.
    column = np.array([1.0, 2.0, 4.0, 8.0], np.float32)[None, :, None, None] * np.ones((1, 1, 4, 1), np.float32)
    up = r3gan.Resample("up")(column).numpy()[0, :, :, 0]
    down = r3gan.Resample("down")(column).numpy()[0, :, :, 0]
    up_height = np.array([3 * 1, 3 * 1 + 2, 1 + 3 * 2, 3 * 2 + 4, 2 + 3 * 4, 3 * 4 + 8, 4 + 3 * 8, 3 * 8]) / 4
    up_width = np.array([3, 4, 4, 4, 4, 4, 4, 3]) / 4  # zeros beyond the border
    np.testing.assert_allclose(up, np.outer(up_height, up_width), rtol=1e-6)
    down_height = np.array([3 * 1 + 3 * 2 + 4, 2 + 3 * 4 + 3 * 8]) / 8
    down_width = np.array([3 + 3 + 1, 1 + 3 + 3]) / 8
    np.testing.assert_allclose(down, np.outer(down_height, down_width), rtol=1e-6)


def test_every_block_is_the_identity_at_initialization():
    x = keras.Input((8, 8, 32))
    block = keras.Model(x, r3gan.residual_block(x, groups=4, gain=1.0, name="block"))
    values = np.random.default_rng(1).normal(size=(2, 8, 8, 32)).astype("float32")
    np.testing.assert_array_equal(block(values), values)
    generator = r3gan.r3gan_generator((28, 28, 1), width=32, blocks=2)
    names = [layer.name for layer in generator.layers if layer.name.endswith("_project")]
    assert len(names) == 6 and all(not generator.get_layer(n).get_weights()[0].any() for n in names)


def test_fixup_initialization_of_the_paper_s_cifar10_blocks():
    generator = r3gan.r3gan_generator((32, 32, 3), **r3gan.PRESETS["cifar10"])
    gain = 1.3867505 * 8 ** -0.25  # L = 8 blocks: 0.8245668
    expand = generator.get_layer("stage0_block0_expand").kernel.numpy()
    grouped = generator.get_layer("stage0_block0_grouped").kernel.numpy()
    for kernel, fan_in in ((expand, 768), (grouped, 16 * 9)):
        std = gain / math.sqrt(fan_in)  # 0.0297540 and 0.0687139
        assert kernel.std() == pytest.approx(std, rel=0.01)
        assert np.abs(kernel).max() > 3.5 * std  # a normal, not truncated at 2 std
    assert not generator.get_layer("stage0_block0_expand").bias.numpy().any()  # biases start at 0


def test_grouped_convolution_by_groups_equals_tensorflow_s_and_a_loop_over_groups():
    x = tf.constant(np.random.default_rng(2).normal(size=(2, 6, 6, 32)).astype("float32"))
    layer = r3gan.GroupedConv2D(32, 3, padding="same", groups=4)
    native = keras.layers.Conv2D(32, 3, padding="same", groups=4)
    native.build(x.shape)
    layer.build(x.shape)
    native.set_weights(layer.get_weights())
    kernel = layer.kernel.numpy()  # (3, 3, 8, 32)
    loop = [tf.nn.conv2d(x[..., 8 * g:8 * g + 8], kernel[..., 8 * g:8 * g + 8], 1, "SAME") for g in range(4)]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ours, theirs = layer(x), native(x)
        ours_sum, theirs_sum = tf.reduce_sum(ours**2), tf.reduce_sum(theirs**2)
    np.testing.assert_allclose(ours, np.concatenate(loop, axis=-1), atol=1e-5)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    np.testing.assert_allclose(tape.gradient(ours_sum, x), tape.gradient(theirs_sum, x), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(tape.gradient(ours_sum, layer.kernel), tape.gradient(theirs_sum, native.kernel),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("jit_compile", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_a_step_of_r3gan_s_game_through_the_networks(jit_compile, tmp_path):
    """RpGAN + R1 + R2 (double backprop through grouped convolutions), with
    and without XLA; the .keras file holds the custom layers."""
    keras.utils.set_random_seed(0)
    gan = keras_gan.GAN(r3gan.r3gan_generator((8, 8, 1), latent_dim=4, width=8, blocks=1),
                        r3gan.r3gan_discriminator((8, 8, 1), width=8, blocks=1), seed=0)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99), keras.optimizers.Adam(1e-3, beta_1=0.0),
                loss="relativistic_pairing", gradient_penalty="r1_r2", gradient_penalty_weight=0.1,
                jit_compile=jit_compile)
    images = np.random.default_rng(3).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")
    logs = gan.fit(images, batch_size=4, epochs=1, verbose=0).history
    assert all(np.isfinite(v[0]) for v in logs.values()) and logs["gradient_penalty"][0] > 0
    if not jit_compile:
        gan.save(tmp_path / "r3gan.keras")
        reloaded = keras.saving.load_model(tmp_path / "r3gan.keras")
        np.testing.assert_array_equal(reloaded.generate(3, seed=1), gan.generate(3, seed=1))
