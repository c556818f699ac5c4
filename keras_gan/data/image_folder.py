"""`load_image_folder`: a folder of image files as the same batches `load_tfds` gives."""

import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import tensorflow as tf

from keras_gan.data import image_files
from keras_gan.data.pipeline import DEFAULT_CACHE_LIMIT_BYTES
from keras_gan.data.pipeline import DEFAULT_SHUFFLE_BUFFER
from keras_gan.data.pipeline import batched
from keras_gan.data.pipeline import check_batch_size
from keras_gan.data.pipeline import check_image_size
from keras_gan.data.pipeline import scale_images

COLOR_MODES = {"grayscale": 1, "rgb": 3}
INTERPOLATIONS = ("area", "bicubic")
# Skipped files named in the warning itself; the rest are in `skipped_files`.
SHOWN_IN_WARNING = 10


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
    exif_orientation=True,
):
    """Every image under `directory`, recursively, as batches in [-1, 1].

    The same kind of dataset as `load_tfds`: shuffled, batched with the
    remainder dropped, prefetched, sharded by element across workers.

    Which files: PNG, JPEG, BMP, GIF, TIFF and WebP by extension
    (`image_files.IMAGE_EXTENSIONS`, any case), in sorted path order, at
    any depth; symbolic links are followed (a folder reached twice is read
    once). Hidden names (starting with a dot: `.DS_Store`, `._photo.jpg`,
    `.cache/`) and `__MACOSX/` are passed over, and the warning names them.

    One decoder: Pillow reads every file by its content, in the check
    before training and in training alike (`keras_gan.data.image_files`:
    palette, 1-bit, 16-bit, CMYK and transparent images in their true
    colours, the first frame of an animation, the EXIF orientation
    applied). With `verify` (the default) every file is decoded and
    prepared once, on all cores, before this function returns: a file that
    cannot be read is skipped, and one warning counts the skipped files and
    names the first 10 with the reason; all of them are in the dataset's
    `skipped_files`. The prepared images (decoded, converted, cropped,
    resized, uint8) are kept in memory when they take at most 2 GiB
    (`cache`), so each file is decoded once in all; else training decodes
    them again with the same code, every epoch.

    Preparing an image: convert to `color_mode`'s channels; with
    `crop_to_aspect_ratio`, cut the largest centred region of `image_size`'s
    aspect ratio; then resize to `image_size` with `interpolation`,
    anti-aliased: "area" (the mean of the source pixels each output pixel
    covers) or "bicubic" (antialias=True). An image already of
    `image_size` is not resampled.

    Args:
        directory: str or path-like, the folder.
        image_size: None, or `(height, width)`: resize every image to it.
            None requires all images to have one size, which is used.
        batch_size: int >= 1, images per batch; at most the number of
            readable images.
        labels: None (default: images only), or "inferred": integer labels
            from the class subfolders of `directory`, 0, 1, ... in sorted
            folder-name order (hidden folders are no class), every image
            below a class folder (at any depth) of that class.
            `dataset.class_names` lists the folder names in label order.
        color_mode: "grayscale" (1 channel), "rgb" (3), or None (default):
            grayscale when every image is (a gray palette too), else rgb.
        crop_to_aspect_ratio: bool, centre-crop to `image_size`'s aspect
            ratio before resizing (else the image is stretched).
        interpolation: "area" (default) or "bicubic".
        shuffle, seed, shuffle_buffer: as in `load_tfds`.
        cache: bool or None. None (default) keeps the prepared images in
            memory when they take at most 2 GiB; False decodes every epoch.
        verify: bool, default True: decode every file before training.
            False reads the headers only (fast for huge folders); a file
            that then fails in training is dropped with a warning naming it.
        exif_orientation: bool, default True: apply a photo's EXIF
            orientation tag (False: the pixels as stored).

    Returns:
        A `tf.data.Dataset` of float32 `(batch_size, height, width,
        channels)` in [-1, 1]; with `labels="inferred"`, of `(images,
        labels)` pairs, labels int32 `(batch_size,)`. Attributes:
        `class_names` (list of str, empty without labels), `skipped_files`
        (list of `(path, reason)`), `hidden` (list of the paths passed over).

    Raises:
        FileNotFoundError: if `directory` does not exist.
        ValueError: naming the path, for a folder with no readable image, a
            class folder with no readable image, images of different sizes
            without `image_size`, `labels="inferred"` with images directly in
            `directory` beside class folders (or no class folders), and for
            bad arguments.
    """
    directory = check_directory("directory", directory)
    if labels not in (None, "inferred"):
        raise ValueError(
            f"Invalid value for argument `labels`. Expected None or 'inferred'. Received: labels={labels!r}"
        )
    reader = FolderReader(image_size, color_mode, crop_to_aspect_ratio, interpolation, exif_orientation)
    listing = image_files.list_images(directory, labels == "inferred")
    images, kept, skipped = reader.read(directory, listing.paths, listing.hidden, verify, cache, batch_size)
    class_ids = [listing.class_ids[i] for i in kept]
    empty = sorted(set(range(len(listing.class_names))) - set(class_ids))
    if empty:
        raise ValueError(
            "Invalid value for argument `directory`. Expected a readable image in every class folder. "
            f"Received: {os.path.join(directory, listing.class_names[empty[0]])!r}, whose image files could not "
            "be read (see the warning)"
        )
    if images is not None:
        examples = tf.data.Dataset.from_tensor_slices(np.stack(images))
    else:
        examples = reader.stream([listing.paths[i] for i in kept])
    if labels == "inferred":
        examples = tf.data.Dataset.zip((examples, tf.data.Dataset.from_tensor_slices(np.asarray(class_ids, np.int32))))
    if not verify:  # files that fail in training give empty images
        examples = examples.filter(lambda image, *label: tf.size(image) > 0)
    cache_stream = images is None and reader.cache_stream
    dataset = batched(examples, batch_size, shuffle, seed, cache_stream, shuffle_buffer, scale_images, per_batch=True)
    dataset.class_names = listing.class_names
    dataset.skipped_files = skipped
    dataset.hidden = listing.hidden
    return dataset


def check_directory(name, directory):
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"Invalid value for argument `{name}`. Expected an existing folder of images. Received: "
            f"{name}={directory!r}, which {'is a file' if os.path.exists(directory) else 'does not exist'}"
        )
    return directory


def warn_passed_over(directory, skipped, hidden):
    """One warning: how many files were skipped and why (the first
    `SHOWN_IN_WARNING`), and which hidden names were passed over."""
    parts = []
    if skipped:
        shown = "; ".join(f"{path} ({why})" for path, why in skipped[:SHOWN_IN_WARNING])
        more = f"; and {len(skipped) - SHOWN_IN_WARNING} more" if len(skipped) > SHOWN_IN_WARNING else ""
        parts.append(f"skipped {len(skipped)} files that are not readable images: {shown}{more}")
    if hidden:
        shown = ", ".join(hidden[:SHOWN_IN_WARNING]) + (", ..." if len(hidden) > SHOWN_IN_WARNING else "")
        parts.append(f"passed over {len(hidden)} hidden folders or files, or links to folders read already "
                     f"(no images, no classes): {shown}")
    if parts:
        warnings.warn(f"load_image_folder({directory!r}): {'. '.join(parts)}", stacklevel=3)


class FolderReader:
    """Decodes and prepares image files, the same way before and during training.

    Checks its arguments on construction (the Keras error template).
    """

    def __init__(self, image_size, color_mode, crop_to_aspect_ratio, interpolation, exif_orientation):
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
        self.image_size = None if image_size is None else check_image_size(image_size)
        self.color_mode, self.crop, self.interpolation = color_mode, bool(crop_to_aspect_ratio), interpolation
        self.exif_orientation = bool(exif_orientation)
        # One graph for every image of the check (eager ops cost more than
        # the resize of a small image).
        self._traced_prepare = tf.function(
            self.prepare, input_signature=[tf.TensorSpec((None, None, None), tf.uint8)], reduce_retracing=True
        )

    @property
    def channels(self):
        return COLOR_MODES[self.color_mode]

    def read(self, directory, paths, hidden, verify, cache, batch_size):
        """Checks every file of `paths` and settles the size and channels.

        With `verify`, one pass decodes and prepares every file (at its own
        channels: a gray image's one channel is repeated afterwards, which
        commutes with resizing, so the result equals the stream's); without
        it, one pass reads the headers.

        Args:
            directory: str, named in the warning and errors.
            paths: list of str, the image files.
            hidden: list of str, the hidden names passed over (warned of).
            verify: bool, decode every file (else read its header).
            cache: bool or None, as `load_image_folder`'s.
            batch_size: int, checked against the files kept.

        Returns:
            (images, kept, skipped): the kept files' prepared images (a
            list of uint8 arrays) when they were decoded and are kept in
            memory, else None; the indices of the files kept; `(path,
            reason)` of those skipped. Warns once about what was skipped
            or passed over. Sets `keep_in_memory` (the images returned) and
            `cache_stream` (cache what training decodes).
        """
        self._cache, self._bytes, self._first_size, self._lock = cache, 0, None, threading.Lock()
        self.keep_in_memory = verify and cache is not False
        results = _map(self._load_and_measure if verify else self._header, paths)
        kept = [i for i, (value, _) in enumerate(results) if value is not None]
        skipped = [(paths[i], why) for i, (_, why) in enumerate(results) if why is not None]
        warn_passed_over(directory, skipped, hidden)
        if not kept:
            raise ValueError(
                "Invalid value for argument `directory`. Expected at least one readable image "
                f"({', '.join(image_files.IMAGE_EXTENSIONS)}) below it. Received: directory={directory!r}, with "
                f"{len(paths)} image files of which none could be read"
            )
        if self.image_size is None:
            self.image_size = _common_size(directory, [paths[i] for i in kept], [results[i][0][1] for i in kept])
        if self.color_mode is None:
            self.color_mode = "grayscale" if all(results[i][0][2] for i in kept) else "rgb"
        check_batch_size(batch_size, len(kept))
        # Decoded again in training (verify=False, or too large to keep):
        # cached there when they fit.
        size = len(kept) * self.image_size[0] * self.image_size[1] * self.channels
        self.cache_stream = not self.keep_in_memory and (size <= DEFAULT_CACHE_LIMIT_BYTES if cache is None else cache)
        if not self.keep_in_memory:
            return None, kept, skipped
        images = [results[i][0][0] for i in kept]
        return [np.repeat(image, self.channels // image.shape[-1], axis=-1) for image in images], kept, skipped

    def _header(self, path):
        size, gray = image_files.header(path, self.exif_orientation)
        return None, size, gray

    def _load_and_measure(self, path):
        """(prepared image, its size as decoded, whether it is gray) of one
        file, at the image's own channels unless `color_mode` says. The
        images stop being kept once they pass 2 GiB (`cache` None) or, with
        no `image_size`, once two sizes differ (an error follows)."""
        image = image_files.decode(path, COLOR_MODES.get(self.color_mode), self.exif_orientation)
        size, gray = image.shape[:2], image.shape[-1] == 1
        if self.image_size is not None and (size != tuple(self.image_size) or self.crop):
            image = self._traced_prepare(image).numpy()
        with self._lock:
            self._first_size = self._first_size or size
            self._bytes += image.nbytes
            too_large = self._cache is None and self._bytes > DEFAULT_CACHE_LIMIT_BYTES
            if too_large or (self.image_size is None and size != self._first_size):
                self.keep_in_memory = False
        return (image if self.keep_in_memory else None), size, gray

    def prepare(self, image):
        """uint8 `(h, w, c)` -> uint8 `image_size + (c,)`: centre crop
        (optional), then resize unless already of that size."""
        image = tf.cast(image, tf.float32)
        if self.crop:
            image = _center_crop(image, self.image_size)
        same = tf.reduce_all(tf.equal(tf.shape(image)[:2], tf.constant(self.image_size)))
        image = tf.cond(
            same,
            lambda: image,
            lambda: tf.image.resize(
                image, self.image_size, method=self.interpolation, antialias=self.interpolation == "bicubic"
            ),
        )
        image = tf.ensure_shape(image, (*self.image_size, None))
        return tf.cast(tf.clip_by_value(tf.round(image), 0.0, 255.0), tf.uint8)

    def stream(self, paths):
        """A dataset decoding `paths` in training, with the same decoder; a
        file that fails is named in a warning and gives an empty image."""

        def decode(path):
            path = path.decode()
            try:
                return image_files.decode(path, self.channels, self.exif_orientation)
            except Exception as error:  # noqa: BLE001 - Pillow raises many types for bad files
                warnings.warn(f"load_image_folder: skipped {path} ({image_files.reason(error)})", stacklevel=1)
                return np.zeros((0, 0, self.channels), np.uint8)

        def prepare(path):
            image = tf.numpy_function(decode, [path], tf.uint8, stateful=False)
            image.set_shape((None, None, self.channels))
            return tf.cond(
                tf.size(image) > 0,
                lambda: self.prepare(image),
                lambda: tf.zeros((0, 0, self.channels), tf.uint8),
            )

        return tf.data.Dataset.from_tensor_slices(paths).map(prepare, num_parallel_calls=tf.data.AUTOTUNE)


def _map(function, paths, keep=True):
    """[(function(path), None) or (None, reason)] on all cores (Pillow
    releases the GIL while decoding); with `keep=False` the values are
    dropped as they come (only whether each file reads is kept)."""

    def attempt(path):
        try:
            value = function(path)
        except Exception as error:  # noqa: BLE001 - Pillow raises many types for bad files
            return None, image_files.reason(error)
        return (value if keep else True), None

    with ThreadPoolExecutor() as pool:
        return list(pool.map(attempt, paths, chunksize=64))


def _common_size(directory, paths, sizes):
    first = {}
    for path, size in zip(paths, sizes):
        first.setdefault(size, path)
    if len(first) > 1:
        (a, path_a), (b, path_b) = list(first.items())[:2]
        raise ValueError(
            "Invalid value for argument `image_size`. Expected (height, width) when the images under "
            f"{directory!r} differ in size. Received: image_size=None, with {path_a!r} of {a[0]}x{a[1]} "
            f"and {path_b!r} of {b[0]}x{b[1]} ({len(first)} sizes in all)"
        )
    return next(iter(first))


def _center_crop(image, image_size):
    """The largest centred region of `image` with `image_size`'s aspect ratio."""
    height, width = tf.shape(image)[0], tf.shape(image)[1]
    target = image_size[1] / image_size[0]  # width / height
    crop_width = tf.minimum(width, tf.cast(tf.round(tf.cast(height, tf.float32) * target), tf.int32))
    crop_height = tf.minimum(height, tf.cast(tf.round(tf.cast(crop_width, tf.float32) / target), tf.int32))
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return image[top : top + crop_height, left : left + crop_width]
