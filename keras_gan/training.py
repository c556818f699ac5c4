"""`fit_resumable`: `fit` that resumes from a backup, in the middle of an epoch too."""

import warnings

import keras
import tensorflow as tf

from keras_gan.validation import check_callback, check_positive_int


def fit_resumable(gan, dataset, epochs, backup, steps_per_epoch=None, callbacks=(), **fit_kwargs):
    """Trains `gan` for `epochs`, resuming from `backup` where it stopped.

    The data are one stream of epochs, `dataset.repeat()`: a run resumed
    after n generator updates skips the n batches already used, so it sees
    the batches an uninterrupted run would (make `dataset` reshuffle from a
    seed, as `keras_gan.data`'s loaders do). When the newest backup was
    taken in the middle of an epoch, the rest of that epoch runs first, as
    one `fit` call of the remaining steps whose metrics continue from the
    backup's running means; then the remaining epochs, in a second `fit`.
    A backup taken after an epoch's last update (a signal there) holds the
    epoch's updates but not its end: what `fit` runs after an epoch's last
    step (the callbacks' `on_epoch_end`: evaluations, the History row, the
    epoch's backup, early stopping) runs first, with the backup's metrics.
    A callback that sets `model.stop_training` (e.g.
    `keras_gan.callbacks.StopWhenNoBetter`) ends the run in either.

    Give `dataset` as a function that builds it: each `fit` then reads a
    dataset of its own. tf.data's reshuffling keeps its state in the dataset
    object (each new iterator over it gets the next epoch's order), so a
    second `fit` over the same object would see other batches than an
    uninterrupted run; with a dataset object and a mid-epoch backup, a
    warning says so. With
    `tf.config.experimental.enable_op_determinism()`, the result is
    bit-identical to a run that never stopped, on one device and under a
    distribution strategy: weights, optimizers, the random state, History
    rows and the callbacks' outputs.

    Args:
        gan: a compiled `keras_gan.GAN`.
        dataset: a function returning a `tf.data.Dataset` of batches (finite
            or endless), or such a dataset.
        epochs: int >= 1, the epochs of the whole run.
        backup: a `keras_gan.callbacks.BackupAndRestore`; it restores the
            GAN before the first step and is added to `callbacks` (last).
        steps_per_epoch: int >= 1, or None for the dataset's cardinality.
        callbacks: further Keras callbacks.
        **fit_kwargs: passed to `fit` (e.g. `verbose`).

    Returns:
        A dict of lists, {metric: one value per epoch run now}, as
        `History.history` (empty when the backup already holds every epoch).

    Raises:
        ValueError: for a bad `epochs` or `steps_per_epoch`, a dataset of
            unknown length without `steps_per_epoch`, or a backup taken
            further into its epoch than `steps_per_epoch` batches.
        keras_gan.callbacks.BackupError: if backups exist and none loads.
        keras_gan.callbacks.Preempted: when a signal stopped training (the
            backup is written).
    """
    epochs = check_positive_int("epochs", epochs)
    make_dataset = dataset if callable(dataset) else lambda: dataset
    if steps_per_epoch is None:
        steps_per_epoch = int(make_dataset().cardinality())
        if steps_per_epoch < 1:
            raise ValueError(
                "Invalid value for argument `steps_per_epoch`. Expected an int when the dataset's length "
                f"is unknown or infinite. Received: steps_per_epoch=None, cardinality {steps_per_epoch}"
            )
    steps_per_epoch = check_positive_int("steps_per_epoch", steps_per_epoch)
    callbacks = [*callbacks, backup]
    fit_kwargs.setdefault("shuffle", False)  # a tf.data stream shuffles itself
    restored = backup.restore(gan) or {"epoch": 0, "batch": 0}
    epoch, batch = restored["epoch"], restored.get("batch", 0)
    if batch > steps_per_epoch:
        raise ValueError(
            f"Invalid value for argument `steps_per_epoch`. Expected at least the {batch} batches the backup in "
            f"{backup.backup_dir} holds of epoch {epoch + 1}. Received: steps_per_epoch={steps_per_epoch}"
        )
    history = {}

    def add(result):
        for key, values in result.items():
            history.setdefault(key, []).extend(values)

    def run(first_epoch, last_epoch, steps, skipped):
        gan._initial_epoch = None  # the epochs are given here
        stream = make_dataset().repeat().skip(skipped)
        result = gan.fit(
            stream, initial_epoch=first_epoch, epochs=last_epoch, steps_per_epoch=steps, callbacks=callbacks,
            **fit_kwargs,
        )
        add(result.history)

    if batch == steps_per_epoch and epoch < epochs:
        # Never a fit of 0 steps: Keras reads steps_per_epoch=0 as no limit.
        add(_end_epoch(gan, epoch, steps_per_epoch, callbacks, fit_kwargs.get("verbose", "auto")))
        epoch, batch = epoch + 1, 0
        if gan.stop_training:
            return history
    if batch and epoch < epochs:
        if not callable(dataset) and epoch + 1 < epochs:
            warnings.warn(
                "fit_resumable: a mid-epoch resume with a tf.data.Dataset object reads it twice, and its "
                "reshuffled epochs after this one may differ from an uninterrupted run's. Pass a function "
                "that builds the dataset for an exact resume.",
                stacklevel=2,
            )
        # The rest of a mid-epoch backup's epoch.
        run(epoch, epoch + 1, steps_per_epoch - batch, epoch * steps_per_epoch + batch)
        epoch += 1
        if gan.stop_training:  # a callback (e.g. StopWhenNoBetter) ended the run
            return history
    if epoch < epochs:
        run(epoch, epochs, steps_per_epoch, epoch * steps_per_epoch)
    return history


def _end_epoch(gan, epoch, steps_per_epoch, callbacks, verbose):
    """What `keras.Model.fit` runs after the last step of `epoch` (0-based),
    for a GAN restored from a backup taken after that step: the callbacks'
    `on_epoch_end` with the epoch's logs, from the running means that
    `BackupAndRestore.on_epoch_begin` put back. Returns the History rows."""
    for callback in callbacks:
        check_callback(callback)
    callback_list = keras.callbacks.CallbackList(
        callbacks, add_history=True, add_progbar=verbose != 0, verbose=verbose, epochs=epoch + 1,
        steps=steps_per_epoch, model=gan,
    )
    gan.stop_training = False
    try:
        callback_list.on_train_begin()
        gan.reset_metrics()
        callback_list.on_epoch_begin(epoch)
        # As `fit` logs a step: each replica's values, their mean.
        strategy = gan.distribute_strategy
        per_replica = tf.function(lambda: strategy.run(gan.step_logs))()
        logs = {name: float(strategy.reduce("MEAN", value, axis=None)) for name, value in per_replica.items()}
        callback_list.on_epoch_end(epoch, logs)
        callback_list.on_train_end(logs)
    finally:
        for callback in callbacks:  # as GAN.fit: no signal handler outlives this
            if hasattr(callback, "release_signals"):
                callback.release_signals()
    return gan.history.history
