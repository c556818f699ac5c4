"""TensorFlow Datasets: `load_tfds`, `images_of`, and a dataset's classes."""

import math

import tensorflow as tf

from keras_gan.data.pipeline import DEFAULT_CACHE_LIMIT_BYTES
from keras_gan.data.pipeline import DEFAULT_SHUFFLE_BUFFER
from keras_gan.data.pipeline import batched
from keras_gan.data.pipeline import check_batch_size
from keras_gan.data.pipeline import check_image_size
from keras_gan.data.pipeline import scale_images


def tfds_builder(name, data_dir):
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
    return _class_label(tfds_builder(name, data_dir), label_key).num_classes


def class_names(name, label_key="label", data_dir=None):
    """The class names of a TFDS dataset's class-label feature, in label order.

    Reads the dataset's metadata only. E.g. ["0", "1", ..., "9"] for mnist.

    Raises:
        ValueError: as `num_classes`.
    """
    return list(_class_label(tfds_builder(name, data_dir), label_key).names)


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
            (bilinear, antialiased, rounded to uint8 and cached so), e.g.
            for DCGAN on celeb_a's 218x178.
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

    builder = tfds_builder(name, data_dir)
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
    check_batch_size(batch_size, num_examples)
    image_shape = features[image_key].shape
    if image_size is not None:
        image_size = check_image_size(image_size)
        image_shape = (*image_size, image_shape[-1])
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

    if image_size is not None:
        # Resized once, before the cache, and kept as uint8.
        def resize(image):
            image = tf.image.resize(image, image_size, antialias=True)
            return tf.cast(tf.clip_by_value(tf.round(image), 0.0, 255.0), tf.uint8)

        if label_key is None:
            dataset = dataset.map(resize, num_parallel_calls=tf.data.AUTOTUNE)
        else:
            dataset = dataset.map(lambda image, label: (resize(image), label), num_parallel_calls=tf.data.AUTOTUNE)
    return batched(dataset, batch_size, shuffle, seed, cache, shuffle_buffer, scale_images, per_batch=True)


def images_of(name, split, count, data_dir=None):
    """The first `count` images of a TFDS split, in order, as one array.

    Returns:
        float32 NumPy array `(count, height, width, channels)` in [-1, 1].
    """
    dataset = load_tfds(name, split=split, batch_size=count, shuffle=False, data_dir=data_dir, download=False)
    return next(iter(dataset)).numpy()


def is_tfds_name(name):
    """Whether `name` ("mnist", "cifar10_corrupted/brightness_1:1.0.0")
    names a dataset that TFDS registers; reads no data."""
    import tensorflow_datasets as tfds

    try:
        tfds.builder_cls(name.split(":")[0].split("/")[0])
    except Exception:  # noqa: BLE001 - DatasetNotFoundError and name-format errors alike
        return False
    return True
