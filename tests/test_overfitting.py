"""keras_gan.callbacks.DiscriminatorOverfitting: D's mean logits and r_t on
training, held-out and generated images, by hand with fixed linear networks."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import tiny_dcgan

SHAPE = (2, 2, 1)


def fixed_gan(fake_value=0.3, pack=1):
    """G outputs `fake_value` everywhere; D's logit is the mean pixel of a
    pack (kernel 1 / (4 m), bias 0). Learning rates 0: nothing changes."""
    z = keras.Input((3,))
    bias = keras.initializers.Constant(fake_value)
    image = keras.layers.Dense(4, kernel_initializer="zeros", bias_initializer=bias)(z)
    generator = keras.Model(z, keras.layers.Reshape(SHAPE)(image))
    discriminator = keras.Sequential([
        keras.Input((2, 2, pack)),
        keras.layers.Flatten(),
        keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(1 / (4 * pack)), bias_initializer="zeros"),
    ])
    gan = keras_gan.GAN(generator, discriminator, seed=0, pack=pack)
    gan.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0))
    return gan


def images(*values):
    return np.stack([np.full(SHAPE, v, np.float32) for v in values])


def test_logs_the_mean_logits_gap_and_r_t_computed_by_hand():
    gan = fixed_gan()
    train = images(0.5, 0.5, -0.1)                 # logits 0.5, 0.5, -0.1: mean 0.3, r_t 1/3
    held_out = images(-0.2, 0.4, -0.4, 0.2)        # mean 0.0, r_t 0
    callback = keras_gan.callbacks.DiscriminatorOverfitting(train, held_out, batch_size=2)
    history = gan.fit(images(0.0, 0.0), epochs=2, batch_size=2, verbose=0, callbacks=[callback]).history
    assert history["d_logit_train"] == pytest.approx([0.3, 0.3])
    assert history["d_logit_held_out"] == pytest.approx([0.0, 0.0], abs=1e-7)
    assert history["d_logit_gap"] == pytest.approx([0.3, 0.3])
    assert history["d_logit_fake"] == pytest.approx([0.3, 0.3])  # G's constant 0.3
    assert history["r_t_train"] == pytest.approx([1 / 3, 1 / 3])
    assert history["r_t_held_out"] == [0.0, 0.0]


def test_every_epochs_measures_those_epochs_and_logs_nan_between(tmp_path):
    gan = fixed_gan()
    callback = keras_gan.callbacks.DiscriminatorOverfitting(images(0.5), images(0.1), every_epochs=2)
    csv_logger = keras.callbacks.CSVLogger(str(tmp_path / "history.csv"))
    history = gan.fit(images(0.0, 0.0), epochs=4, batch_size=2, verbose=0, callbacks=[callback, csv_logger]).history
    for name in callback.NAMES:
        assert len(history[name]) == 4 and np.isnan(history[name][0]) and np.isnan(history[name][2]), name
    assert history["d_logit_gap"][1] == pytest.approx(0.4) and history["d_logit_gap"][3] == pytest.approx(0.4)
    # CSVLogger fixes its columns at the first epoch: the measured epochs are in the file.
    rows = (tmp_path / "history.csv").read_text().splitlines()
    gap = rows[0].split(",").index("d_logit_gap")
    values = [float(row.split(",")[gap]) for row in rows[1:]]
    assert np.isnan(values[0]) and values[1::2] == pytest.approx([0.4, 0.4])


def test_packs_of_two_are_scored_together_and_sets_cut_to_whole_packs():
    gan = fixed_gan(pack=2)
    # Packs (0.6, 0.2) and (1.0, 0.0); the fifth image is dropped. Logit: the pack's mean pixel.
    train = images(0.6, 0.2, 1.0, 0.0, 9.0)
    callback = keras_gan.callbacks.DiscriminatorOverfitting(train, images(-0.3, -0.1), batch_size=3)
    history = gan.fit(images(0.0, 0.0, 0.0, 0.0), epochs=1, batch_size=4, verbose=0, callbacks=[callback]).history
    assert history["d_logit_train"] == pytest.approx([0.45])
    assert history["d_logit_held_out"] == pytest.approx([-0.2])
    assert history["r_t_held_out"] == [-1.0]


def test_bad_arguments_are_refused_naming_them():
    overfitting = keras_gan.callbacks.DiscriminatorOverfitting
    with pytest.raises(ValueError, match="argument `held_out_images`. Expected images of the training images' shape"):
        overfitting(images(0.1), np.zeros((2, 3, 3, 1)))
    with pytest.raises(ValueError, match="argument `train_images`. Expected a non-empty array"):
        overfitting(np.zeros((0, 2, 2, 1)), images(0.1))
    with pytest.raises(ValueError, match="argument `train_labels`. Expected one label per image"):
        overfitting(images(0.1, 0.2), images(0.1), train_labels=[1], held_out_labels=[0])
    with pytest.raises(ValueError, match="Expected both"):
        overfitting(images(0.1), images(0.1), train_labels=[1])
    with pytest.raises(ValueError, match="every_epochs"):
        overfitting(images(0.1), images(0.1), every_epochs=0)
    gan = tiny_dcgan()
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    labelled = overfitting(np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 8, 1)), train_labels=[0, 1], held_out_labels=[1, 0])
    with pytest.raises(ValueError, match="only for a ConditionalGAN"):
        gan.fit(np.zeros((4, 8, 8, 1), np.float32), epochs=1, batch_size=4, verbose=0, callbacks=[labelled])
