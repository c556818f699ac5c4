"""SampleGrid and the plotting helpers behind it."""

import csv

import keras
import matplotlib.image
import numpy as np
import pytest

import keras_gan
from keras_gan import architectures
from keras_gan import plotting


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
    plotting.plot_history(path, tmp_path / "losses.png")
    assert matplotlib.image.imread(tmp_path / "losses.png").shape[0] > 100
