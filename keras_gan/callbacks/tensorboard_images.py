"""`TensorBoardImages`: sample grids as TensorBoard image summaries."""

import os

import keras
import tensorflow as tf

from keras_gan import distribute
from keras_gan import plotting
from keras_gan.validation import check_positive_int


class TensorBoardImages(keras.callbacks.Callback):
    """Writes a grid of samples from fixed z to TensorBoard after every epoch.

    Use it beside `keras.callbacks.TensorBoard(log_dir)` with the same
    `log_dir`: the scalars go to its `train/` run, the grids to a `samples/`
    run beside it, an image summary tagged `samples` at step = epoch (from
    0, as Keras's epoch scalars). Each grid is `image_grid` of
    `GAN.generate(num_samples, seed)`, float32 in [0, 1], shape
    `(1, height, width, channels)`. Nothing is written outside
    `log_dir/samples`, and under multi-worker training only the chief
    writes.

    Args:
        log_dir: str or path-like, the TensorBoard log directory.
        num_samples: int >= 1, images per grid. Default 16.
        num_rows: int or None, rows of the grid; default ceil(sqrt(n)).
        seed: int, seed of the fixed noise.

    Raises:
        ValueError: if `num_samples` is not a positive int.

    Example:
        ```python
        gan.fit(dataset, epochs=5, callbacks=[
            keras.callbacks.TensorBoard("run/tensorboard"),
            keras_gan.callbacks.TensorBoardImages("run/tensorboard"),
        ])
        # tensorboard --logdir run/tensorboard
        ```
    """

    def __init__(self, log_dir, num_samples=16, num_rows=None, seed=0):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.num_samples = check_positive_int("num_samples", num_samples)
        self.num_rows = num_rows
        self.seed = seed
        self._writer = None

    def on_train_begin(self, logs=None):
        # Multi-worker: only the chief writes.
        if distribute.is_chief(self.model.distribute_strategy):
            self._writer = tf.summary.create_file_writer(os.path.join(self.log_dir, "samples"))

    def on_epoch_end(self, epoch, logs=None):
        if self._writer is None:
            return
        grid = plotting.image_grid(
            self.model.generate(self.num_samples, seed=self.seed).numpy(), self.num_rows
        )
        with self._writer.as_default():
            tf.summary.image("samples", grid[None], step=epoch)
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None
