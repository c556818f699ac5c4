"""`BackupAndRestore`: Keras's, written atomically and by the chief only."""

import json
import os
import shutil

import keras

from keras_gan import distribute


class BackupAndRestore(keras.callbacks.BackupAndRestore):
    """`keras.callbacks.BackupAndRestore` that a kill cannot leave half written.

    Keras writes the weights and then the epoch, as two files: a process
    killed between the two resumes an epoch with the next epoch's weights,
    and one killed during the weights write leaves a truncated file. Here
    both go to `backup_dir.partial/`, which then replaces `backup_dir` by
    renames: a rerun finds the old backup or the new one, whole. What is
    saved is Keras's: every weight, both optimizers (iterations and slots)
    and the GAN's random state (noise, dropout), and the last finished
    epoch.

    Under multi-worker training only the chief writes; every worker
    restores from `backup_dir`, which must then be on a filesystem they
    share (Keras's convention).

    Args:
        backup_dir: str or path-like, the backup directory.
        delete_checkpoint: bool, delete the backup when training ends
            (default True, as in Keras).

    Example:
        ```python
        gan.fit(dataset, epochs=20, callbacks=[BackupAndRestore("run/backup")])
        # killed? the same line again resumes after the last finished epoch
        ```
    """

    def __init__(self, backup_dir, delete_checkpoint=True):
        super().__init__(os.fspath(backup_dir), delete_checkpoint=delete_checkpoint)
        self._partial = f"{self.backup_dir.rstrip(os.sep)}.partial"
        self._previous = f"{self.backup_dir.rstrip(os.sep)}.previous"

    @staticmethod
    def restored_epoch(backup_dir):
        """The number of finished epochs a backup holds (0 if none)."""
        backup_dir = os.fspath(backup_dir)
        for directory in (backup_dir, f"{backup_dir.rstrip(os.sep)}.previous"):
            path = os.path.join(directory, "training_metadata.json")
            if os.path.exists(path):
                with open(path) as f:
                    return json.load(f)["epoch"]
        return 0

    def _chief(self):
        return distribute.is_chief(self.model.distribute_strategy)

    def on_train_begin(self, logs=None):
        # A kill between the two renames of _save_model leaves the last
        # whole backup at `.previous`.
        if self._chief() and not os.path.exists(self.backup_dir) and os.path.exists(self._previous):
            os.replace(self._previous, self.backup_dir)
        super().on_train_begin(logs)

    def _save_model(self):
        if not self._chief():
            return
        if os.path.exists(self._partial):
            shutil.rmtree(self._partial)
        os.makedirs(self._partial)
        self.model.save_weights(os.path.join(self._partial, "latest.weights.h5"))
        with open(os.path.join(self._partial, "training_metadata.json"), "w") as f:
            json.dump({"epoch": self._current_epoch, "batch": self._last_batch_seen}, f)
        if os.path.exists(self.backup_dir):
            os.replace(self.backup_dir, self._previous)
        os.replace(self._partial, self.backup_dir)
        if os.path.exists(self._previous):
            shutil.rmtree(self._previous)

    def on_train_end(self, logs=None):
        if self._chief():
            super().on_train_end(logs)
