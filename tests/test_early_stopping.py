"""keras_gan.callbacks.StopWhenNoBetter: stops after `patience` evaluations
above the lowest Frechet distance, not before `min_epochs`, counting the
records a resumed QualityMetrics read back."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import tiny_dcgan


class ScriptedQuality(keras.callbacks.Callback):
    """Stands in for QualityMetrics: one record per epoch from a list."""

    frechet_name = "fcd10k_test"

    def __init__(self, values, restored=()):
        super().__init__()
        self.values = list(values)
        self.records = [{"metrics": {self.frechet_name: value}} for value in restored]

    def on_epoch_end(self, epoch, logs=None):
        self.records.append({"metrics": {self.frechet_name: self.values[epoch - self.first]}})

    def on_train_begin(self, logs=None):
        self.first = len(self.records)


def epochs_run(values, patience, min_epochs=0, restored=(), epochs=10):
    gan = tiny_dcgan()
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    quality = ScriptedQuality(values, restored)
    stop = keras_gan.callbacks.StopWhenNoBetter(quality, patience, min_epochs)
    history = gan.fit(np.zeros((4, 8, 8, 1), np.float32), batch_size=4, epochs=len(restored) + epochs,
                      initial_epoch=len(restored), verbose=0, callbacks=[quality, stop])
    return len(history.history["d_loss"]) + len(restored), stop.stopped_epoch


def test_stops_after_patience_evaluations_above_the_best():
    # Best 4.0 at epoch 2; epochs 3, 4, 5 are above it: with patience 3, stop after epoch 5.
    assert epochs_run([5.0, 4.0, 4.5, 4.2, 4.1, 3.0, 2.0], patience=3) == (5, 5)
    # A new best (3.9 at epoch 4) restarts the count: stop after epoch 7.
    assert epochs_run([5.0, 4.0, 4.5, 3.9, 4.1, 4.2, 4.3, 1.0], patience=3) == (7, 7)


def test_min_epochs_holds_it_back():
    assert epochs_run([5.0, 4.0, 4.5, 4.2, 4.1, 4.3, 1.0], patience=3, min_epochs=6) == (6, 6)


def test_a_resumed_run_counts_the_evaluations_read_back():
    # Restored: 5.0, 4.0, 4.5 (one above the best); two more above it end a patience of 3.
    assert epochs_run([4.2, 4.1, 3.0], patience=3, restored=[5.0, 4.0, 4.5]) == (5, 5)


def test_never_improving_is_not_a_stop_when_patience_is_not_used_up():
    assert epochs_run(list(np.linspace(5, 1, 10)), patience=2, epochs=10) == (10, None)


def test_bad_arguments():
    with pytest.raises(ValueError, match="argument `patience`. Expected a positive int"):
        keras_gan.callbacks.StopWhenNoBetter(None, 0)
    with pytest.raises(ValueError, match="argument `min_epochs`. Expected an int >= 0"):
        keras_gan.callbacks.StopWhenNoBetter(None, 1, -1)
