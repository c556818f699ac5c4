"""`ModeCount`: Stacked MNIST's modes captured and KL to uniform, while training."""

import json
import os
import time

import keras

from keras_gan import distribute
from keras_gan.evaluation import stacked_mnist
from keras_gan.validation import check_positive_int


class ModeCount(keras.callbacks.Callback):
    """Adds `modes` (of 1,000) and `mode_kl` (nats) of generated Stacked MNIST samples to the logs.

    Every `every_epochs` epochs, draws `num_samples` images from the GAN
    (`gan.generate`, its EMA generator when it keeps one; the same seed,
    so the same latent vectors, each time, as PacGAN's fixed test z) and
    counts their modes with the shipped MNIST classifier on each channel
    (`keras_gan.evaluation.stacked_mnist`: PacGAN's `log_metrics`). The
    values go into the epoch's logs, so History, CSVLogger and TensorBoard
    record them: place this callback before those.

    With `jsonl_path`, each evaluation is appended there as one JSON object
    (`step`: training steps, each k D updates and `g_steps` G updates; `epoch`, `modes`, `mode_kl`, `seconds`);
    records later than the step a resumed run starts from are dropped, so
    the file holds each evaluation once. Under `tf.distribute` only the
    chief writes it.

    Args:
        every_epochs: int >= 1. Default 1.
        num_samples: int >= 1, samples per evaluation. Default 26,000
            (PacGAN's).
        seed: int, the samples' seed. Default 0.
        jsonl_path: str or None.
        verbose: 0 or 1: print each evaluation.

    Raises:
        ValueError: for a bad `every_epochs` or `num_samples`; in
            `on_train_begin`, for a model that does not generate
            `(28, 28, 3)` images.

    Reference:
        Lin et al. 2018, "PacGAN", arXiv:1712.04086, section 5.2;
        fjxmlzn/PacGAN `stacked_MNIST_experiments/VEEGAN_experiment/model.py` (`log_metrics`).
    """

    def __init__(self, every_epochs=1, num_samples=stacked_mnist.NUM_SAMPLES, seed=0, jsonl_path=None, verbose=0):
        super().__init__()
        self.every_epochs = check_positive_int("every_epochs", every_epochs)
        self.num_samples = check_positive_int("num_samples", num_samples)
        self.seed = seed
        self.jsonl_path = jsonl_path
        self.verbose = verbose
        self.classifier = None
        self.records = []

    def on_train_begin(self, logs=None):
        shape = tuple(self.model.generate(1, seed=self.seed).shape[1:])
        if shape != (28, 28, 3):
            raise ValueError(f"ModeCount counts Stacked MNIST modes: it expects a generator of (28, 28, 3) images. "
                             f"Received: a generator of {shape}")
        if self.classifier is None:
            from keras_gan.evaluation.classifier import mnist_classifier

            self.classifier = mnist_classifier()
        if self.jsonl_path and os.path.exists(self.jsonl_path) and distribute.is_chief():
            step = self._step()
            with open(self.jsonl_path) as f:
                self.records = [r for r in map(json.loads, filter(str.strip, f)) if r["step"] <= step]
            with open(f"{self.jsonl_path}.partial", "w") as f:
                f.writelines(json.dumps(r) + "\n" for r in self.records)
            os.replace(f"{self.jsonl_path}.partial", self.jsonl_path)

    def _step(self):
        return int(self.model.g_optimizer.iterations.numpy()) // getattr(self.model, "g_steps", 1)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_epochs:
            return
        start = time.perf_counter()
        images = self.model.generate(self.num_samples, seed=self.seed, batch_size=500).numpy()
        result = stacked_mnist.evaluate_images(images, self.classifier)
        record = {"step": self._step(), "epoch": epoch + 1,
                  "modes": result["modes"], "mode_kl": result["kl"],
                  "seconds": round(time.perf_counter() - start, 2)}
        self.records.append(record)
        if logs is not None:
            logs["modes"], logs["mode_kl"] = float(record["modes"]), record["mode_kl"]
        if self.jsonl_path and distribute.is_chief():
            os.makedirs(os.path.dirname(os.path.abspath(self.jsonl_path)), exist_ok=True)
            with open(self.jsonl_path, "a") as f:
                f.write(json.dumps(record) + "\n")
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: {record['modes']} modes of 1000, KL {record['mode_kl']:.3f} "
                  f"({self.num_samples} samples, {record['seconds']:.0f} s)")
