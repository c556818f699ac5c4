"""`SampleGrid`: a grid of images from fixed noise after every epoch."""

import os

import keras

from keras_gan import plotting
from keras_gan.validation import check_positive_int


class SampleGrid(keras.callbacks.Callback):
    """Writes `directory/epoch_NNNN.png`, images from fixed z, every epoch.

    The same `num_samples` latent vectors (`GAN.generate(num_samples,
    seed)`) are used at every epoch, so the grids show how one set of samples
    evolves. The generator runs in inference mode (`training=False`). Epochs
    are numbered from 1, as in `keras.callbacks.ModelCheckpoint`. Nothing is
    written outside `directory`.

    Args:
        directory: str or path-like, created if missing.
        num_samples: int >= 1, images per grid. Default 64 (8 x 8).
        num_rows: int or None, rows of the grid; default ceil(sqrt(n)).
        seed: int, seed of the fixed noise.

    Raises:
        ValueError: if `num_samples` is not a positive int.

    Example:
        ```python
        gan.fit(dataset, epochs=5, callbacks=[SampleGrid("run/samples")])
        ```
    """

    def __init__(self, directory, num_samples=64, num_rows=None, seed=0):
        super().__init__()
        self.directory = os.fspath(directory)
        self.num_samples = check_positive_int("num_samples", num_samples)
        self.num_rows = num_rows
        self.seed = seed

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(self.directory, exist_ok=True)
        plotting.save_image_grid(
            self.model.generate(self.num_samples, seed=self.seed).numpy(),
            os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png"),
            self.num_rows,
        )
