"""Image datasets for GAN training: TensorFlow Datasets or NumPy arrays.

Every loader returns a `tf.data.Dataset` of float32 image batches in [-1, 1],
shape `(batch, height, width, channels)`, or with labels `(images, labels)`
pairs, labels int32 `(batch,)`, for a conditional GAN: shuffled, cached in memory when the
raw pixels fit, batched with the remainder dropped (every step then has the
same batch size, which `d_steps` and `tf.distribute` rely on), and
prefetched. Under MultiWorkerMirroredStrategy each worker takes its share of
every global batch (tf.data's DATA sharding): give every worker the same
`seed`, so that they shuffle alike.
"""

import math

import numpy as np
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


def _pipeline(examples, batch_size, shuffle, seed, cache, shuffle_buffer, prepare):
    """Cache raw pixels, shuffle, `prepare` (scale, resize), batch, prefetch.

    `examples` holds images, or (image, label) pairs whose labels pass
    through as int32.
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

    examples = examples.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    # Across workers, shard by batch element: TFDS's MNIST is one file, too
    # few for tf.data's default sharding by file.
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    batches = examples.batch(batch_size, drop_remainder=True).with_options(options)
    return batches.prefetch(tf.data.AUTOTUNE)


def _check_batch_size(batch_size, num_examples):
    check_positive_int("batch_size", batch_size)
    if num_examples is not None and batch_size > num_examples:
        raise ValueError(
            "Invalid value for argument `batch_size`. Expected at most the "
            f"number of examples, {num_examples} (the remainder is dropped). "
            f"Received: batch_size={batch_size}"
        )


def _builder(name, data_dir):
    import tensorflow_datasets as tfds

    try:
        return tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as error:
        raise ValueError(
            "Invalid value for argument `name`. Expected a TensorFlow Datasets "
            f"name such as 'mnist' or 'cifar10'. Received: name={name!r}"
        ) from error


def _class_label(builder, label_key):
    import tensorflow_datasets as tfds

    features = builder.info.features
    feature = features[label_key] if label_key in features else None
    if not isinstance(feature, tfds.features.ClassLabel):
        labels = sorted(
            key for key, value in features.items()
            if isinstance(value, tfds.features.ClassLabel)
        )
        raise ValueError(
            "Invalid value for argument `label_key`. Expected a class-label "
            f"feature of {builder.name!r}: one of {labels}. Received: "
            f"label_key={label_key!r}"
        )
    return feature


def num_classes(name, label_key="label", data_dir=None):
    """The number of classes of a TFDS dataset's class-label feature.

    Reads the dataset's metadata only (no download, no examples).

    Args:
        name: TFDS dataset name, e.g. "mnist".
        label_key: name of the class-label feature. Default "label".
        data_dir: str or None, as in `load_tfds`.

    Returns:
        int, e.g. 10 for mnist.

    Raises:
        ValueError: for an unknown dataset or a `label_key` that is not a
            class-label feature.
    """
    return _class_label(_builder(name, data_dir), label_key).num_classes


def load_tfds(
    name,
    split="train",
    batch_size=128,
    shuffle=True,
    seed=None,
    data_dir=None,
    download=True,
    image_size=None,
    cache=None,
    shuffle_buffer=DEFAULT_SHUFFLE_BUFFER,
    image_key="image",
    label_key=None,
):
    """Loads a TensorFlow Datasets image dataset as batches in [-1, 1].

    Works for any TFDS dataset with an image feature (mnist, fashion_mnist,
    cifar10, celeb_a, ...). TFDS finds prepared data in `data_dir`, else in
    `$TFDS_DATA_DIR`, else in `~/tensorflow_datasets`.

    Args:
        name: TFDS dataset name, e.g. "mnist" or "mnist:3.0.1".
        split: TFDS split, slicing allowed (e.g. "train[:50000]").
        batch_size: int >= 1, images per batch; at most the split's size. For
            `GAN.compile(d_steps=k)`, use k times the minibatch size.
        shuffle: bool, shuffle files and examples, differently every epoch.
        seed: int or None, seed of the shuffling.
        data_dir: str or None, where TFDS looks for (and writes) data.
        download: bool, download and prepare the dataset when it is not
            prepared yet. With False, a missing dataset raises.
        image_size: None, or `(height, width)`: resize every image to it
            (bilinear, antialiased), e.g. for DCGAN on celeb_a's 218x178.
        cache: bool or None. None (default) caches the raw pixels in memory
            when they take at most 2 GiB.
        shuffle_buffer: int >= 1, examples in the shuffle buffer.
        image_key: name of the image feature. Default "image".
        label_key: None (default: images only), or the name of a class-label
            feature, e.g. "label", for a conditional GAN.

    Returns:
        A `tf.data.Dataset` of float32 `(batch_size, height, width, channels)`
        in [-1, 1]; with `label_key`, of `(images, labels)` pairs, labels
        int32 `(batch_size,)` in [0, `num_classes(name, label_key)`).

    Raises:
        ValueError: for an unknown dataset name, a dataset with no
            `image_key` feature or no class-label `label_key` feature, or a
            bad `batch_size`.
        FileNotFoundError: if the dataset is not prepared locally and
            `download` is False.
        RuntimeError: if it is not prepared locally and cannot be downloaded
            (no network).
    """
    import tensorflow_datasets as tfds

    builder = _builder(name, data_dir)
    if not builder.is_prepared():
        where = f"data_dir={builder.data_dir!r}"
        if not download:
            raise FileNotFoundError(
                f"Dataset {name!r} is not prepared in {where}, and "
                "download=False. Point TFDS_DATA_DIR (or data_dir=) at a "
                "directory holding it, or allow the download."
            )
        try:
            builder.download_and_prepare()
        except Exception as error:
            raise RuntimeError(
                f"Dataset {name!r} is not prepared in {where} and could not "
                "be downloaded. Point TFDS_DATA_DIR (or data_dir=) at a "
                "directory holding it, or retry with network access. Cause: "
                f"{type(error).__name__}: {error}"
            ) from error

    features = builder.info.features
    if image_key not in features:
        raise ValueError(
            f"Invalid value for argument `image_key`. Expected one of the "
            f"features of {name!r}: {sorted(features.keys())}. Received: "
            f"image_key={image_key!r}"
        )
    if label_key is not None:
        _class_label(builder, label_key)
    num_examples = builder.info.splits[split].num_examples
    _check_batch_size(batch_size, num_examples)
    image_shape = features[image_key].shape
    if cache is None:
        known = None not in image_shape
        cache = known and (
            num_examples * math.prod(image_shape) <= DEFAULT_CACHE_LIMIT_BYTES
        )

    dataset = builder.as_dataset(
        split=split,
        shuffle_files=shuffle,
        read_config=tfds.ReadConfig(shuffle_seed=seed),
    )
    if label_key is None:
        dataset = dataset.map(lambda example: example[image_key])
    else:
        dataset = dataset.map(lambda example: (example[image_key], example[label_key]))

    def prepare(image):
        if image_size is not None:
            image = tf.image.resize(image, image_size, antialias=True)
            image = tf.clip_by_value(image, 0.0, 255.0)
        return scale_images(image)

    return _pipeline(dataset, batch_size, shuffle, seed, cache, shuffle_buffer, prepare)


def images_of(name, split, count, data_dir=None):
    """The first `count` images of a TFDS split, in order, as one array.

    Returns:
        float32 NumPy array `(count, height, width, channels)` in [-1, 1].
    """
    dataset = load_tfds(name, split=split, batch_size=count, shuffle=False, data_dir=data_dir, download=False)
    return next(iter(dataset)).numpy()


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
    _check_batch_size(batch_size, len(images))
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
    return _pipeline(
        dataset,
        batch_size,
        shuffle,
        seed,
        True,
        shuffle_buffer,
        lambda image: scale_images(image, value_range),
    )


# The 2-D mixtures of PacGAN and VEEGAN (REFERENCE.md): equal weights.
RING_MODES = np.array([(np.cos(2 * np.pi * i / 8), np.sin(2 * np.pi * i / 8)) for i in range(8)])
RING_SIGMA = 0.01
GRID_MODES = np.array([(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)], np.float64)
GRID_SIGMA = 0.05


def gaussian_mixture(means, stddev, batch_size=128, seed=0):
    """An endless dataset of samples of a Gaussian mixture, equal weights.

    Args:
        means: float array `(num_modes, dim)`, e.g. `RING_MODES`, or
            `[[0.0]]` for a 1-D Gaussian.
        stddev: float > 0, the standard deviation of every mode (isotropic).
        batch_size: int >= 1, samples per batch.
        seed: int; the same seed gives the same batches.

    Returns:
        A `tf.data.Dataset` of float32 `(batch_size, dim)` batches, repeated
        without end (use `steps_per_epoch`).

    Raises:
        ValueError: for `means` not of shape `(num_modes, dim)`, or a bad
            `stddev` or `batch_size`.
    """
    means = np.asarray(means, np.float32)
    if means.ndim != 2 or not len(means):
        raise ValueError(
            "Invalid value for argument `means`. Expected an array of shape "
            f"(num_modes, dim). Received: shape {means.shape}"
        )
    if not stddev > 0:
        raise ValueError(f"Invalid value for argument `stddev`. Expected a float > 0. Received: stddev={stddev!r}")
    check_positive_int("batch_size", batch_size)
    centres = tf.constant(means)

    def batch(index):
        seeds = tf.random.experimental.stateless_split(tf.stack([tf.cast(seed, tf.int64), index]), 2)
        modes = tf.random.stateless_uniform([batch_size], seeds[0], 0, len(means), tf.int32, alg="philox")
        noise = tf.random.stateless_normal([batch_size, means.shape[1]], seeds[1], alg="philox")
        return tf.gather(centres, modes) + stddev * noise

    return tf.data.Dataset.counter().map(batch).prefetch(tf.data.AUTOTUNE)
