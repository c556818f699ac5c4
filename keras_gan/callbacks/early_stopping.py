"""`StopWhenNoBetter`: early stopping on `QualityMetrics`' Frechet distance that survives a resume."""

import keras

from keras_gan.validation import check_positive_int


class StopWhenNoBetter(keras.callbacks.Callback):
    """Stops training once the Frechet distance has not improved for a while.

    After each epoch, when at least `min_epochs` epochs are done, training
    stops if the last `patience` evaluations of `quality` (a
    `QualityMetrics` placed before this callback) are all above the lowest
    Frechet distance so far (`fcd10k_test`, `fid10k_test`, ...; lower is
    better). `keras.callbacks.EarlyStopping(monitor=..., patience=...,
    start_from_epoch=...)` does the same within one `fit`, but forgets its
    count when a preempted run resumes; this one counts from
    `quality.records`, which a resumed `QualityMetrics` reads back from its
    `jsonl_path`, so a resumed run stops at the epoch an uninterrupted one
    would. The epoch it stopped after is `stopped_epoch` (None if it did not).

    Args:
        quality: a `keras_gan.callbacks.QualityMetrics`.
        patience: int >= 1, evaluations without a new lowest distance.
        min_epochs: int >= 0, epochs before training may stop (default 0).

    Raises:
        ValueError: if `patience` is not a positive int or `min_epochs` is
            negative.
    """

    def __init__(self, quality, patience, min_epochs=0):
        super().__init__()
        self.quality = quality
        self.patience = check_positive_int("patience", patience)
        self.min_epochs = check_positive_int("min_epochs", min_epochs, minimum=0)
        self.stopped_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        values = [record["metrics"][self.quality.frechet_name] for record in self.quality.records]
        if epoch + 1 < self.min_epochs or not values:
            return
        since_best = len(values) - 1 - values.index(min(values))
        if since_best >= self.patience:
            self.model.stop_training = True
            self.stopped_epoch = epoch + 1
