"""`SampleGrid`: a grid of images from fixed noise, per epoch or every N batches; `TranslationGrid`:
the same for an image-to-image model's fixed inputs."""

import glob
import os

import keras
import numpy as np

from keras_gan import distribute
from keras_gan import plotting
from keras_gan.validation import check_positive_int


class SampleGrid(keras.callbacks.Callback):
    """Writes image grids from fixed z as training goes, optionally a GIF.

    The same `num_samples` latent vectors (`GAN.generate(num_samples,
    seed)`) are used for every grid, so the grids show how one set of
    samples evolves. The generator runs in inference mode (`training=False`).
    Nothing is written outside `directory`, and under multi-worker training
    only the chief writes:

    - `epoch_NNNN.png` after every epoch, numbered from 1 as in
      `keras.callbacks.ModelCheckpoint`; or, with `every_n_batches=N`,
      `step_NNNNNNN.png` every N generator updates instead, numbered by the
      generator optimizer's iterations (so a resumed run continues the
      sequence);
    - with `gif=True`, `samples.gif` at the end of training: every grid of
      the directory in order, those of earlier (interrupted) runs included.

    Args:
        directory: str or path-like, created if missing.
        num_samples: int >= 1, images per grid. Default 64 (8 x 8).
        num_rows: int or None, rows of the grid; default ceil(sqrt(n)).
        seed: int, seed of the fixed noise.
        every_n_batches: int >= 1 or None (default: once per epoch).
        gif: bool, write `samples.gif` when training ends.
        frame_duration: float > 0, seconds per GIF frame.
        row_labels: None, or one str per row, e.g. a conditional GAN's
            class names (`plotting.save_image_grid`).

    Raises:
        ValueError: if `num_samples` or `every_n_batches` is not a positive
            int, or `frame_duration` is not > 0.

    Example:
        ```python
        gan.fit(dataset, epochs=5, callbacks=[SampleGrid("run/samples", gif=True)])
        ```
    """

    def __init__(
        self,
        directory,
        num_samples=64,
        num_rows=None,
        seed=0,
        every_n_batches=None,
        gif=False,
        frame_duration=0.5,
        row_labels=None,
    ):
        super().__init__()
        self.row_labels = None if row_labels is None else list(row_labels)
        self.directory = os.fspath(directory)
        self.num_samples = check_positive_int("num_samples", num_samples)
        self.num_rows = num_rows
        self.seed = seed
        if every_n_batches is not None:
            check_positive_int("every_n_batches", every_n_batches)
        self.every_n_batches = every_n_batches
        self.gif = gif
        if not frame_duration > 0:
            raise ValueError(
                "Invalid value for argument `frame_duration`. Expected seconds "
                f"> 0. Received: frame_duration={frame_duration!r}"
            )
        self.frame_duration = frame_duration
        self._prefix = "epoch" if every_n_batches is None else "step"

    def _write(self, name):
        if not distribute.is_chief(self.model.distribute_strategy):
            return  # multi-worker: only the chief writes
        os.makedirs(self.directory, exist_ok=True)
        plotting.save_image_grid(
            self.images(),
            os.path.join(self.directory, f"{name}.png"),
            self.num_rows,
            row_labels=self.row_labels,
        )

    def images(self):
        """The grid's images, float `(n, h, w, c)` in [-1, 1]: the GAN's
        samples from the fixed noise."""
        return self.model.generate(self.num_samples, seed=self.seed).numpy()

    def _step(self):
        return int(self.model.g_optimizer.iterations.numpy())

    def on_train_begin(self, logs=None):
        self._last_step = self._step() if self.every_n_batches else None

    def on_train_batch_end(self, batch, logs=None):
        if not self.every_n_batches:
            return
        step = self._step()
        # `//` rather than `%`: with steps_per_execution > 1 the step may
        # jump past a multiple of N.
        if step // self.every_n_batches > self._last_step // self.every_n_batches:
            self._write(f"step_{step:07d}")
        self._last_step = step

    def on_epoch_end(self, epoch, logs=None):
        if not self.every_n_batches:
            self._write(f"epoch_{epoch + 1:04d}")

    def on_train_end(self, logs=None):
        if not distribute.is_chief(self.model.distribute_strategy):
            return  # multi-worker: only the chief writes
        frames = sorted(glob.glob(os.path.join(glob.escape(self.directory), f"{self._prefix}_*.png")))
        if self.gif and frames:
            plotting.save_gif(frames, os.path.join(self.directory, "samples.gif"), self.frame_duration)


class TranslationGrid(SampleGrid):
    """`SampleGrid` for an image-to-image model (`keras_gan.Pix2Pix`): three
    rows, the fixed inputs x, the outputs G(x) (`translate`, inference
    mode) and the targets y, written as `SampleGrid` writes its grids.

    Args:
        directory: as `SampleGrid`.
        inputs, targets: arrays `(n, h, w, c_x)` and `(n, h, w, c_y)` in
            [-1, 1], c in {1, 3}; a grayscale row is shown in RGB beside a
            colour one.
        **kwargs: `SampleGrid`'s `every_n_batches`, `gif`, `frame_duration`.

    Raises:
        ValueError: as `SampleGrid`; for inputs and targets of different
            counts or sizes.
    """

    def __init__(self, directory, inputs, targets, **kwargs):
        inputs, targets = np.asarray(inputs, np.float32), np.asarray(targets, np.float32)
        if inputs.shape[:3] != targets.shape[:3]:
            raise ValueError(
                "Invalid value for argument `targets`. Expected one target of the inputs' size per input, "
                f"{inputs.shape[:3]}. Received: targets of shape {targets.shape}"
            )
        super().__init__(directory, num_samples=len(inputs), num_rows=3, row_labels=["x", "G(x)", "y"], **kwargs)
        self.inputs, self.targets = inputs, targets

    def images(self):
        rows = [self.inputs, np.asarray(self.model.translate(self.inputs)), self.targets]
        channels = max(row.shape[-1] for row in rows)
        return np.concatenate([np.repeat(row, channels // row.shape[-1], axis=-1) for row in rows])
