"""`QualityMetrics`: the Frechet distance and KID of the generator, while training."""

import json
import os
import time

import keras
import numpy as np

from keras_gan import distribute
from keras_gan.evaluation import fid_inception
from keras_gan.evaluation import reference as references
from keras_gan.evaluation import statistics
from keras_gan.evaluation.features import features_of
from keras_gan.validation import check_positive_int

# Feature dimensions of the networks: a covariance of d features needs more
# than d samples to have full rank.
FEATURE_DIMENSIONS = {"classifier": 128, "fid_inception": 2048, "inception_imagenet": 2048}


class QualityMetrics(keras.callbacks.Callback):
    """Adds the Frechet distance and KID of `num_samples` generated images to the logs.

    Every `every_epochs` epochs (or every `every_steps` generator updates),
    draws `num_samples` images from the GAN (its EMA generator when it keeps
    one; the same latent vectors each time, from `seed`), takes their
    features in the chosen network, in inference mode and in batches, and
    compares them with reference statistics that are computed once per
    protocol and cached (`keras_gan.evaluation.reference`). The values go
    into the epoch's logs under names that encode the protocol
    (`keras_gan.evaluation.reference.metric_names`: e.g. `fcd10k_test` and
    `kcd10k_test` for 10,000 samples in the MNIST classifier's features
    against MNIST's test split), so
    History, CSVLogger, TensorBoard, `ModelCheckpoint(monitor="fcd10k_test",
    mode="min", save_best_only=True)` and `EarlyStopping` see them: place
    this callback before those. With `every_steps`, the epoch's logs hold
    the latest evaluation.

    Each evaluation is also kept in `records` (step, epoch, images seen,
    metrics, seconds it took, and `training_seconds`: the wall-clock time
    of training so far, evaluations excluded, summed over every process that
    trained a resumed run); with `jsonl_path`, appended to that file as one JSON
    object per line. A resumed run's clock continues from the newest
    reading at or before the restored step: its last record, or, after
    `save_clock_with(backup)`, the clock saved with the backup it resumed
    from (which counts the updates between the last evaluation and the
    backup; without it those are left out). With `best_export_dir`, the
    generator of the evaluation with the lowest Frechet distance so far is
    exported there (`keras_gan.export.export_generator`), with `<best_export_dir>.json`
    beside it (e.g. `best/` and `best.json`) holding that evaluation's
    record. After a resume, records later than
    the restored step are dropped from `jsonl_path` and the best so far is
    read back from it.

    Under `tf.distribute`: every worker computes the metrics itself (no
    collective op, so none waits for another; they agree, holding the same
    weights), and only the chief writes files.

    Args:
        dataset: TFDS name or image folder of the reference (default
            "mnist").
        split: the reference's TFDS split (default "test").
        features: "classifier" (default; MNIST-shaped images),
            "fid_inception" (needs `fid_weights`) or "inception_imagenet".
        num_samples: int > the feature dimension (128 for the classifier,
            2048 for Inception), generated images per evaluation; default
            10,000. The reference holds `reference_count` images.
        every_epochs: int >= 1 (default 1), or None with `every_steps`.
        every_steps: int >= 1 or None: evaluate every N generator updates
            instead.
        kid: bool, default True: also the KID (mean over 100 subsets of
            min(1000, n)).
        resize: the FID resize mode ("legacy_tf", "pytorch_fid", "clean").
        fid_weights: the converted FID Inception weights file.
        reference_count: images of the reference (default 10,000; of a
            folder, up to that many).
        image_size: `(height, width)` to resize a folder's images to (as
            the training data's), or None.
        seed: int, seed of the latent vectors.
        batch_size: images per generator and feature-network call.
        images_per_step: int or None: real images D sees per generator
            update (batch size x d_steps), to record `images_seen`.
        jsonl_path, best_export_dir: optional outputs (chief only).
        data_dir, cache_dir: TFDS data and reference cache directories.
        feature_model: None, or a callable from images to float
            `(batch, d)` features with a `dimension` attribute, used
            instead of the named network (which then only names the
            metrics and the cache file).
        verbose: 1 prints one line per evaluation.

    Raises:
        ValueError: on construction, for an unknown feature network or
            resize mode, "fid_inception" without `fid_weights`,
            `num_samples` not above the feature dimension, an interval < 1,
            both or neither of `every_epochs` and `every_steps`.
        FileNotFoundError: on construction, if `fid_weights` is not a file.
    """

    def __init__(
        self,
        dataset="mnist",
        split="test",
        features="classifier",
        num_samples=10000,
        every_epochs=1,
        every_steps=None,
        kid=True,
        resize="legacy_tf",
        fid_weights=None,
        reference_count=10000,
        image_size=None,
        seed=0,
        batch_size=500,
        images_per_step=None,
        jsonl_path=None,
        best_export_dir=None,
        data_dir=None,
        cache_dir=None,
        feature_model=None,
        verbose=1,
    ):
        super().__init__()
        self.features = references.check_feature_network(features)
        fid_inception.check_resize(resize)
        if features == "fid_inception":
            fid_inception.check_weights_file(fid_weights, "fid_weights")
        dimension = getattr(feature_model, "dimension", None) or FEATURE_DIMENSIONS[features]
        self.num_samples = check_positive_int("num_samples", num_samples)
        if self.num_samples <= dimension:
            raise ValueError(
                f"Invalid value for argument `num_samples`. Expected more than the {dimension} features of "
                f"{features!r} (a covariance of d features needs more than d samples to have full rank). "
                f"Received: num_samples={num_samples}"
            )
        if (every_epochs is None) == (every_steps is None):
            raise ValueError(
                "Invalid arguments `every_epochs` and `every_steps`. Expected exactly one of them. "
                f"Received: every_epochs={every_epochs!r}, every_steps={every_steps!r}"
            )
        self.every_epochs = None if every_epochs is None else check_positive_int("every_epochs", every_epochs)
        self.every_steps = None if every_steps is None else check_positive_int("every_steps", every_steps)
        self.reference_count = check_positive_int("reference_count", reference_count, minimum=2)
        self.dataset, self.split, self.resize, self.fid_weights = dataset, split, resize, fid_weights
        self.image_size = image_size
        self.kid, self.seed, self.batch_size = kid, seed, check_positive_int("batch_size", batch_size)
        self.images_per_step = images_per_step
        self.jsonl_path, self.best_export_dir = jsonl_path, best_export_dir
        self.data_dir, self.cache_dir, self.verbose = data_dir, cache_dir, verbose
        self.frechet_name, self.kid_name = references.metric_names(features, self.num_samples, split, resize, dataset)
        self.records = []
        self._feature_model = feature_model
        self._reference = None
        self._latest = {}
        self._trained, self._clock = 0.0, None  # training seconds up to perf_counter() reading _clock
        self._reading = None  # (step, training seconds) when this callback's last training ended
        self._backup = None

    # ------------------------------------------------------------------

    def _chief(self):
        return distribute.is_chief(self.model.distribute_strategy)

    def _step(self):
        return int(keras.ops.convert_to_numpy(self.model.g_optimizer.iterations))

    def on_train_begin(self, logs=None):
        # The feature network and the reference before the first step.
        if self._reference is None:
            if self._feature_model is None:
                self._feature_model = references.feature_model(self.features, self.fid_weights, self.resize)
            self._reference = references.reference_statistics(
                self.dataset, self.split, self.features, self.reference_count, self.resize, self.fid_weights,
                image_size=self.image_size, data_dir=self.data_dir, cache_dir=self.cache_dir,
                model=self._feature_model,
            )
        step = self._step()
        self.records = [r for r in self._read_records() if r["step"] <= step]
        if self.jsonl_path and self._chief():
            with open(self.jsonl_path, "w") as f:
                f.writelines(json.dumps(r) + "\n" for r in self.records)
        self._next_step = (step // self.every_steps + 1) * self.every_steps if self.every_steps else None
        # The run's clock: the newest reading at or before this step (ties: the later one).
        readings = [(r["step"], r.get("training_seconds", 0.0)) for r in self.records[-1:]]
        saved = (self._backup.restored or {}).get("state", {}).get("training_clock") if self._backup else None
        readings += [(saved["step"], saved["training_seconds"])] if saved else []
        readings += [self._reading] if self._reading else []
        self._trained = max((r for r in readings if r[0] <= step), default=(0, 0.0))[1]
        self._clock = time.perf_counter()

    def on_train_end(self, logs=None):
        self._trained = self.training_seconds()
        self._clock = None
        self._reading = (self._step(), self._trained)

    def training_seconds(self, now=None):
        """Seconds of training so far (float, wall clock, evaluations
        excluded, summed over every process that trained a resumed run), at `now`
        (a `time.perf_counter()` reading; default: read it)."""
        if self._clock is None:
            return self._trained
        return self._trained + (time.perf_counter() if now is None else now) - self._clock

    def save_clock_with(self, backup):
        """Saves the training clock with every backup of `backup` (a
        `keras_gan.callbacks.BackupAndRestore`, in its metadata's
        `state["training_clock"]`: the generator step and training seconds),
        and continues a resumed run's clock from the backup it restored."""
        self._backup = backup
        backup.extra_state["training_clock"] = lambda: {
            "step": self._step(), "training_seconds": round(self.training_seconds(), 2)
        }

    def _read_records(self):
        if not self.jsonl_path or not os.path.exists(self.jsonl_path):
            return list(self.records)
        with open(self.jsonl_path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def on_train_batch_end(self, batch, logs=None):
        if self.every_steps and self._step() >= self._next_step:
            self._latest = self.evaluate(epoch=None)
            self._next_step = (self._step() // self.every_steps + 1) * self.every_steps

    def on_epoch_end(self, epoch, logs=None):
        if self.every_epochs and (epoch + 1) % self.every_epochs == 0:
            self._latest = self.evaluate(epoch=epoch + 1)
        if logs is not None:
            logs.update(self._latest)

    # ------------------------------------------------------------------

    def compute(self, images):
        """The metrics of `images` (float `(n, h, w, c)` in [-1, 1]) against
        the reference: {frechet_name: float, kid_name: float}."""
        values = features_of(images, self._feature_model, self.batch_size)
        mean, covariance = statistics.mean_and_covariance(values)
        reference = self._reference
        result = {
            self.frechet_name: statistics.frechet_distance_from_statistics(
                mean, covariance, reference["mean"], reference["covariance"]
            )
        }
        if self.kid:
            result[self.kid_name] = statistics.kernel_distance(values, reference["features"])[0]
        return result

    def evaluate(self, epoch):
        """Draws the samples, computes, records and (chief) writes; returns the metrics."""
        start = time.perf_counter()
        trained = self.training_seconds(start)
        images = self.model.generate(self.num_samples, seed=self.seed, batch_size=self.batch_size)
        metrics = self.compute(images.numpy())
        step = self._step()
        record = {"step": step, "epoch": epoch, "metrics": metrics, "seconds": round(time.perf_counter() - start, 2),
                  "training_seconds": round(trained, 2), "num_samples": self.num_samples, "features": self.features,
                  "reference": self._reference["protocol"]}
        if self.images_per_step:
            record["images_seen"] = step * self.images_per_step
        best = min((r["metrics"][self.frechet_name] for r in self.records), default=np.inf)
        self.records.append(record)
        if self._chief():
            if self.jsonl_path:
                with open(self.jsonl_path, "a") as f:
                    f.write(json.dumps(record) + "\n")
            if self.best_export_dir and metrics[self.frechet_name] < best:
                from keras_gan.export import export_generator

                export_generator(self.model, self.best_export_dir)
                with open(f"{self.best_export_dir}.json", "w") as f:
                    json.dump(record, f, indent=2)
        if self.verbose:
            shown = ", ".join(f"{name} {value:.4g}" for name, value in metrics.items())
            print(f"\nQualityMetrics at step {step}: {shown} ({record['seconds']:.1f} s)", flush=True)
        self._trained = trained
        if self._clock is not None:  # training: the clock restarts after the evaluation
            self._clock = time.perf_counter()
        return metrics
