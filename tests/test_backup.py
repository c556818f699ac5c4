"""Preemptible machines: mid-epoch backups, signals, damaged backups."""

import json
import os
import signal
import warnings

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks import BackupAndRestore
from conftest import tiny_dcgan

IMAGES = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype("float32")
STEPS, EPOCHS = 8, 3  # 8 batches of 8 per epoch


def dataset():
    return keras_gan.data.from_arrays(IMAGES, batch_size=8, value_range=(-1, 1), seed=0)


def new_gan():
    keras.utils.set_random_seed(0)
    gan = tiny_dcgan(seed=0)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    return gan


class Kill(keras.callbacks.Callback):
    """Stops the process (an exception) after `step` generator updates."""

    def __init__(self, step, how="raise"):
        super().__init__()
        self.step, self.how = step, how

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.g_optimizer.iterations.numpy()) == self.step:
            if self.how == "sigterm":
                os.kill(os.getpid(), signal.SIGTERM)  # handled after this batch
            else:
                raise KeyboardInterrupt


def run(backup_dir, callbacks=(), save_freq=3):
    gan = new_gan()
    backup = BackupAndRestore(backup_dir, save_freq=save_freq, delete_checkpoint=False)
    history = keras_gan.training.fit_resumable(
        gan, dataset, EPOCHS, backup, steps_per_epoch=STEPS, callbacks=list(callbacks), verbose=0, shuffle=False
    )
    return gan, history


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    gan, history = run(tmp_path_factory.mktemp("straight") / "backup")
    return [w.copy() for w in gan.get_weights()], history


def assert_same_run(gan, history, straight, epochs_run):
    weights, full_history = straight
    for a, b in zip(weights, gan.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    # The resumed epochs log exactly what the uninterrupted run logged.
    assert history == {key: values[-epochs_run:] for key, values in full_history.items()}


@pytest.mark.slow
def test_killed_mid_epoch_resumes_bit_identical(tmp_path, straight):
    backup_dir = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        run(backup_dir, [Kill(13)])  # epoch 2, batch 5; last backup after step 12 (every 3 batches)
    metadata = json.loads((backup_dir / "training_metadata.json").read_text())
    assert (metadata["epoch"], metadata["batch"], metadata["step"]) == (1, 4, 12)
    # One replica: the total and count of the 4 Means (d_loss, g_loss, d_real, d_fake).
    assert np.shape(metadata["metrics"]) == (1, 4 * 2)
    gan, history = run(backup_dir)
    assert int(gan.g_optimizer.iterations.numpy()) == EPOCHS * STEPS
    assert_same_run(gan, history, straight, epochs_run=2)


@pytest.mark.slow
def test_sigterm_finishes_the_step_writes_a_backup_and_raises(tmp_path, straight):
    backup_dir = tmp_path / "backup"
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(keras_gan.callbacks.Preempted, match="Received SIGTERM: stopped after generator step 10") as stop:
        run(backup_dir, [Kill(10, how="sigterm")], save_freq="epoch")
    assert stop.value.signal_number == signal.SIGTERM and stop.value.step == 10
    assert signal.getsignal(signal.SIGTERM) is previous  # handlers restored
    metadata = json.loads((backup_dir / "training_metadata.json").read_text())
    assert (metadata["epoch"], metadata["batch"], metadata["step"]) == (1, 2, 10)
    gan, history = run(backup_dir, save_freq="epoch")
    assert_same_run(gan, history, straight, epochs_run=2)


def damage(path, how):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if how == "truncated" else b"not an hdf5 file at all" * 10)


@pytest.mark.parametrize("how", ["truncated", pytest.param("garbage", marks=pytest.mark.slow)])
def test_a_damaged_backup_falls_back_to_the_previous_with_a_warning(tmp_path, how, straight):
    backup_dir = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        run(backup_dir, [Kill(13)])
    assert json.loads((tmp_path / "backup.previous" / "training_metadata.json").read_text())["step"] == 9
    damage(backup_dir / "latest.weights.h5", how)
    with pytest.warns(UserWarning, match=r"backup/latest.weights.h5 could not be loaded.*generator step 9.*3 generator "
                                         r"steps are lost.*backup.damaged") as record:
        gan, history = run(backup_dir)
    assert len([r for r in record if "could not be loaded" in str(r.message)]) == 1
    assert (tmp_path / "backup.damaged" / "latest.weights.h5").exists()  # kept, not deleted
    assert_same_run(gan, history, straight, epochs_run=2)


def test_both_backups_damaged_is_one_error_naming_the_files(tmp_path):
    backup_dir = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        run(backup_dir, [Kill(13)])
    damage(backup_dir / "latest.weights.h5", "truncated")
    damage(tmp_path / "backup.previous" / "latest.weights.h5", "garbage")
    with warnings.catch_warnings(), pytest.raises(keras_gan.callbacks.BackupError) as error:
        run(backup_dir)
    message = str(error.value)
    assert "\n" not in message and "Move these directories aside" in message
    assert str(backup_dir / "latest.weights.h5") in message and str(tmp_path / "backup.previous") in message


@pytest.mark.slow
def test_a_kill_while_rotating_leaves_two_complete_backups(tmp_path, straight):
    backup_dir = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        run(backup_dir, [Kill(13)])
    # Killed after the new backup was verified and the previous retired, before the renames ended.
    os.replace(tmp_path / "backup.previous", tmp_path / "backup.retired")
    os.replace(backup_dir, tmp_path / "backup.previous")
    assert BackupAndRestore.resume_point(backup_dir) == (1, 4)  # found at backup.previous
    gan, history = run(backup_dir)
    assert_same_run(gan, history, straight, epochs_run=2)


def test_load_weights_names_a_damaged_file(tmp_path):
    gan = new_gan()
    path = tmp_path / "gan.weights.h5"
    gan.save_weights(path)
    damage(path, "truncated")
    with pytest.raises(OSError, match=f"Could not read the weights file {path}: truncated"):
        gan.load_weights(path)
    gan.save(tmp_path / "gan.keras")
    damage(tmp_path / "gan.keras", "truncated")
    with pytest.raises(ValueError, match="gan.keras"):  # Keras's own message names it
        keras.saving.load_model(tmp_path / "gan.keras")


class StopAtEpochEnd(keras.callbacks.Callback):
    """Stops training at the end of its first epoch, as StopWhenNoBetter does."""

    def on_epoch_end(self, epoch, logs=None):
        self.model.stop_training = True


def test_a_callback_that_stops_the_rest_of_a_resumed_epoch_ends_the_run(tmp_path):
    # Resumed mid-epoch, fit_resumable runs the epoch's rest as one fit, then
    # the remaining epochs as a second: a stop in the first ends the run.
    backup_dir = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        run(backup_dir, [Kill(13)])  # the last backup after step 12, in epoch 2
    gan, history = run(backup_dir, [StopAtEpochEnd()])
    assert int(gan.g_optimizer.iterations.numpy()) == 2 * STEPS  # epoch 2's end, no epoch 3
    assert len(history["d_loss"]) == 1


class EpochEnds(keras.callbacks.Callback):
    """Records every on_epoch_end: (epoch, generator updates done)."""

    def __init__(self):
        super().__init__()
        self.ends = []

    def on_epoch_end(self, epoch, logs=None):
        self.ends.append((epoch, int(self.model.g_optimizer.iterations.numpy())))


@pytest.mark.slow
@pytest.mark.parametrize("last_step", [STEPS * 2, STEPS * EPOCHS])
def test_a_signal_after_an_epochs_last_step_resumes_with_that_epochs_end(tmp_path, straight, last_step):
    # SIGTERM during an epoch's last step: the backup holds the whole epoch
    # (batch == STEPS) but its end never ran. The resumed run ends that
    # epoch (History row, callbacks' on_epoch_end) before the next, and ends
    # (a fit of the 0 steps left would never end on an endless stream).
    backup_dir = tmp_path / "backup"
    with pytest.raises(keras_gan.callbacks.Preempted):
        run(backup_dir, [Kill(last_step, how="sigterm")], save_freq="epoch")
    metadata = json.loads((backup_dir / "training_metadata.json").read_text())
    epoch = last_step // STEPS - 1
    assert (metadata["epoch"], metadata["batch"], metadata["step"]) == (epoch, STEPS, last_step)
    ends = EpochEnds()
    gan, history = run(backup_dir, [ends], save_freq="epoch")
    assert ends.ends == [(e, (e + 1) * STEPS) for e in range(epoch, EPOCHS)]
    assert_same_run(gan, history, straight, epochs_run=EPOCHS - epoch)
    metadata = json.loads((backup_dir / "training_metadata.json").read_text())
    assert (metadata["epoch"], metadata["batch"], metadata["step"]) == (EPOCHS, 0, EPOCHS * STEPS)


def test_a_stop_at_the_end_of_a_backed_up_last_step_ends_the_run(tmp_path):
    backup_dir = tmp_path / "backup"
    with pytest.raises(keras_gan.callbacks.Preempted):
        run(backup_dir, [Kill(STEPS, how="sigterm")], save_freq="epoch")
    gan, history = run(backup_dir, [StopAtEpochEnd()])
    assert int(gan.g_optimizer.iterations.numpy()) == STEPS  # epoch 1's end only
    assert len(history["d_loss"]) == 1


def test_a_backup_further_into_its_epoch_than_steps_per_epoch_is_refused(tmp_path):
    backup_dir = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        run(backup_dir, [Kill(13)])  # backup at epoch 1, batch 4
    backup = BackupAndRestore(backup_dir, delete_checkpoint=False)
    with pytest.raises(ValueError, match="steps_per_epoch.*at least the 4 batches.*Received: steps_per_epoch=3"):
        keras_gan.training.fit_resumable(new_gan(), dataset, EPOCHS, backup, steps_per_epoch=3, verbose=0)
