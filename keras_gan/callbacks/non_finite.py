"""`StopOnNonFinite`: a diverged run stops at once, before anything overwrites its last finite state."""

import math

import keras

from keras_gan.validation import first_non_finite_weight  # noqa: F401 - part of this module's API

# The costs whose running means the step logs: a NaN or inf in one update
# makes the epoch's running mean non-finite from that update on.
WATCHED = ("d_loss", "g_loss")


class NonFiniteError(RuntimeError):
    """Training produced a NaN or infinite cost or weight.

    Attributes:
        epoch: int, the 1-based epoch it happened in.
        update: int, the generator updates done when it was found.
        name: str, what was not finite (`d_loss`, `g_loss`, or a weight's path).
        value: float, the first non-finite value (nan, inf or -inf).
    """

    def __init__(self, epoch, update, name, value):
        self.epoch, self.update, self.name, self.value = epoch, update, name, value
        super().__init__(f"{name} is {value} at epoch {epoch}, generator update {update}: training diverged")


def generator_updates(model):
    """Generator updates done by a GAN (its G optimizer's iterations), or
    the single optimizer's."""
    optimizer = getattr(model, "g_optimizer", None) or model.optimizer
    return int(optimizer.iterations.numpy()) if optimizer is not None else 0


class StopOnNonFinite(keras.callbacks.Callback):
    """Stops `fit` at the first update whose `d_loss` or `g_loss` is NaN or
    infinite, or at an epoch's end whose weights are not all finite, by
    raising `NonFiniteError`.

    Put it first among the callbacks: `fit` ends inside this callback, so
    the callbacks after it (`keras_gan.callbacks.BackupAndRestore`,
    `keras.callbacks.ModelCheckpoint`, `QualityMetrics`' best export) never
    see the diverged state, and what they last wrote stays the last finite
    state. `BackupAndRestore` and `keras_gan.export.export_generator`
    refuse non-finite weights themselves, for a weight that turns non-finite
    while the costs still are finite. Keras's `TerminateOnNaN` only sets
    `stop_training`, after which the epoch's end still runs and writes.

    The check reads the running means the step already logs (one NaN or
    inf makes the mean non-finite), at each batch's end: no extra reduction
    in the step.

    Raises:
        NonFiniteError: naming the epoch (1-based), the generator updates
            done, the cost or weight and its value.
    """

    def __init__(self, watched=WATCHED):
        super().__init__()
        self.watched = tuple(watched)
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        for name in self.watched:
            if logs and name in logs:
                value = float(logs[name])
                if not math.isfinite(value):
                    raise NonFiniteError(self._epoch + 1, generator_updates(self.model), name, value)

    def on_epoch_end(self, epoch, logs=None):
        found = first_non_finite_weight(self.model)
        if found is not None:
            raise NonFiniteError(epoch + 1, generator_updates(self.model), *found)
