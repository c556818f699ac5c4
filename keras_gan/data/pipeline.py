"""The pipeline every loader shares: scaling to [-1, 1], caching, shuffling, batching, sharding."""

import tensorflow as tf

from keras_gan.validation import check_positive_int

DEFAULT_CACHE_LIMIT_BYTES = 2 * 1024**3
DEFAULT_SHUFFLE_BUFFER = 10_000


def scale_images(images, value_range=(0.0, 255.0)):
    """Maps pixel values linearly from `value_range` to float32 [-1, 1].

    Args:
        images: a tensor of any numeric dtype and shape.
        value_range: `(low, high)` of the input pixels, low < high. Default
            (0, 255), for uint8 images.

    Returns:
        float32 tensor of the same shape, `low` -> -1 and `high` -> 1.
    """
    low, high = (float(v) for v in value_range)
    images = tf.cast(images, tf.float32)
    return (images - low) * (2.0 / (high - low)) - 1.0


def to_uint8(images):
    """Maps images from [-1, 1] to uint8 pixels in [0, 255], the inverse of
    `scale_images`.

    Args:
        images: a float tensor of any shape; values outside [-1, 1] are
            clipped.

    Returns:
        uint8 tensor of the same shape: -1 -> 0, 1 -> 255, rounded to the
        nearest integer.
    """
    images = tf.clip_by_value(tf.cast(images, tf.float32), -1.0, 1.0)
    return tf.cast(tf.round((images + 1.0) * 127.5), tf.uint8)


def batched(examples, batch_size, shuffle, seed, cache, shuffle_buffer, prepare, per_batch=False):
    """Cache, shuffle, `prepare` (scale, resize), batch, prefetch.

    `examples` holds images, or (image, label) pairs whose labels pass
    through as int32. With `per_batch`, `prepare` runs once per batch, after
    batching (one vectorised op instead of one per image), which images of
    one shape allow.
    """
    if cache:
        examples = examples.cache()
    if shuffle:
        examples = examples.shuffle(
            shuffle_buffer, seed=seed, reshuffle_each_iteration=True
        )
    if isinstance(examples.element_spec, tuple):
        prepare_image = prepare

        def prepare(image, label):
            return prepare_image(image), tf.cast(label, tf.int32)

    if not per_batch:
        examples = examples.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    # Across workers, shard by batch element: TFDS's MNIST is one file, too
    # few for tf.data's default sharding by file.
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    batches = examples.batch(batch_size, drop_remainder=True).with_options(options)
    if per_batch:
        batches = batches.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    return batches.prefetch(tf.data.AUTOTUNE)


def check_batch_size(batch_size, num_examples):
    check_positive_int("batch_size", batch_size)
    if num_examples is not None and batch_size > num_examples:
        raise ValueError(
            "Invalid value for argument `batch_size`. Expected at most the "
            f"number of examples, {num_examples} (the remainder is dropped). "
            f"Received: batch_size={batch_size}"
        )


def check_image_size(image_size):
    size = tuple(image_size) if hasattr(image_size, "__iter__") else None
    valid = size is not None and len(size) == 2
    if not valid or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size):
        raise ValueError(
            "Invalid value for argument `image_size`. Expected (height, width), two positive ints. "
            f"Received: image_size={image_size!r}"
        )
    return size
