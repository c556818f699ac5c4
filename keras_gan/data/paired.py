"""Paired images for image-to-image translation (`keras_gan.Pix2Pix`)."""

import numpy as np
import tensorflow as tf

from keras_gan.data import image_files
from keras_gan.data.pipeline import DEFAULT_SHUFFLE_BUFFER
from keras_gan.data.pipeline import check_batch_size
from keras_gan.data.pipeline import scale_images
from keras_gan.data.tfds import tfds_builder


def _paired_pipeline(pairs, batch_size, shuffle, seed, shuffle_buffer, prepare, cache=False):
    """Cache (optional), shuffle, batch (remainder dropped), `prepare` both
    images of each batch, prefetch; sharded by element across workers."""
    if cache:
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
    check_batch_size(batch_size, len(inputs))
    pairs = tf.data.Dataset.from_tensor_slices((inputs, targets))
    return _paired_pipeline(pairs, batch_size, shuffle, seed, shuffle_buffer,
                            lambda images: scale_images(images, value_range))


def load_paired_folders(
    inputs_dir, targets_dir, image_size=None, batch_size=64, color_mode=None, shuffle=True, seed=None,
    shuffle_buffer=DEFAULT_SHUFFLE_BUFFER, exif_orientation=True,
):
    """(inputs, targets) batches from two parallel image folders.

    The folders hold the same relative file names: `inputs_dir/a/1.png`
    pairs with `targets_dir/a/1.png` (pix2pix's A and B). Each folder is
    read as `load_image_folder` reads one (the same listing, decoder,
    colour conversion, resizing to `image_size`), in sorted path order,
    every file decoded before this function returns: a pair whose input or
    target cannot be read is skipped, and one warning names each such file.
    The prepared pairs are kept in memory when each folder's take at most
    2 GiB, else decoded again every epoch.

    Args:
        inputs_dir, targets_dir: folders of image files.
        image_size: `(height, width)` for both, or None (their common size).
        batch_size, color_mode, shuffle, seed, shuffle_buffer,
            exif_orientation: as in `load_image_folder` (`color_mode` is
            settled for each folder: x may be grayscale and y colour).

    Returns:
        A `tf.data.Dataset` of `(inputs, targets)`, float32 in [-1, 1].

    Raises:
        FileNotFoundError: for a folder that does not exist.
        ValueError: if the folders' file names differ (naming the first
            that has no partner, and which folder holds it), their images
            differ in size, no pair is readable, or as `load_image_folder`.
    """
    import os

    from keras_gan.data.image_folder import FolderReader
    from keras_gan.data.image_folder import check_directory
    from keras_gan.data.image_folder import warn_passed_over

    directories = (check_directory("inputs_dir", inputs_dir), check_directory("targets_dir", targets_dir))
    listings = [image_files.list_images(directory, inferred=False) for directory in directories]
    names = [[os.path.relpath(p, d) for p in listing.paths] for d, listing in zip(directories, listings)]
    unpaired = sorted(set(names[0]) ^ set(names[1]))
    if unpaired:
        side = "inputs_dir" if unpaired[0] in names[0] else "targets_dir"
        raise ValueError(
            "Invalid value for argument `targets_dir`. Expected the same file names as `inputs_dir`. "
            f"Received: {len(unpaired)} unpaired files, the first {unpaired[0]!r} in {side} only"
        )
    readers = [FolderReader(image_size, color_mode, False, "area", exif_orientation) for _ in directories]
    read = [
        reader.read(directory, listing.paths, listing.hidden, True, None, 1)
        for reader, directory, listing in zip(readers, directories, listings)
    ]
    kept = sorted(set(read[0][1]) & set(read[1][1]))
    partners = sorted((set(read[0][1]) | set(read[1][1])) - set(kept))
    if partners:
        warn_passed_over(directories[0], [(names[0][i], "its partner cannot be read") for i in partners], [])
    if not kept:
        raise ValueError(
            "Invalid value for argument `targets_dir`. Expected at least one pair whose input and target "
            f"both read. Received: none of {len(names[0])} pairs"
        )
    _check_pairs(readers[0].image_size, readers[1].image_size, len(kept), len(kept))
    check_batch_size(batch_size, len(kept))
    if all(reader.keep_in_memory for reader in readers):
        arrays = [
            np.stack([images[position[i]] for i in kept])
            for (images, indices, _) in read
            for position in [{index: n for n, index in enumerate(indices)}]
        ]
        pairs = tf.data.Dataset.from_tensor_slices(tuple(arrays))
    else:
        pairs = tf.data.Dataset.zip(
            tuple(reader.stream([listing.paths[i] for i in kept]) for reader, listing in zip(readers, listings))
        )
    return _paired_pipeline(pairs, batch_size, shuffle, seed, shuffle_buffer, scale_images)


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
    builder = tfds_builder(name, data_dir)
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
    return _paired_pipeline(pairs, batch_size, shuffle, seed, shuffle_buffer, scale_images, cache=True)
