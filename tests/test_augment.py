"""DiffAugment and the adaptive probability on hand-made images."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import augment

SEED = tf.constant([5, 6], tf.int64)


def ramp(batch=4, side=28):
    """Distinct values in [-1, 1]: pixel (i, j) of image b is unique."""
    values = np.arange(batch * side * side, dtype=np.float32).reshape(batch, side, side, 1)
    return values / values.max() * 2 - 1


def test_translate_moves_a_known_pixel_by_the_shift_and_pads_with_zero():
    images = np.full((2, 8, 8, 1), -1.0, np.float32)
    images[:, 4, 3] = 1.0
    moved = augment.translate(images, tf.constant([[2, -1], [-3, 4]])).numpy()
    # out[i, j] = in[i + shift_row, j + shift_column]: the pixel goes to (4 - 2, 3 + 1) and (4 + 3, 3 - 4).
    assert list(zip(*np.nonzero(moved[0, ..., 0] == 1.0))) == [(2, 4)]
    assert moved[1].max() == 0.0  # shifted out of the image (column -1)
    np.testing.assert_array_equal(moved[0, 6:, :, 0], 0.0)  # rows filled from beyond the border
    np.testing.assert_array_equal(moved[0, :, :1, 0], 0.0)


def test_random_translation_stays_within_an_eighth_of_the_side():
    images = np.zeros((256, 28, 28, 1), np.float32)
    images[:, 14, 14] = 1.0
    moved = augment.random_translation(images, SEED).numpy()
    rows, columns = np.nonzero(moved[..., 0] == 1.0)[1:]
    shifts = set(zip(14 - rows, 14 - columns))
    assert augment.max_shift(28) == 4  # round(28 / 8)
    assert {r for r, _ in shifts} == set(range(-4, 5)) and {c for _, c in shifts} == set(range(-4, 5))


def test_cutout_zeroes_a_square_of_half_the_side():
    ones = np.ones((3, 28, 28, 2), np.float32)
    cut = augment.cutout(ones, tf.constant([[14, 14], [0, 0], [27, 10]]), (14, 14)).numpy()
    assert augment.cutout_size(28) == 14
    expected = np.ones((28, 28))
    expected[7:21, 7:21] = 0  # centre 14, from 14 - 7 for 14 pixels
    np.testing.assert_array_equal(cut[0, ..., 0], expected)
    np.testing.assert_array_equal(cut[0, ..., 1], expected)  # every channel
    assert (cut[1] == 0).sum() == 7 * 7 * 2  # clipped at the corner
    random = augment.random_cutout(np.ones((64, 28, 28, 1), np.float32), SEED).numpy()
    zeros = (random == 0).sum(axis=(1, 2, 3))
    assert zeros.max() == 14 * 14 and zeros.min() > 0


def test_color_transforms_per_sample_by_hand():
    images = ramp(batch=3, side=4)
    brightened = augment.brightness(images, SEED).numpy()
    offsets = (brightened - images)[:, 0, 0, 0]
    np.testing.assert_allclose(brightened - images, np.broadcast_to(offsets[:, None, None, None], images.shape), atol=1e-6)
    assert np.all(np.abs(offsets) <= 0.5) and len(set(offsets)) == 3
    # Contrast keeps each image's mean; saturation of a one-channel image is the identity.
    contrasted = augment.contrast(images, SEED).numpy()
    np.testing.assert_allclose(contrasted.mean(axis=(1, 2, 3)), images.mean(axis=(1, 2, 3)), atol=1e-6)
    np.testing.assert_allclose(augment.saturation(images, SEED), images, atol=1e-6)


def test_shapes_and_range_of_the_full_policy():
    images = ramp(batch=8)
    out = augment.DiffAugment().augment(images, SEED).numpy()
    assert out.shape == images.shape and out.dtype == np.float32
    # Colour moves values by at most: brightness 0.5, then saturation (identity on gray), contrast x1.5.
    assert np.abs(out).max() <= 1.5 * (1.5 + 1.5) and not np.allclose(out, images)


def test_probability_zero_is_the_identity_and_one_always_applies():
    images = ramp(batch=8)
    np.testing.assert_array_equal(augment.DiffAugment(probability=0.0).augment(images, SEED), images)
    adaptive = augment.DiffAugment(probability="adaptive")
    assert float(adaptive.p) == 0.0
    np.testing.assert_array_equal(adaptive.augment(images, SEED), images)  # p starts at 0
    cut = augment.DiffAugment("cutout").augment(np.ones((16, 28, 28, 1), np.float32), SEED).numpy()
    assert np.all((cut == 0).sum(axis=(1, 2, 3)) > 0)


def test_gradient_flows_from_d_to_g_through_the_augmentation():
    gan = keras_gan.GAN(
        keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
        keras_gan.architectures.dcgan_discriminator((8, 8, 1), width=2),
        augmentation="color,translation,cutout",
    )
    z = tf.random.normal((4, 4), seed=1)
    with tf.GradientTape() as tape:
        logits = gan.discriminator(augment.apply(gan.augmentation, gan.generator(z, training=True), SEED), training=True)
        total = tf.reduce_sum(logits)
    gradients = tape.gradient(total, gan.generator.trainable_variables)
    assert all(g is not None for g in gradients) and any(float(tf.reduce_max(tf.abs(g))) > 0 for g in gradients)


def test_adaptive_p_follows_the_sign_heuristic_by_hand():
    ada = augment.DiffAugment(probability="adaptive", adjust_every=2, adjust_images=12)
    ada.observe(tf.constant([[1.0], [-2.0], [3.0]]))
    assert float(ada.p) == 0.0 and float(ada.updates) == 1 and float(ada.sign_sum) == 1.0
    ada.observe(tf.constant([[4.0], [5.0], [0.5]]))
    # r_t = (1 - 1 + 1 + 1 + 1 + 1) / 6 = 2/3 > 0.6: p += 6 / 12.
    assert float(ada.p) == pytest.approx(0.5)
    assert float(ada.updates) == float(ada.sign_sum) == float(ada.real_count) == 0.0  # reset
    ada.observe(tf.constant([[1.0], [-1.0], [-1.0]]))
    ada.observe(tf.constant([[1.0], [1.0], [-1.0]]))
    # r_t = 0 < 0.6: p -= 6 / 12.
    assert float(ada.p) == pytest.approx(0.0)
    ada.observe(tf.constant([[-1.0]] * 3))
    ada.observe(tf.constant([[-1.0]] * 3))
    assert float(ada.p) == 0.0  # clipped at 0


@pytest.mark.slow
def test_augment_p_is_logged_and_restored_by_a_reloaded_gan(tmp_path):
    def build():
        keras.utils.set_random_seed(0)
        gan = keras_gan.GAN(
            keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
            keras_gan.architectures.dcgan_discriminator((8, 8, 1), width=2),
            seed=0,
            augmentation=augment.DiffAugment(probability="adaptive", target=0.1, adjust_every=1, adjust_images=40),
        )
        gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
        return gan

    images = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    gan = build()
    history = gan.fit(images, batch_size=4, epochs=1, verbose=0, shuffle=False)
    assert 0.0 < history.history["augment_p"][0] <= 0.4  # 4 adjustments of 4 / 40
    gan.save(tmp_path / "gan.keras")
    reloaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert float(reloaded.augmentation.p) == float(gan.augmentation.p)
    assert reloaded.augmentation.get_config() == gan.augmentation.get_config()
    after = [m.fit(images, batch_size=4, epochs=1, verbose=0, shuffle=False).history for m in (gan, reloaded)]
    assert after[0] == after[1]  # the same next epoch, augmentations included


def test_scheduled_p_follows_the_cosine_burn_in_by_d_updates_and_is_saved():
    """p from 0.2 to 0.6 over 400 images at 4 images per D update: before D
    update n, p = 0.2 + 0.4 (1 - cos(pi 4n / 400)) / 2; at n = 50 (200
    images, half-way) 0.4, from n = 100 on 0.6 (R3GAN's schedule of p)."""
    schedule = keras_gan.schedules.CosineBurnIn(0.2, 0.6, 400, images_per_step=4)
    augmentation = augment.DiffAugment("color", probability=schedule)
    assert float(augmentation.p) == pytest.approx(0.2)
    logits = tf.zeros((4, 1))
    for n in range(1, 121):
        augmentation.observe(logits)
        if n in (25, 50, 100, 120):
            want = 0.2 + 0.4 * (1 - np.cos(np.pi * min(4 * n / 400, 1.0))) / 2
            assert float(augmentation.p) == pytest.approx(want, abs=1e-6), n
    assert float(augmentation.p) == pytest.approx(0.6)
    config = augmentation.get_config()
    again = augment.DiffAugment.from_config(config)
    assert again.scheduled and again.probability.get_config() == schedule.get_config()
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]. Received: from 0.0 to 1.5"):
        augment.DiffAugment(probability=keras_gan.schedules.CosineBurnIn(0.0, 1.5, 10))


def test_train_py_schedules_p_from_its_flags(capsys):
    import argparse

    from keras_gan.run import build
    from keras_gan.run import cli

    flags = ["--augment", "color", "--augment-probability", "0", "--final-augment-probability", "0.55",
             "--burn-in-images", "1000", "--batch-size", "8"]
    gan = build.build_gan(argparse.Namespace(**cli.resolve(flags)[0]), (28, 28, 1))
    assert gan.augmentation.probability.get_config() == keras_gan.schedules.CosineBurnIn(0, 0.55, 1000, 8).get_config()
    with pytest.raises(SystemExit):
        cli.resolve(["--final-augment-probability", "0.5", "--burn-in-images", "1000"])
    assert "argument --final-augment-probability: expected --augment" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"policy": "flip"}, "policy.*color.*Received: policy='flip'"),
        ({"probability": 1.5}, r"probability.*\[0, 1\] or 'adaptive'"),
        ({"probability": "auto"}, "probability"),
        ({"target": 1.0}, "target"),
        ({"adjust_every": 0}, "adjust_every"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        augment.DiffAugment(**kwargs)
    with pytest.raises(ValueError, match="augmentation"):
        augment.get(3)


def test_colour_factors_recovered_per_sample_lie_in_their_ranges():
    """DiffAugment_tf.py's ranges: brightness b in [-0.5, 0.5), saturation s
    in [0, 2) about each pixel's channel mean (which it keeps), contrast c
    in [0.5, 1.5) about the image's mean (which it keeps). Each factor is
    recovered per sample from its output; 512 samples fill each range
    (a range widened by 0.1 at either end shows up with probability
    1 - (1/1.2)^512, certain)."""
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (512, 4, 4, 3)).astype(np.float32)

    brightness = (augment.brightness(images, SEED).numpy() - images).reshape(512, -1)
    np.testing.assert_allclose(brightness, brightness[:, :1].repeat(48, axis=1), atol=1e-6)  # one b per sample
    assert -0.5 <= brightness.min() < -0.49 and 0.49 < brightness.max() < 0.5

    saturated = augment.saturation(images, SEED).numpy()
    mean = images.mean(axis=3, keepdims=True)
    np.testing.assert_allclose(saturated.mean(axis=3, keepdims=True), mean, atol=1e-5)
    factors = ((saturated - mean) / (images - mean)).reshape(512, -1)
    np.testing.assert_allclose(factors, factors[:, :1].repeat(48, axis=1), rtol=1e-3, atol=1e-3)
    assert 0.0 <= factors.min() < 0.02 and 1.98 < factors.max() < 2.0

    contrasted = augment.contrast(images, SEED).numpy()
    mean = images.mean(axis=(1, 2, 3), keepdims=True)
    factors = ((contrasted - mean) / (images - mean)).reshape(512, -1)
    np.testing.assert_allclose(factors, factors[:, :1].repeat(48, axis=1), rtol=1e-3, atol=1e-3)
    assert 0.5 <= factors.min() < 0.51 and 1.49 < factors.max() < 1.5
