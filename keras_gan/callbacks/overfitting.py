"""`DiscriminatorOverfitting`: D's outputs on its training images beside real images it never saw."""

import keras
import numpy as np

from keras_gan import models
from keras_gan.validation import check_positive_int


class DiscriminatorOverfitting(keras.callbacks.Callback):
    """Measures how much D has memorised its training set, while training.

    With little data, D learns its training images by heart: its outputs on
    them and on real images it never saw drift apart, and the generator's
    quality starts to fall (Karras et al. 2020, "Training Generative
    Adversarial Networks with Limited Data", section 2 and Figure 1(b, c),
    where the distributions of D's outputs on training and validation
    images diverge; ADA's heuristic r_t = E[sign(D(x))], eq. 1, watches the
    training side only). After every `every_epochs` epochs, D scores, in
    inference mode and without augmentation, `train_images`,
    `held_out_images` and as many generated images (fixed z, `seed`), and
    adds to the epoch's logs (so `History`, `CSVLogger` and TensorBoard
    record them):

    - `d_logit_train`, `d_logit_held_out`, `d_logit_fake`: D's mean logit
      on each set;
    - `d_logit_gap`: `d_logit_train - d_logit_held_out`, about 0 while D
      generalises, growing as it memorises;
    - `r_t_train`, `r_t_held_out`: E[sign(D(x))] on each real set (ADA's
      r_t; 0 when D cannot tell real from generated, 1 when it is sure).

    The epochs it skips log NaN under the same names, so that every epoch
    has them (`CSVLogger` fixes its columns at the first epoch). For a
    `ConditionalGAN`, give each set's
    labels. With packing (`pack` m > 1), D scores packs of m images of a
    set; each set is cut to a multiple of m.

    Args:
        train_images: array `(n, height, width, channels)` in the range D
            trains on ([-1, 1] for keras_gan's loaders): real images from
            the training set (all of it when it is small).
        held_out_images: array of the same shape per image: real images D
            never trains on (e.g. the test split).
        train_labels, held_out_labels: int arrays `(n,)`, class indices;
            required for a `ConditionalGAN`, refused otherwise.
        every_epochs: int >= 1, default 1.
        batch_size: int >= 1, images per D call (rounded down to a multiple
            of the pack size), default 256.
        seed: int, the seed of the generated images' z (the same every time).

    Raises:
        ValueError: at construction, if `every_epochs` or `batch_size` is not
            a positive int, a set is empty, or the sets' image shapes or
            label counts differ; when training starts, if the GAN is
            conditional and labels are missing (or the reverse), a set holds
            fewer images than a pack, or the model is image-to-image.

    Example:
        ```python
        overfitting = DiscriminatorOverfitting(train_images[:1000], test_images[:1000])
        history = gan.fit(dataset, epochs=50, callbacks=[overfitting])
        history.history["d_logit_gap"]
        ```
    """

    def __init__(self, train_images, held_out_images, train_labels=None, held_out_labels=None, every_epochs=1,
                 batch_size=256, seed=0):
        super().__init__()
        self.every_epochs = check_positive_int("every_epochs", every_epochs)
        self.batch_size = check_positive_int("batch_size", batch_size)
        self.seed = seed
        self.sets = {}
        for name, images, labels in (("train", train_images, train_labels),
                                     ("held_out", held_out_images, held_out_labels)):
            images = np.asarray(images, np.float32)
            if images.ndim < 2 or len(images) == 0:
                raise ValueError(
                    f"Invalid value for argument `{name}_images`. Expected a non-empty array of images. "
                    f"Received: shape {images.shape}"
                )
            if labels is not None:
                labels = np.asarray(labels, np.int32)
                if labels.shape != (len(images),):
                    raise ValueError(
                        f"Invalid value for argument `{name}_labels`. Expected one label per image, shape "
                        f"({len(images)},). Received: shape {labels.shape}"
                    )
            self.sets[name] = (images, labels)
        train_shape, held_out_shape = (images.shape[1:] for images, _ in self.sets.values())
        if train_shape != held_out_shape:
            raise ValueError(
                "Invalid value for argument `held_out_images`. Expected images of the training images' shape "
                f"{train_shape}. Received: {held_out_shape}"
            )
        if (train_labels is None) != (held_out_labels is None):
            raise ValueError(
                "Invalid arguments `train_labels` and `held_out_labels`. Expected both (a ConditionalGAN) or "
                "neither."
            )

    def on_train_begin(self, logs=None):
        gan = self.model
        if isinstance(gan, models.Pix2Pix):
            raise ValueError("DiscriminatorOverfitting: expected a GAN or ConditionalGAN. Received: an "
                             "image-to-image model (Pix2Pix)")
        conditional = isinstance(gan, models.ConditionalGAN)
        labelled = self.sets["train"][1] is not None
        if conditional != labelled:
            raise ValueError(
                "DiscriminatorOverfitting: expected `train_labels` and `held_out_labels` "
                + ("for a ConditionalGAN. Received: none" if conditional else "only for a ConditionalGAN. "
                   "Received: labels for an unconditional GAN")
            )
        pack = gan.pack
        for name, (images, _) in self.sets.items():
            if len(images) < pack:
                raise ValueError(
                    f"Invalid value for argument `{name}_images`. Expected at least pack = {pack} images. "
                    f"Received: {len(images)}"
                )

    NAMES = ("d_logit_train", "d_logit_held_out", "d_logit_fake", "d_logit_gap", "r_t_train", "r_t_held_out")

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        if (epoch + 1) % self.every_epochs:
            logs.update({name: float("nan") for name in self.NAMES})
            return
        gan = self.model
        (train, train_labels), (held_out, held_out_labels) = self.sets["train"], self.sets["held_out"]
        fakes = gan.generate(len(held_out), seed=self.seed, labels=held_out_labels)
        logits = {
            "train": self.logits(train, train_labels),
            "held_out": self.logits(held_out, held_out_labels),
            "fake": self.logits(np.asarray(fakes, np.float32), held_out_labels),
        }
        for name, values in logits.items():
            logs[f"d_logit_{name}"] = float(values.mean())
        logs["d_logit_gap"] = logs["d_logit_train"] - logs["d_logit_held_out"]
        for name in ("train", "held_out"):
            logs[f"r_t_{name}"] = float(np.sign(logits[name]).mean())

    def logits(self, images, labels):
        """D's logits on `images`, float64 `(n // pack,)`, inference mode."""
        pack = self.model.pack
        count = len(images) // pack * pack
        batch = max(pack, self.batch_size // pack * pack)
        out = []
        for start in range(0, count, batch):
            stop = min(start + batch, count)
            condition = None if labels is None else labels[start:stop]
            out.append(np.asarray(self.model.discriminate(images[start:stop], condition, training=False)))
        return np.concatenate(out).astype(np.float64).reshape(-1)
