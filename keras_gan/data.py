"""Image datasets for GAN training: TensorFlow Datasets, image folders, arrays.

Every loader returns a `tf.data.Dataset` of float32 image batches in [-1, 1],
shape `(batch, height, width, channels)`, or with labels `(images, labels)`
pairs, labels int32 `(batch,)`, for a conditional GAN: shuffled, cached in
memory when the prepared (decoded, resized) uint8 pixels fit, batched with
the remainder dropped (every step then has the same batch size, which
`d_steps` and `tf.distribute` rely on), scaled to [-1, 1] one batch at a
time, and prefetched. Under MultiWorkerMirroredStrategy each worker takes its share of
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


def _pipeline(examples, batch_size, shuffle, seed, cache, shuffle_buffer, prepare, per_batch=False):
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


def class_names(name, label_key="label", data_dir=None):
    """The class names of a TFDS dataset's class-label feature, in label order.

    Reads the dataset's metadata only. E.g. ["0", "1", ..., "9"] for mnist.

    Raises:
        ValueError: as `num_classes`.
    """
    return list(_class_label(_builder(name, data_dir), label_key).names)


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
    if image_size is not None:
        image_size = _check_image_size(image_size)
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
    return _pipeline(dataset, batch_size, shuffle, seed, cache, shuffle_buffer, scale_images, per_batch=True)


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
        per_batch=True,
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


# ---------------------------------------------------------------------------
# Image folders

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
COLOR_MODES = {"grayscale": 1, "rgb": 3}
INTERPOLATIONS = ("area", "bicubic")
# ITU-R 601-2 luma, as tf.image.rgb_to_grayscale and PIL's "L" conversion.
LUMA = (0.2989, 0.5870, 0.1140)


def load_image_folder(
    directory,
    image_size=None,
    batch_size=128,
    labels=None,
    color_mode=None,
    crop_to_aspect_ratio=False,
    interpolation="area",
    shuffle=True,
    seed=None,
    cache=None,
    shuffle_buffer=DEFAULT_SHUFFLE_BUFFER,
    verify=True,
):
    """Every image under `directory`, recursively, as batches in [-1, 1].

    The same kind of dataset as `load_tfds`: shuffled, cached in memory when
    it fits, batched with the remainder dropped, prefetched, sharded by
    element across workers. PNG, JPEG, BMP and GIF files (the first frame)
    are read by extension, case-insensitively, in sorted path order, and
    decoded by TensorFlow (`tf.io.decode_image`). The prepared images
    (decoded, converted, cropped, resized, as uint8) are what is cached, so
    each is decoded once; scaling to [-1, 1] runs on whole batches.

    Preparing an image: convert to `color_mode`'s channels (grayscale by
    ITU-R 601-2 luma, as PIL and `tf.image.rgb_to_grayscale`; grayscale to
    RGB by repetition; alpha dropped); with `crop_to_aspect_ratio`, cut the
    largest centred region of `image_size`'s aspect ratio; then resize to
    `image_size` with `interpolation`, anti-aliased: "area" (the mean of the
    source pixels each output pixel covers) or "bicubic" (antialias=True).
    An image already of `image_size` is not resampled.

    Files that cannot be read: with `verify` (the default), every file is
    decoded once up front (by PIL, on all cores); files that are not images,
    or are truncated or corrupt, are skipped with one warning that counts
    them and names them (the first 20). A scraped folder then trains on
    what it can read. With `verify=False` only the headers are read (fast
    for large folders), and a file that fails to decode in training is
    dropped by tf.data (`ignore_errors`, logged without its name).

    Args:
        directory: str or path-like, the folder.
        image_size: None, or `(height, width)`: resize every image to it.
            None requires all images to have one size, which is used.
        batch_size: int >= 1, images per batch; at most the number of images.
        labels: None (default: images only), or "inferred": integer labels
            from the class subfolders of `directory`, 0, 1, ... in sorted
            folder-name order, every image below a class folder (at any
            depth) of that class. `dataset.class_names` lists the folder
            names in label order.
        color_mode: "grayscale" (1 channel), "rgb" (3), or None (default):
            grayscale when every image is, else rgb.
        crop_to_aspect_ratio: bool, centre-crop to `image_size`'s aspect
            ratio before resizing (else the image is stretched).
        interpolation: "area" (default) or "bicubic".
        shuffle, seed, shuffle_buffer: as in `load_tfds`.
        cache: bool or None. None (default) caches the prepared images when
            they take at most 2 GiB.
        verify: bool, decode every file once up front to skip unreadable
            ones by name (default True).

    Returns:
        A `tf.data.Dataset` of float32 `(batch_size, height, width,
        channels)` in [-1, 1]; with `labels="inferred"`, of `(images,
        labels)` pairs, labels int32 `(batch_size,)`. Its `class_names`
        attribute is the list of class folder names (empty without labels).

    Raises:
        FileNotFoundError: if `directory` does not exist.
        ValueError: naming the path, for a folder with no readable image,
            images of different sizes without `image_size`,
            `labels="inferred"` with images directly in `directory` beside
            class folders (or no class folders), and for bad arguments.
    """
    import os

    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            "Invalid value for argument `directory`. Expected an existing folder of images. "
            f"Received: directory={directory!r}, which {'is a file' if os.path.exists(directory) else 'does not exist'}"
        )
    if labels not in (None, "inferred"):
        raise ValueError(
            f"Invalid value for argument `labels`. Expected None or 'inferred'. Received: labels={labels!r}"
        )
    if color_mode not in (None, *COLOR_MODES):
        raise ValueError(
            "Invalid value for argument `color_mode`. Expected None, 'grayscale' or 'rgb'. "
            f"Received: color_mode={color_mode!r}"
        )
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"Invalid value for argument `interpolation`. Expected one of {INTERPOLATIONS}. "
            f"Received: interpolation={interpolation!r}"
        )
    if image_size is not None:
        image_size = _check_image_size(image_size)

    paths, class_ids, class_names = _list_images(directory, labels == "inferred")
    headers, skipped = _read_headers(paths, verify)
    if skipped:
        _warn_skipped(directory, skipped)
    keep = [i for i, header in enumerate(headers) if header is not None]
    if not keep:
        raise ValueError(
            "Invalid value for argument `directory`. Expected at least one readable image "
            f"({', '.join(IMAGE_EXTENSIONS)}) below it. Received: directory={directory!r}, with "
            f"{len(paths)} image files of which none could be read"
        )
    paths = [paths[i] for i in keep]
    class_ids = [class_ids[i] for i in keep]
    headers = [headers[i] for i in keep]
    if image_size is None:
        image_size = _common_size(directory, paths, headers)
    if color_mode is None:
        color_mode = "grayscale" if all(gray for _, gray in headers) else "rgb"
    channels = COLOR_MODES[color_mode]
    _check_batch_size(batch_size, len(paths))
    if cache is None:
        cache = len(paths) * image_size[0] * image_size[1] * channels <= DEFAULT_CACHE_LIMIT_BYTES

    def prepare(path):
        return _prepare_image(tf.io.read_file(path), image_size, channels, crop_to_aspect_ratio, interpolation)

    if labels == "inferred":
        examples = tf.data.Dataset.from_tensor_slices((paths, np.asarray(class_ids, np.int32)))
        examples = examples.map(lambda path, label: (prepare(path), label), num_parallel_calls=tf.data.AUTOTUNE)
    else:
        examples = tf.data.Dataset.from_tensor_slices(paths).map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    if not verify:
        examples = examples.ignore_errors(log_warning=True)
    dataset = _pipeline(examples, batch_size, shuffle, seed, cache, shuffle_buffer, scale_images, per_batch=True)
    dataset.class_names = class_names
    return dataset


def _check_image_size(image_size):
    size = tuple(image_size) if hasattr(image_size, "__iter__") else None
    valid = size is not None and len(size) == 2
    if not valid or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size):
        raise ValueError(
            "Invalid value for argument `image_size`. Expected (height, width), two positive ints. "
            f"Received: image_size={image_size!r}"
        )
    return size


def _list_images(directory, inferred):
    """(paths, class ids, class names): image files in sorted order."""
    import os

    def images_below(folder):
        found = []
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            found += [os.path.join(root, f) for f in sorted(files) if f.lower().endswith(IMAGE_EXTENSIONS)]
        return found

    if not inferred:
        paths = images_below(directory)
        if not paths:
            raise ValueError(
                "Invalid value for argument `directory`. Expected image files "
                f"({', '.join(IMAGE_EXTENSIONS)}) below it. Received: directory={directory!r}, which holds none"
            )
        return paths, [0] * len(paths), []
    entries = sorted(os.listdir(directory))
    class_names = [e for e in entries if os.path.isdir(os.path.join(directory, e))]
    loose = [e for e in entries if e.lower().endswith(IMAGE_EXTENSIONS)]
    loose = [e for e in loose if os.path.isfile(os.path.join(directory, e))]
    if loose or not class_names:
        found = f"images at its top level ({', '.join(loose[:3])}{', ...' if len(loose) > 3 else ''})" if loose else (
            "no class folders"
        )
        raise ValueError(
            "Invalid value for argument `labels`. Expected labels='inferred' to find one folder per class "
            f"directly in {directory!r}, and no images beside them. Received: a folder with {found}"
        )
    paths, class_ids = [], []
    for label, name in enumerate(class_names):
        below = images_below(os.path.join(directory, name))
        if not below:
            raise ValueError(
                "Invalid value for argument `directory`. Expected images in every class folder. "
                f"Received: {os.path.join(directory, name)!r}, which holds none"
            )
        paths += below
        class_ids += [label] * len(below)
    return paths, class_ids, class_names


def _read_header(path, verify):
    """((height, width), grayscale) of an image file, or None if unreadable."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            size, mode = (image.size[1], image.size[0]), image.mode
            if verify:
                image.load()  # decodes it: raises for truncated or corrupt data
    except Exception:  # PIL raises many types for bad files
        return None
    return size, mode in ("1", "L", "LA", "I", "I;16", "F")


def _read_headers(paths, verify):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor() as pool:  # PIL releases the GIL while decoding
        headers = list(pool.map(lambda p: _read_header(p, verify), paths, chunksize=64))
    return headers, [p for p, h in zip(paths, headers) if h is None]


def _warn_skipped(directory, skipped):
    import warnings

    shown = ", ".join(skipped[:20]) + (f", and {len(skipped) - 20} more" if len(skipped) > 20 else "")
    warnings.warn(
        f"load_image_folder({directory!r}): skipped {len(skipped)} files that are not readable images "
        f"(not an image, truncated or corrupt): {shown}",
        stacklevel=3,
    )


def _common_size(directory, paths, headers):
    sizes = {}
    for path, (size, _) in zip(paths, headers):
        sizes.setdefault(size, path)
    if len(sizes) > 1:
        (a, path_a), (b, path_b) = list(sizes.items())[:2]
        raise ValueError(
            "Invalid value for argument `image_size`. Expected (height, width) when the images under "
            f"{directory!r} differ in size. Received: image_size=None, with {path_a!r} of {a[0]}x{a[1]} "
            f"and {path_b!r} of {b[0]}x{b[1]} ({len(sizes)} sizes in all)"
        )
    return next(iter(sizes))


def _prepare_image(contents, image_size, channels, crop_to_aspect_ratio, interpolation):
    """Encoded bytes -> uint8 `(height, width, channels)` of `image_size`."""
    # Three channels first: GIFs decode to RGB only; grayscale ones come back
    # repeated, and their luma below is the original value exactly.
    image = tf.io.decode_image(contents, channels=3, expand_animations=False)
    image = tf.cast(image, tf.float32)
    if channels == 1:
        image = tf.round(tf.tensordot(image, tf.constant(LUMA), axes=[[2], [0]])[..., None])
    if crop_to_aspect_ratio:
        image = _center_crop(image, image_size)
    same = tf.reduce_all(tf.equal(tf.shape(image)[:2], tf.constant(image_size)))
    image = tf.cond(
        same,
        lambda: image,
        lambda: tf.image.resize(image, image_size, method=interpolation, antialias=interpolation == "bicubic"),
    )
    image = tf.ensure_shape(image, (*image_size, channels))
    return tf.cast(tf.clip_by_value(tf.round(image), 0.0, 255.0), tf.uint8)


def _center_crop(image, image_size):
    """The largest centred region of `image` with `image_size`'s aspect ratio."""
    height, width = tf.shape(image)[0], tf.shape(image)[1]
    target = image_size[1] / image_size[0]  # width / height
    crop_width = tf.minimum(width, tf.cast(tf.round(tf.cast(height, tf.float32) * target), tf.int32))
    crop_height = tf.minimum(height, tf.cast(tf.round(tf.cast(crop_width, tf.float32) / target), tf.int32))
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return image[top : top + crop_height, left : left + crop_width]


# ----------------------------------------------------------------------
# Paired images (image-to-image translation, keras_gan.Pix2Pix)


def _paired_pipeline(pairs, batch_size, shuffle, seed, shuffle_buffer, prepare):
    """Cache, shuffle, batch (remainder dropped), `prepare` both images of
    each batch, prefetch; sharded by element across workers."""
    pairs = pairs.cache()
    if shuffle:
        pairs = pairs.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = pairs.batch(batch_size, drop_remainder=True).with_options(options)
    batches = batches.map(lambda x, y: (prepare(x), prepare(y)), num_parallel_calls=tf.data.AUTOTUNE)
    return batches.prefetch(tf.data.AUTOTUNE)


def _as_images(array, name):
    array = np.asarray(array)
    if array.ndim == 3:
        array = array[..., np.newaxis]
    if array.ndim != 4 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a numeric array of shape (num_images, height, "
            f"width[, channels]). Received: an array of shape {array.shape} and dtype {array.dtype}"
        )
    return array


def _check_pairs(inputs_shape, targets_shape, count_inputs, count_targets):
    if count_inputs != count_targets:
        raise ValueError(
            "Invalid value for argument `targets`. Expected one target per input image, "
            f"{count_inputs}. Received: {count_targets} targets"
        )
    if tuple(inputs_shape[:2]) != tuple(targets_shape[:2]):
        raise ValueError(
            "Invalid value for argument `targets`. Expected images of the inputs' height and width "
            f"{tuple(inputs_shape[:2])}. Received: targets of size {tuple(targets_shape[:2])}"
        )


def paired_from_arrays(
    inputs, targets, batch_size=64, value_range=(0, 255), shuffle=True, seed=None,
    shuffle_buffer=DEFAULT_SHUFFLE_BUFFER,
):
    """(inputs, targets) batches for `keras_gan.Pix2Pix` from two arrays.

    Args:
        inputs: array `(n, h, w[, c_x])`, the images x.
        targets: array `(n, h, w[, c_y])`, the image y of each x (the same
            height and width; channels may differ).
        batch_size: int >= 1, at most n.
        value_range: `(low, high)` of both arrays' pixels (default 0-255).
        shuffle, seed, shuffle_buffer: as in `load_tfds`; a pair stays a pair.

    Returns:
        A `tf.data.Dataset` of `(inputs, targets)`, float32 `(batch, h, w,
        c)` in [-1, 1].

    Raises:
        ValueError: for arrays that are not images, inputs and targets of
            different counts or sizes, or a bad `batch_size`.
    """
    inputs, targets = _as_images(inputs, "inputs"), _as_images(targets, "targets")
    _check_pairs(inputs.shape[1:], targets.shape[1:], len(inputs), len(targets))
    _check_batch_size(batch_size, len(inputs))
    pairs = tf.data.Dataset.from_tensor_slices((inputs, targets))
    return _paired_pipeline(pairs, batch_size, shuffle, seed, shuffle_buffer,
                            lambda images: scale_images(images, value_range))


def load_paired_folders(
    inputs_dir, targets_dir, image_size=None, batch_size=64, color_mode=None, shuffle=True, seed=None,
    shuffle_buffer=DEFAULT_SHUFFLE_BUFFER,
):
    """(inputs, targets) batches from two parallel image folders.

    The folders hold the same relative file names: `inputs_dir/a/1.png`
    pairs with `targets_dir/a/1.png` (pix2pix's A and B). Each folder is
    read as `load_image_folder` reads one (decoding, colour conversion,
    resizing to `image_size`), in sorted path order.

    Args:
        inputs_dir, targets_dir: folders of PNG, JPEG, BMP or GIF files.
        image_size: `(height, width)` for both, or None (their common size).
        batch_size, color_mode, shuffle, seed, shuffle_buffer: as in
            `load_image_folder`.

    Returns:
        A `tf.data.Dataset` of `(inputs, targets)`, float32 in [-1, 1].

    Raises:
        ValueError: if the folders' file names differ (naming the first
            that has no partner), their images differ in size, or as
            `load_image_folder`.
    """
    import os

    names = []
    for directory in (inputs_dir, targets_dir):
        paths, _, _ = _list_images(directory, inferred=False)
        names.append([os.path.relpath(path, directory) for path in paths])
    unpaired = sorted(set(names[0]) ^ set(names[1]))
    if unpaired:
        side = "inputs_dir" if unpaired[0] in names[0] else "targets_dir"
        raise ValueError(
            "Invalid value for argument `targets_dir`. Expected the same file names as `inputs_dir`. "
            f"Received: {len(unpaired)} unpaired files, the first {unpaired[0]!r} in {side} only"
        )
    single = [
        load_image_folder(directory, image_size=image_size, batch_size=1, color_mode=color_mode, shuffle=False,
                          cache=False).unbatch()
        for directory in (inputs_dir, targets_dir)
    ]
    x_spec, y_spec = single[0].element_spec, single[1].element_spec
    _check_pairs(x_spec.shape, y_spec.shape, len(names[0]), len(names[1]))
    _check_batch_size(batch_size, len(names[0]))
    # load_image_folder scaled them to [-1, 1] already.
    return _paired_pipeline(tf.data.Dataset.zip(tuple(single)), batch_size, shuffle, seed, shuffle_buffer,
                            lambda images: images)


def load_paired_tfds(
    name, input_key, target_key, split="train", batch_size=64, shuffle=True, seed=None, data_dir=None,
    download=False, shuffle_buffer=DEFAULT_SHUFFLE_BUFFER,
):
    """(inputs, targets) batches from a TFDS dataset with two image features.

    Args:
        name: TFDS dataset name, prepared in `data_dir` (downloaded only with
            `download=True`).
        input_key, target_key: the names of the two image features of
            each example.
        split, batch_size, shuffle, seed, data_dir, shuffle_buffer: as in
            `load_tfds`.

    Returns:
        A `tf.data.Dataset` of `(inputs, targets)`, float32 in [-1, 1].

    Raises:
        ValueError: for a dataset without those features, or images of
            different sizes.
    """
    builder = _builder(name, data_dir)
    if download:
        builder.download_and_prepare()
    features = builder.info.features
    for key in (input_key, target_key):
        if key not in features:
            raise ValueError(
                f"Invalid value for argument `{'input_key' if key == input_key else 'target_key'}`. Expected a "
                f"feature of {name}: {sorted(features.keys())}. Received: {key!r}"
            )
    _check_pairs(features[input_key].shape, features[target_key].shape, 1, 1)
    pairs = builder.as_dataset(split=split).map(lambda example: (example[input_key], example[target_key]))
    return _paired_pipeline(pairs, batch_size, shuffle, seed, shuffle_buffer, scale_images)
