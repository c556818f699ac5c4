"""NumPy arrays as the same batches `load_tfds` gives: `from_arrays`."""

import numpy as np
import tensorflow as tf

from keras_gan.data.pipeline import DEFAULT_SHUFFLE_BUFFER
from keras_gan.data.pipeline import batched
from keras_gan.data.pipeline import check_batch_size
from keras_gan.data.pipeline import scale_images


def from_arrays(
    images,
    batch_size=128,
    value_range=(0, 255),
    shuffle=True,
    seed=None,
    shuffle_buffer=DEFAULT_SHUFFLE_BUFFER,
    labels=None,
):
    """Makes the same kind of dataset as `load_tfds` from a NumPy array.

    Args:
        images: array `(num_images, height, width)` or
            `(num_images, height, width, channels)`, any numeric dtype; a
            channel axis of 1 is added to rank-3 input.
        batch_size: int >= 1, at most `num_images`.
        value_range: `(low, high)` of the input pixels; default (0, 255).
            Use (0, 1) for floats in [0, 1], (-1, 1) for data already scaled.
        shuffle, seed, shuffle_buffer: as in `load_tfds`.
        labels: None, or integer class labels `(num_images,)` for a
            conditional GAN.

    Returns:
        A `tf.data.Dataset` of float32 `(batch_size, height, width, channels)`
        in [-1, 1], cached in memory; with `labels`, of `(images, labels)`
        pairs, labels int32 `(batch_size,)`.

    Raises:
        ValueError: for images that are not rank 3 or 4 or not numeric,
            labels that are not integers of shape `(num_images,)`, a bad
            `value_range`, or a bad `batch_size`.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or not np.issubdtype(images.dtype, np.number):
        raise ValueError(
            "Invalid value for argument `images`. Expected a numeric array of "
            "shape (num_images, height, width[, channels]). Received: an array "
            f"of shape {images.shape} and dtype {images.dtype}"
        )
    low, high = value_range
    if not low < high:
        raise ValueError(
            "Invalid value for argument `value_range`. Expected (low, high) "
            f"with low < high. Received: value_range={value_range!r}"
        )
    check_batch_size(batch_size, len(images))
    if labels is None:
        dataset = tf.data.Dataset.from_tensor_slices(images)
    else:
        labels = np.asarray(labels)
        if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(
                "Invalid value for argument `labels`. Expected integer class "
                f"labels of shape ({len(images)},), one per image. Received: "
                f"an array of shape {labels.shape} and dtype {labels.dtype}"
            )
        dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    return batched(
        dataset,
        batch_size,
        shuffle,
        seed,
        True,
        shuffle_buffer,
        lambda image: scale_images(image, value_range),
        per_batch=True,
    )
