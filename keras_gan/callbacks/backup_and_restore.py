"""`BackupAndRestore`: Keras's, mid-epoch, signal-safe, never the only copy."""

import json
import os
import shutil
import signal
import warnings

import keras
import numpy as np
import tensorflow as tf

from keras_gan import distribute
from keras_gan.callbacks.non_finite import NonFiniteError
from keras_gan.callbacks.non_finite import generator_updates
from keras_gan.validation import first_non_finite_weight

WEIGHTS = "latest.weights.h5"
METADATA = "training_metadata.json"
# Written last into a backup, after it was read back: the backup is whole.
COMPLETE = "COMPLETE"


class Preempted(Exception):
    """Raised by `BackupAndRestore` after it saved a backup on SIGTERM or SIGINT.

    Attributes:
        signal_number: the signal received (`signal.SIGTERM`, `signal.SIGINT`).
        step: the generator updates done, as saved.
    """

    def __init__(self, message, signal_number, step):
        super().__init__(message)
        self.signal_number = signal_number
        self.step = step


class BackupError(RuntimeError):
    """No backup could be loaded; the message names every file tried."""


class BackupAndRestore(keras.callbacks.BackupAndRestore):
    """`keras.callbacks.BackupAndRestore` for runs that get killed.

    What is saved: every weight, both optimizers (iterations and slots), the
    GAN's random state (noise, dropout), the EMA generator, spectral-norm
    vectors and the augmentation probability; the epoch and the batch within
    it; for a backup taken mid-epoch, the running means of the epoch's
    metrics, so that a resumed epoch logs what it would have; and the
    values of `extra_state`, a dict of name -> function returning a JSON
    value (e.g. `QualityMetrics.save_clock_with` adds its training clock),
    which `restored["state"]` gives back by name.

    - When: after every epoch (`save_freq="epoch"`), or every `save_freq`
      batches (generator updates) as well as at the end of every epoch;
      and, with `save_on_signal` (the default), when the process receives
      SIGTERM or SIGINT: the current step finishes, a backup is written, and
      `fit` raises `Preempted` (no epoch-end callback runs for the partial
      epoch). Under MultiWorkerMirroredStrategy the workers agree, at every
      batch, whether any of them was signalled (one small all-reduce), so
      that all stop at the same step and the chief writes the backup.
    - How: into `backup_dir.partial/`, which is read back (every weight
      file opened, the metadata parsed) before a `COMPLETE` marker is
      written; only then does it become `backup_dir/`, and the backup it
      replaces becomes `backup_dir.previous/`. A backup is never the only
      copy: the previous complete one stays until the new one is complete
      and verified, and a kill between any two renames leaves both.
    - Restore (`restore`, called by `on_train_begin`): the newest complete
      backup that loads. One that fails (truncated, corrupt, from another
      configuration) is reported by path with a warning that says how many
      generator steps are lost, moved aside to `backup_dir.damaged/` (not
      deleted), and the previous one is used. If none loads, `BackupError`
      names the files and what to do.
    - Never a diverged state: a backup whose weights are not all finite is
      not written; `NonFiniteError` ends `fit` instead, and the newest
      backup stays the last finite state. Put
      `keras_gan.callbacks.StopOnNonFinite` first among the callbacks to
      stop at the first non-finite cost as well.

    A backup taken mid-epoch resumes exactly only if the data stream resumes
    too: `keras_gan.training.fit_resumable` skips the batches already done
    and runs the rest of the epoch (as `train.py` does). With a plain `fit`,
    Keras restarts the epoch of a mid-epoch backup from its first batch.

    Under multi-worker training only the chief writes; every worker
    restores from `backup_dir`, which must then be on a filesystem they
    share (Keras's convention).

    Args:
        backup_dir: str or path-like, the backup directory.
        save_freq: "epoch" (default), or an int >= 1: also every that many
            batches.
        delete_checkpoint: bool, delete the backups when training ends
            (default True, as in Keras).
        save_on_signal: bool, default True: save and raise `Preempted` on
            SIGTERM or SIGINT (in the main thread; the previous handlers are
            restored when training ends).

    Example:
        ```python
        backup = BackupAndRestore("run/backup", save_freq=100)
        keras_gan.training.fit_resumable(gan, dataset, epochs=20, backup=backup)
        # killed, preempted? the same lines again resume where it stopped
        ```
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True, save_on_signal=True):
        super().__init__(os.fspath(backup_dir), save_freq=save_freq, delete_checkpoint=delete_checkpoint)
        _, self._partial, self._previous, self._retired = backup_directories(self.backup_dir)
        self._damaged = f"{self.backup_dir.rstrip(os.sep)}.damaged"
        self.save_on_signal = save_on_signal
        self.restored = None  # the metadata of the backup restored, once restored
        self.restored_from = None  # and its directory
        self._pending_metrics = None
        self._signal = None
        self._handlers = {}
        self.extra_state = {}

    # ------------------------------------------------------------------
    # Where backups are

    def candidates(self):
        """Complete backups, newest first: [(directory, metadata)]."""
        return _candidates(self.backup_dir)

    @staticmethod
    def resume_point(backup_dir):
        """(epoch, batch) of the newest complete backup, (0, 0) if none.

        Reads metadata only; `restore` decides which backup actually loads.
        """
        found = _candidates(os.fspath(backup_dir))
        return (found[0][1]["epoch"], found[0][1].get("batch", 0)) if found else (0, 0)

    @staticmethod
    def restored_epoch(backup_dir):
        """The number of finished epochs the newest backup holds (0 if none)."""
        return BackupAndRestore.resume_point(backup_dir)[0]

    def _chief(self):
        return distribute.is_chief(self.model.distribute_strategy)

    # ------------------------------------------------------------------
    # Restoring

    def restore(self, model=None):
        """Loads the newest backup that loads into `model` (default: the
        callback's model); returns its metadata, or None without a backup.

        Raises:
            BackupError: if backups exist and none loads.
        """
        if model is not None:
            self.set_model(model)
        if self.restored is not None:
            return self.restored
        found = self.candidates()
        failures = []
        for directory, metadata in found:
            try:
                self.model.load_weights(os.path.join(directory, WEIGHTS))
            except Exception as error:  # h5py, Keras: many types for a bad file
                failures.append((directory, metadata, error))
                continue
            self._report_failures(failures, metadata)
            self.restored = metadata
            self.restored_from = directory
            self._pending_metrics = metadata.get("metrics") if metadata.get("batch") else None
            self.model._initial_epoch = metadata["epoch"]
            return metadata
        if failures:
            tried = "; ".join(f"{os.path.join(d, WEIGHTS)} ({type(e).__name__}: {e})" for d, _, e in failures)
            raise BackupError(
                f"no backup in {self.backup_dir} could be loaded: {tried}. Move these directories aside "
                "to start the run again from step 0, or restore a copy of the backup."
            )
        self.restored = {"epoch": 0, "batch": 0, "step": 0}
        return None

    def _report_failures(self, failures, loaded):
        for directory, metadata, error in failures:
            lost = metadata.get("step", 0) - loaded.get("step", 0)
            warnings.warn(
                f"Backup {os.path.join(directory, WEIGHTS)} could not be loaded ({type(error).__name__}: "
                f"{error}); resuming from the previous backup at generator step {loaded.get('step', 0)} "
                f"instead: {lost} generator steps are lost. The damaged backup is kept at {self._damaged}.",
                stacklevel=3,
            )
            if self._chief():
                if os.path.exists(self._damaged):
                    shutil.rmtree(self._damaged)
                os.replace(directory, self._damaged)

    def on_train_begin(self, logs=None):
        self.restore()
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = self.restored["epoch"] if self.restored else 0
        if self.save_on_signal:
            self._install_handlers()

    def on_epoch_begin(self, epoch, logs=None):
        # Keras has just reset the metrics: a mid-epoch backup's running
        # means continue where they were.
        if self._pending_metrics is not None:
            _assign_local_metrics(self.model, self._pending_metrics)
            self._pending_metrics = None
        self._current_epoch = epoch
        self._epoch_offset = self.restored.get("batch", 0) if epoch == self.restored["epoch"] else 0

    # ------------------------------------------------------------------
    # Saving

    def on_train_batch_end(self, batch, logs=None):
        if self.save_on_signal and self._any_signalled():
            self._last_batch_seen = batch
            self._save_model(batch=self._epoch_offset + batch + 1)
            self.release_signals()  # fit ends by this exception: no on_train_end
            raise Preempted(
                f"Received {signal.Signals(self._signal or signal.SIGTERM).name}: stopped after generator step "
                f"{self._step()} and wrote a backup to {self.backup_dir}; rerun to resume from there.",
                self._signal or signal.SIGTERM,
                self._step(),
            )
        if self._should_save_on_batch(batch):
            self._save_model(batch=self._epoch_offset + batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        self._save_model(batch=0)

    def _step(self):
        return generator_updates(self.model)

    def _save_model(self, batch=0):
        # Every worker takes part in gathering the metrics (a collective).
        metrics = _local_metrics(self.model) if batch else None
        # Never a diverged state over the last finite one.
        found = first_non_finite_weight(self.model)
        if found is not None:
            self.release_signals()  # fit ends by this exception: no on_train_end
            raise NonFiniteError(self._current_epoch + (1 if batch else 0), self._step(), *found)
        if not self._chief():
            return
        metadata = {"epoch": self._current_epoch, "batch": batch, "step": self._step(), "metrics": metrics,
                    "state": {name: value() for name, value in self.extra_state.items()}}
        if os.path.exists(self._partial):
            shutil.rmtree(self._partial)
        os.makedirs(self._partial)
        self.model.save_weights(os.path.join(self._partial, WEIGHTS))
        _write(os.path.join(self._partial, METADATA), json.dumps(metadata))
        _verify(self._partial)
        _write(os.path.join(self._partial, COMPLETE), "")
        # The rotation: previous -> retired, latest -> previous, new -> latest
        # (a kill in the middle of an earlier one may have left any of them).
        if os.path.exists(self._retired):
            shutil.rmtree(self._retired)
        if os.path.exists(self.backup_dir):
            if os.path.exists(self._previous):
                os.replace(self._previous, self._retired)
            os.replace(self.backup_dir, self._previous)
        os.replace(self._partial, self.backup_dir)
        if os.path.exists(self._retired):
            shutil.rmtree(self._retired)

    def on_train_end(self, logs=None):
        self.release_signals()
        if self._chief() and self.delete_checkpoint:
            self.delete_backups()

    def delete_backups(self, keep_newest=False):
        """Removes every backup directory (newest, partial, previous, retired),
        or with `keep_newest` all but the newest (what a finished run keeps
        to be trained further); `backup_dir.damaged/` stays for inspection."""
        for directory in backup_directories(self.backup_dir)[1 if keep_newest else 0:]:
            if os.path.exists(directory):
                shutil.rmtree(directory)

    # ------------------------------------------------------------------
    # Signals

    def _install_handlers(self):
        self._signal = None
        try:
            for number in (signal.SIGTERM, signal.SIGINT):
                self._handlers[number] = signal.signal(number, self._on_signal)
        except ValueError:  # not the main thread: no handlers
            self._handlers = {}

    def release_signals(self):
        """Puts back the SIGTERM and SIGINT handlers found at `on_train_begin`.

        Called when training ends; `GAN.fit` also calls it when `fit` ends
        by an exception, so that no handler outlives training.
        """
        for number, handler in self._handlers.items():
            signal.signal(number, handler)
        self._handlers = {}

    def _on_signal(self, number, frame):
        self._signal = number  # acted on after the current step

    def _any_signalled(self):
        local = self._signal is not None
        strategy = self.model.distribute_strategy
        if not distribute.is_multi_worker(strategy):
            return local
        # Every worker takes part in this reduction at every batch, so all
        # stop at the same step when any one was signalled.
        flags = strategy.run(lambda: tf.constant(1.0 if local else 0.0))
        anyone = float(strategy.reduce(tf.distribute.ReduceOp.SUM, flags, axis=None)) > 0
        if anyone and self._signal is None:
            self._signal = signal.SIGTERM
        return anyone


def _metric_variables(model):
    return [variable for metric in model.metrics for variable in metric.variables]


def _local_metrics(model):
    """Each replica's own metric sums and counts, float32 `(replicas, n)` as
    lists: a replica's running means continue from its own values, so that
    the epoch's reduced metric is the same sum, in the same order, as in an
    uninterrupted run."""
    variables = _metric_variables(model)
    strategy = model.distribute_strategy

    def local():
        return tf.stack([tf.cast(tf.convert_to_tensor(v), tf.float32) for v in variables])[None]

    return np.asarray(strategy.gather(strategy.run(local), axis=0)).tolist()


def _assign_local_metrics(model, table):
    """Gives every replica its own row of `_local_metrics`' table."""
    variables = _metric_variables(model)
    strategy = model.distribute_strategy
    table = tf.constant(table, tf.float32)

    def assign():
        row = tf.gather(table, tf.distribute.get_replica_context().replica_id_in_sync_group)
        for i, variable in enumerate(variables):
            variable.assign(tf.cast(row[i], variable.dtype))

    strategy.run(assign)


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _verify(directory):
    """Reads a backup back: the weights file opens whole, the metadata parses."""
    import h5py

    with h5py.File(os.path.join(directory, WEIGHTS), "r") as f:
        f.visit(lambda name: None)
    with open(os.path.join(directory, METADATA)) as f:
        json.load(f)


def backup_directories(backup_dir):
    """The newest backup, one being written, the one before, one being retired."""
    base = backup_dir.rstrip(os.sep)
    return (backup_dir, f"{base}.partial", f"{base}.previous", f"{base}.retired")


def _candidates(backup_dir):
    base = backup_dir.rstrip(os.sep)
    found = []
    for directory in backup_directories(backup_dir):
        metadata_path = os.path.join(directory, METADATA)
        legacy = directory in (backup_dir, f"{base}.previous")  # backups of earlier versions had no marker
        if not os.path.exists(metadata_path) or not (legacy or os.path.exists(os.path.join(directory, COMPLETE))):
            continue
        try:
            with open(metadata_path) as f:
                metadata = json.load(f)
        except (OSError, ValueError):
            metadata = {"epoch": 0, "batch": 0, "step": -1}  # unreadable: tried last
        found.append((directory, metadata))
    return sorted(found, key=lambda item: (item[1].get("step", 0), item[1]["epoch"], item[1].get("batch", 0)),
                  reverse=True)
