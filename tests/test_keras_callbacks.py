"""Keras's own callbacks on a GAN fit: checkpoints, backups, logs, stopping."""

import csv
import math
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from conftest import tiny_dcgan

IMAGES = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")
METRICS = ("d_loss", "g_loss", "d_real", "d_fake", "loss")


class BackupListing(keras.callbacks.Callback):
    """Records the backup directory's files after each epoch."""

    def __init__(self, directory):
        super().__init__()
        self.directory, self.listings = directory, []

    def on_epoch_end(self, epoch, logs=None):
        self.listings.append(sorted(os.listdir(self.directory)))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One fit with every callback at once: up to 6 epochs of 2 steps."""
    directory = tmp_path_factory.mktemp("run")
    keras.utils.set_random_seed(0)
    gan = tiny_dcgan()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(2e-3))
    backup = directory / "backup"
    listing = BackupListing(backup)
    callbacks = [
        keras_gan.callbacks.ForPlayer(keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5), "generator"),
        keras.callbacks.ModelCheckpoint(str(directory / "checkpoints" / "epoch_{epoch:02d}.keras")),
        keras.callbacks.ModelCheckpoint(
            str(directory / "weights" / "epoch_{epoch:02d}.weights.h5"), save_weights_only=True
        ),
        keras.callbacks.BackupAndRestore(str(backup)),
        listing,
        keras.callbacks.TensorBoard(str(directory / "tensorboard")),
        keras.callbacks.CSVLogger(str(directory / "history.csv")),
        # Never an improvement after the first epoch: stops after epoch 2.
        keras.callbacks.EarlyStopping("d_real", mode="max", min_delta=1e9, patience=1),
        keras.callbacks.TerminateOnNaN(),
    ]
    history = gan.fit(IMAGES, batch_size=4, epochs=6, verbose=0, shuffle=False, callbacks=callbacks)
    return gan, history.history, directory, listing


def test_early_stopping_on_a_gan_metric_stops_after_patience(run):
    gan, history, _, _ = run
    assert len(history["d_real"]) == 2
    assert int(gan.g_optimizer.iterations) == 4


def test_history_holds_every_metric_and_the_scheduled_learning_rate(run):
    _, history, _, _ = run
    assert sorted(history) == sorted([*METRICS, "g_learning_rate"])
    np.testing.assert_allclose(history["g_learning_rate"], [1e-3, 5e-4], rtol=1e-6)  # 2e-3 halved per epoch


def test_model_checkpoint_writes_loadable_keras_files_and_weights(run):
    gan, _, directory, _ = run
    assert sorted(os.listdir(directory / "checkpoints")) == ["epoch_01.keras", "epoch_02.keras"]
    assert sorted(os.listdir(directory / "weights")) == ["epoch_01.weights.h5", "epoch_02.weights.h5"]
    z = gan.sample_latent(4, tf.constant([1, 2], tf.int64))
    expected = gan.generate_from_latent(z).numpy()
    reloaded = keras.saving.load_model(directory / "checkpoints" / "epoch_02.keras")
    np.testing.assert_array_equal(reloaded.generate_from_latent(z).numpy(), expected)
    assert int(reloaded.g_optimizer.iterations) == 4
    fresh = tiny_dcgan(seed=5)
    fresh.load_weights(directory / "weights" / "epoch_02.weights.h5")
    np.testing.assert_array_equal(fresh.generate_from_latent(z).numpy(), expected)


def test_backup_and_restore_backs_up_each_epoch_then_cleans_up(run):
    _, _, directory, listing = run
    assert listing.listings == [["latest.weights.h5", "training_metadata.json"]] * 2
    assert not os.path.exists(directory / "backup")  # removed at the end of a finished fit


def test_csv_logger_rows_are_the_history(run):
    _, history, directory, _ = run
    with open(directory / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert [row["epoch"] for row in rows] == ["0", "1"]
    for name in METRICS:
        np.testing.assert_allclose([float(row[name]) for row in rows], history[name], rtol=1e-6)


def test_tensorboard_scalars_read_back_equal_the_history(run):
    from tensorboard.backend.event_processing import event_accumulator

    _, history, directory, _ = run
    events = event_accumulator.EventAccumulator(str(directory / "tensorboard" / "train"), size_guidance={"tensors": 0})
    events.Reload()
    for name in [*METRICS, "g_learning_rate"]:
        scalars = {e.step: float(tf.make_ndarray(e.tensor_proto)) for e in events.Tensors(f"epoch_{name}")}
        assert sorted(scalars) == [0, 1]
        np.testing.assert_allclose([scalars[0], scalars[1]], history[name], rtol=1e-6)


def test_terminate_on_nan_stops_at_the_bad_batch_and_earlier_checkpoints_load(tmp_path):
    # Epoch 1: 2 clean batches. Epoch 2: a clean batch, then a NaN one.
    images = np.concatenate([IMAGES, IMAGES[:4], np.full((4, 8, 8, 1), np.nan, "float32"), IMAGES])
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(4)
    gan = tiny_dcgan()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "epoch_{epoch:02d}.keras"))
    history = gan.fit(
        dataset, epochs=3, steps_per_epoch=2, verbose=0, callbacks=[checkpoint, keras.callbacks.TerminateOnNaN()]
    ).history
    assert int(gan.g_optimizer.iterations) == 4  # stopped at the NaN batch, not after epoch 3
    assert len(history["loss"]) == 2 and math.isnan(history["loss"][1]) and np.isfinite(history["loss"][0])
    # Keras still ends the epoch it stopped in, so ModelCheckpoint saved the
    # NaN weights as epoch 2: the checkpoint before it is the one to use.
    assert sorted(os.listdir(tmp_path)) == ["epoch_01.keras", "epoch_02.keras"]
    last_good = keras.saving.load_model(tmp_path / "epoch_01.keras")
    assert np.isfinite(last_good.generate(4, seed=0).numpy()).all()
    assert int(last_good.g_optimizer.iterations) == 2
