"""keras_gan's callbacks and the plotting helpers behind them."""

import csv
import os

import keras
import matplotlib.image
import numpy as np
import PIL.Image
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import architectures
from keras_gan import plotting
from conftest import tiny_dcgan

IMAGES = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")


def fitted(callbacks, epochs=2, gan=None, **kwargs):
    """A tiny GAN fitted on 8 images in batches of 4 (2 steps per epoch)."""
    gan = gan or tiny_dcgan()
    if not gan.compiled:
        gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    history = gan.fit(IMAGES, batch_size=4, epochs=epochs, verbose=0, shuffle=False, callbacks=callbacks, **kwargs)
    return gan, history


def read_png(path):
    return matplotlib.image.imread(path)[..., 0]


def expected_png(images, num_rows=None):
    """What save_image_grid writes: the grid, each pixel a 2x2 block."""
    return plotting.image_grid(images.numpy(), num_rows)[..., 0].repeat(2, 0).repeat(2, 1)


def test_image_grid_tiles_row_by_row_with_white_padding():
    images = np.stack([np.full((2, 3, 1), v, np.float32) for v in (-1.0, 0.0, 1.0)])
    grid = plotting.image_grid(images, num_rows=2, padding=1)
    # 2 rows x 2 columns of 2x3 tiles, 1 pixel of padding: 5 x 7.
    assert grid.shape == (5, 7, 1)
    np.testing.assert_array_equal(grid[0:2, 0:3], 0.0)  # -1 -> 0
    np.testing.assert_array_equal(grid[0:2, 4:7], 0.5)  # 0 -> 0.5
    np.testing.assert_array_equal(grid[3:5, 0:3], 1.0)  # 1 -> 1
    np.testing.assert_array_equal(grid[3:5, 4:7], 1.0)  # empty cell: white
    np.testing.assert_array_equal(grid[2, :], 1.0)  # padding row


def test_sample_grid_writes_one_png_per_epoch_from_fixed_noise(tmp_path):
    gan = keras_gan.GAN(
        architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
        architectures.dcgan_discriminator((8, 8, 1), width=2),
    )
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    grid = keras_gan.callbacks.SampleGrid(tmp_path / "samples", num_samples=4, seed=5)
    gan.fit(np.zeros((8, 8, 8, 1), "float32"), batch_size=4, epochs=2, verbose=0, callbacks=[grid])
    assert sorted(p.name for p in (tmp_path / "samples").iterdir()) == ["epoch_0001.png", "epoch_0002.png"]
    png = matplotlib.image.imread(tmp_path / "samples" / "epoch_0002.png")
    # 2 x 2 tiles of 8x8 with 2 pixels of padding = 18 pixels, scaled by 2.
    assert png.shape[:2] == (36, 36)
    # The grid shows generator(z) for the callback's fixed z.
    expected = plotting.image_grid(gan.generate(4, seed=5).numpy()).repeat(2, 0).repeat(2, 1)
    np.testing.assert_allclose(png[..., 0], expected[..., 0], atol=1 / 255 + 1e-6)
    assert list(tmp_path.iterdir()) == [tmp_path / "samples"]


def test_sample_grid_rejects_bad_num_samples(tmp_path):
    with pytest.raises(ValueError, match="num_samples.*Received: num_samples=0"):
        keras_gan.callbacks.SampleGrid(tmp_path, num_samples=0)


def test_plot_history_writes_a_png(tmp_path):
    path = tmp_path / "history.csv"
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["epoch", "d_fake", "d_loss", "d_real", "g_loss"])
        writer.writerows([[0, 0.3, 0.6, 0.7, 0.5], [1, 0.4, 0.65, 0.6, 0.4]])
    drawn = plotting.plot_history(path, tmp_path / "losses.png")
    assert matplotlib.image.imread(tmp_path / "losses.png").shape[0] > 100
    # Each series as drawn equals its CSV column, epochs counted from 1.
    assert drawn == {
        "d_loss": ([1, 2], [0.6, 0.65]), "g_loss": ([1, 2], [0.5, 0.4]),
        "d_real": ([1, 2], [0.7, 0.6]), "d_fake": ([1, 2], [0.3, 0.4]),
    }


def test_plot_history_draws_raw_scores_and_the_penalty(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("epoch,d_fake_score,d_loss,d_real_score,g_loss,gradient_penalty\n0,-2.5,1.5,3.0,2.5,0.1\n")
    drawn = plotting.plot_history(path, tmp_path / "losses.png")
    assert drawn == {
        "d_loss": ([1], [1.5]), "g_loss": ([1], [2.5]), "gradient_penalty": ([1], [0.1]),
        "d_real_score": ([1], [3.0]), "d_fake_score": ([1], [-2.5]),
    }


def test_sample_grid_every_n_batches_numbers_grids_by_generator_step(tmp_path):
    grid = keras_gan.callbacks.SampleGrid(tmp_path, num_samples=4, every_n_batches=3, gif=True)
    fitted([grid], epochs=3)  # 6 generator steps
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samples.gif", "step_0000003.png", "step_0000006.png"]


def test_sample_grid_gif_holds_every_epoch_of_a_resumed_run(tmp_path):
    def grid():
        return keras_gan.callbacks.SampleGrid(tmp_path, num_samples=4, gif=True, frame_duration=0.25)

    gan, _ = fitted([grid()], epochs=1)
    fitted([grid()], epochs=3, gan=gan, initial_epoch=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "epoch_0001.png", "epoch_0002.png", "epoch_0003.png", "samples.gif"
    ]
    with PIL.Image.open(tmp_path / "samples.gif") as gif:
        assert gif.n_frames == 3 and gif.info["duration"] == 250 and gif.info["loop"] == 0
        gif.seek(2)  # the last frame is the last grid
        last = np.asarray(gif.convert("L"), np.float32) / 255
    np.testing.assert_allclose(last, read_png(tmp_path / "epoch_0003.png"), atol=2 / 255)


def test_latent_interpolation_rows_are_paths_between_fixed_pairs(tmp_path):
    callback = keras_gan.callbacks.LatentInterpolation(tmp_path, num_pairs=2, num_steps=5, seed=3)
    gan, _ = fitted([callback], epochs=1)
    z = callback.latent_paths().numpy().reshape(2, 2, 5, 4)  # pairs, methods, steps, latent_dim
    a, b = np.split(gan.sample_latent(4, tf.constant([3, 0], tf.int64)).numpy(), 2)
    for method in (0, 1):  # linear, spherical: same endpoints
        np.testing.assert_allclose(z[:, method, 0], a, atol=1e-5)
        np.testing.assert_allclose(z[:, method, -1], b, atol=1e-5)
    np.testing.assert_allclose(z[:, 0, 2], 0.5 * a + 0.5 * b, atol=1e-6)  # seed 004's midpoint
    # The spherical midpoint (a + b) / (2 cos(w / 2)), whose squared norm is
    # (|a|^2 + |b|^2 + 2 |a| |b| c) / (2 (1 + c)) with c = cos w.
    r1, r2 = np.linalg.norm(a, axis=-1), np.linalg.norm(b, axis=-1)
    c = np.sum(a * b, axis=-1) / (r1 * r2)
    np.testing.assert_allclose(
        np.linalg.norm(z[:, 1, 2], axis=-1), np.sqrt((r1**2 + r2**2 + 2 * r1 * r2 * c) / (2 * (1 + c))), rtol=1e-5
    )
    images = gan.generate_from_latent(z.reshape(-1, 4))
    np.testing.assert_allclose(read_png(tmp_path / "epoch_0001.png"), expected_png(images, 4), atol=1 / 255 + 1e-6)


def event_tensors(directory, tag):
    """{step: value} of a tag in the TensorBoard event files of `directory`."""
    from tensorboard.backend.event_processing import event_accumulator

    events = event_accumulator.EventAccumulator(str(directory), size_guidance={"tensors": 0})
    events.Reload()
    return {e.step: tf.make_ndarray(e.tensor_proto) for e in events.Tensors(tag)}


def test_tensorboard_images_writes_a_grid_per_epoch(tmp_path):
    callback = keras_gan.callbacks.TensorBoardImages(tmp_path, num_samples=4, seed=2)
    gan, _ = fitted([callback], epochs=2)
    assert os.listdir(tmp_path) == ["samples"]
    images = event_tensors(tmp_path / "samples", "samples")
    assert sorted(images) == [0, 1]
    width, height, png = images[1]  # an image summary: width, height, PNG bytes
    grid = plotting.image_grid(gan.generate(4, seed=2).numpy())
    assert (int(width), int(height)) == (grid.shape[1], grid.shape[0])
    decoded = tf.io.decode_png(png).numpy()[..., 0] / 255
    np.testing.assert_allclose(decoded, grid[..., 0], atol=1 / 255 + 1e-6)


def test_for_player_points_learning_rate_callbacks_at_one_optimizer(tmp_path):
    gan = tiny_dcgan()
    gan.compile(keras.optimizers.SGD(0.4), keras.optimizers.SGD(0.1))
    halve_d = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    # Never an improvement after the first epoch: reduce by 10x every epoch.
    plateau_g = keras.callbacks.ReduceLROnPlateau("g_loss", factor=0.1, patience=1, min_delta=1e9, mode="min")
    _, history = fitted(
        [
            keras_gan.callbacks.ForPlayer(halve_d, "discriminator"),
            keras_gan.callbacks.ForPlayer(plateau_g, "generator"),
        ],
        epochs=3,
        gan=gan,
    )
    # The scheduler runs at each epoch's start: 0.4 -> 0.2, 0.1, 0.05.
    np.testing.assert_allclose(history.history["d_learning_rate"], [0.2, 0.1, 0.05], rtol=1e-6)
    # The plateau callback logs before it reduces: 0.1, 0.1, 0.01; then 0.001.
    np.testing.assert_allclose(history.history["g_learning_rate"], [0.1, 0.1, 0.01], rtol=1e-6)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(0.001)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(0.05)
    assert "learning_rate" not in history.history


def test_unwrapped_learning_rate_callbacks_are_refused_before_training():
    gan = tiny_dcgan()
    gan.compile(keras.optimizers.SGD(0.4), keras.optimizers.SGD(0.1))
    for callback in (
        keras.callbacks.ReduceLROnPlateau("g_loss", mode="min"),
        keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr),
        keras.callbacks.TensorBoard("unused", write_steps_per_second=True),
    ):
        with pytest.raises(ValueError, match=f"ForPlayer.*Received: {type(callback).__name__}"):
            gan.fit(IMAGES, batch_size=4, verbose=0, callbacks=[callback])
    assert int(gan.d_optimizer.iterations) == 0


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda p: keras_gan.callbacks.ForPlayer(keras.callbacks.History(), "critic"), "Received: player='critic'"),
        (lambda p: keras_gan.callbacks.ForPlayer(print, "generator"), "Expected a keras.callbacks.Callback"),
        (lambda p: keras_gan.callbacks.SampleGrid(p, every_n_batches=0), "Received: every_n_batches=0"),
        (lambda p: keras_gan.callbacks.SampleGrid(p, frame_duration=0), "Received: frame_duration=0"),
        (lambda p: keras_gan.callbacks.LatentInterpolation(p, num_steps=1), "Received: num_steps=1"),
        (lambda p: keras_gan.callbacks.LatentInterpolation(p, methods=("cubic",)), "Received: methods=\\('cubic',\\)"),
        (lambda p: keras_gan.callbacks.TensorBoardImages(p, num_samples=-1), "Received: num_samples=-1"),
    ],
)
def test_callbacks_reject_bad_arguments(tmp_path, make, match):
    with pytest.raises(ValueError, match=match):
        make(tmp_path)


def test_backup_and_restore_writes_whole_backups_and_survives_a_kill_between_renames(tmp_path):
    backup = tmp_path / "backup"
    keras.utils.set_random_seed(0)
    gan, _ = fitted([keras_gan.callbacks.BackupAndRestore(backup, delete_checkpoint=False)], epochs=1)
    assert sorted(os.listdir(tmp_path)) == ["backup"]  # no .partial left; one save, no .previous yet
    assert sorted(os.listdir(backup)) == ["COMPLETE", "latest.weights.h5", "training_metadata.json"]
    assert keras_gan.callbacks.BackupAndRestore.restored_epoch(backup) == 1
    saved = [w.copy() for w in gan.get_weights()]
    # A kill after the old backup was moved aside, before the new one took its place.
    os.replace(backup, tmp_path / "backup.previous")

    class Record(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.weights = self.model.get_weights()

    record = Record()
    resumed, history = fitted(
        [keras_gan.callbacks.BackupAndRestore(backup, delete_checkpoint=False), record], epochs=3, gan=tiny_dcgan(seed=9)
    )
    for a, b in zip(saved, record.weights):
        np.testing.assert_array_equal(a, b)  # restored from the previous backup, seed states included
    assert len(history.history["loss"]) == 2  # epochs 2 and 3
    assert int(resumed.g_optimizer.iterations.numpy()) == 6
    assert sorted(os.listdir(tmp_path)) == ["backup", "backup.previous"]  # the newest and the one before
    assert keras_gan.callbacks.BackupAndRestore.restored_epoch(backup) == 3
    assert keras_gan.callbacks.BackupAndRestore.restored_epoch(tmp_path / "backup.previous") == 2
