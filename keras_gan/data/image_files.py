"""Image files as users have them: listing a folder, and one decoder for checking and training.

Pillow decodes every file, both in the check before training and in
training itself, so that a file either trains with the pixels the check saw
or is skipped, by name, before the first step. Pillow reads the format from
the file's content, not its name (a TIFF saved as `photo.jpg` is read as a
TIFF), and the conversions below give every mode its true colours:

| Pillow mode                  | decoded as                                          |
|------------------------------|-----------------------------------------------------|
| "1" (1-bit)                  | 0 or 255                                            |
| "L", "RGB"                   | as stored                                           |
| "P" (palette), "PA"          | the palette's colours (not the indices)             |
| "I;16*", "I" (16-bit)        | round(v / 257): 0 -> 0, 65535 -> 255, clipped       |
| "CMYK", "YCbCr", "LAB", "HSV"| Pillow's conversion to RGB                          |
| with alpha ("RGBA", "LA", ..)| composited onto white (a transparent pixel is white)|
| "F" (float)                  | refused: its range is not defined                   |

Animated files (GIF, WebP, APNG, multi-page TIFF) give their first frame.
With `exif_orientation` (the default), a photo's EXIF orientation tag is
applied (`PIL.ImageOps.exif_transpose`), so that it trains upright.
Grayscale to RGB repeats the channel; RGB to grayscale is ITU-R 601-2 luma
(0.2989 R + 0.5870 G + 0.1140 B, rounded), as `tf.image.rgb_to_grayscale`.
"""

import os

import numpy as np

# By name: what is listed. Pillow then reads each file by its content.
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
# ITU-R 601-2 luma, as tf.image.rgb_to_grayscale and PIL's "L" conversion.
LUMA = (0.2989, 0.5870, 0.1140)
# Folders that hold no class: an unzipped macOS archive's resource forks.
NOT_CLASS_FOLDERS = ("__MACOSX",)
_GRAY_MODES = ("1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N")
_EXIF_ORIENTATION = 0x0112


def is_hidden(name):
    """Names that are no one's images or classes: dot-files and dot-folders
    (`.DS_Store`, `._photo.jpg`, `.cache`, `.ipynb_checkpoints`) and
    `__MACOSX`."""
    return name.startswith(".") or name in NOT_CLASS_FOLDERS


class Listing:
    """The image files below a folder, in sorted path order.

    Attributes:
        paths: list of str, the image files.
        class_ids: list of int, each file's class (0 without classes).
        class_names: list of str, class folder names in label order
            (empty without classes).
        hidden: list of str, the folders and image files passed over
            because they are hidden (see `is_hidden`), and the links to
            folders read already (a loop, a second link to one folder).
    """

    def __init__(self, paths, class_ids, class_names, hidden):
        self.paths, self.class_ids, self.class_names, self.hidden = paths, class_ids, class_names, hidden


def _walk(folder, hidden, seen=None, repeated=None):
    """Image files below `folder` at any depth, sorted; symbolic links are
    followed, and a folder reached again (a link loop, two links to one
    folder, a link to a folder in `seen`) is read once: its path is added
    to `repeated` and passed over. `seen` holds the real paths read so far
    and grows with the folders read here."""
    found = []
    seen = set() if seen is None else seen
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen and root != folder:
            if repeated is not None:
                repeated.append(root)
            dirs[:] = []
            continue
        seen.add(real)
        hidden += [os.path.join(root, d) for d in sorted(dirs) if is_hidden(d)]
        dirs[:] = sorted(d for d in dirs if not is_hidden(d))
        for name in sorted(files):
            if name.lower().endswith(IMAGE_EXTENSIONS):
                (hidden if is_hidden(name) else found).append(os.path.join(root, name))
    return found


def list_images(directory, inferred):
    """The image files below `directory`: a `Listing`.

    Args:
        directory: str, an existing folder.
        inferred: bool, one class per folder directly in `directory`.

    Raises:
        ValueError: naming the path, for a folder with no image file, for
            `inferred` with images at the top level or no class folder, or
            a class folder with no image file.
    """
    hidden = []
    if not inferred:
        paths = _walk(directory, hidden, repeated=hidden)
        if not paths:
            raise ValueError(
                "Invalid value for argument `directory`. Expected image files "
                f"({', '.join(IMAGE_EXTENSIONS)}) below it. Received: directory={directory!r}, which holds none"
            )
        return Listing(paths, [0] * len(paths), [], hidden)
    entries = sorted(os.listdir(directory))
    folders = [e for e in entries if os.path.isdir(os.path.join(directory, e))]
    hidden += [os.path.join(directory, e) for e in folders if is_hidden(e)]
    # Every folder is read once, under the first class folder that holds
    # it: a link back to the top, or to a class folder read already, is
    # no class of its own; a link inside a class to the top or another
    # class is passed over when the walk meets it.
    seen = {os.path.realpath(directory)}
    class_names = []
    for name in (e for e in folders if not is_hidden(e)):
        real = os.path.realpath(os.path.join(directory, name))
        if real in seen:
            hidden.append(os.path.join(directory, name))
        else:
            seen.add(real)
            class_names.append(name)
    loose = [e for e in entries if e.lower().endswith(IMAGE_EXTENSIONS) and not is_hidden(e)]
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
        below = _walk(os.path.join(directory, name), hidden, seen, repeated=hidden)
        if not below:
            raise ValueError(
                "Invalid value for argument `directory`. Expected images in every class folder. "
                f"Received: {os.path.join(directory, name)!r}, which holds none"
            )
        paths += below
        class_ids += [label] * len(below)
    return Listing(paths, class_ids, class_names, hidden)


def _frame(path, exif_orientation):
    """The first frame of `path` as a loaded Pillow image, upright."""
    from PIL import Image
    from PIL import ImageOps

    with Image.open(path) as image:  # opened at its first frame
        image.load()  # raises for truncated or corrupt data
        if exif_orientation:
            ImageOps.exif_transpose(image, in_place=True)
    return image


def _is_gray_palette(image):
    palette = np.asarray(image.getpalette() or [], np.int64).reshape(-1, 3)
    return bool(len(palette)) and bool(np.all(palette == palette[:, :1]))


def is_grayscale(image):
    """Whether a Pillow image holds only grey values (a gray palette too)."""
    if image.mode in ("P", "PA"):
        return _is_gray_palette(image)
    return image.mode in _GRAY_MODES


def to_array(image, channels=None):
    """A Pillow image as uint8 `(height, width, channels)`, by the table in
    this module's docstring.

    Args:
        image: a loaded Pillow image.
        channels: 1, 3, or None for the image's own: 1 when it holds only
            grey values (`is_grayscale`), else 3.

    Raises:
        ValueError: for floating-point pixels (mode "F").
    """
    if image.mode == "F":
        raise ValueError("floating-point pixels (mode F): no defined range")
    gray = is_grayscale(image)
    channels = channels or (1 if gray else 3)
    transparent = "transparency" in image.info
    if image.mode in ("L", "RGB") and not transparent:  # as stored: the common case, fast
        array = np.asarray(image)
        if array.ndim == 2:
            return np.repeat(array[..., None], channels, axis=-1)
        if channels == 3:
            return array
        return np.round(array.astype(np.float64) @ np.asarray(LUMA))[..., None].astype(np.uint8)
    if image.mode.startswith("I"):
        values = np.asarray(image, np.int64)
        return np.repeat(np.clip(np.floor(values / 257 + 0.5), 0, 255).astype(np.uint8)[..., None], channels, -1)
    if image.mode == "1":
        return np.repeat(np.asarray(image.convert("L"))[..., None], channels, axis=-1)
    has_alpha = image.mode in ("RGBA", "LA", "La", "RGBa", "PA") or transparent
    rgba = np.asarray(image.convert("RGBA" if has_alpha else "RGB"), np.float64)
    if has_alpha:  # onto white
        alpha = rgba[..., 3:] / 255.0
        rgba = rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)
    rgb = np.clip(np.round(rgba), 0, 255).astype(np.uint8)
    if gray:
        return np.repeat(rgb[..., :1], channels, axis=-1)
    if channels == 3:
        return rgb
    return np.round(rgb.astype(np.float64) @ np.asarray(LUMA))[..., None].astype(np.uint8)


def decode(path, channels=None, exif_orientation=True):
    """The first frame of an image file as uint8 `(height, width, channels)`.

    Args:
        path: str, the file.
        channels: 1, 3, or None for the image's own (see `to_array`).
        exif_orientation: bool, apply the EXIF orientation tag.

    Raises:
        Any exception of Pillow's for files it cannot read, and ValueError
        for floating-point pixels.
    """
    return to_array(_frame(path, exif_orientation), channels)


def header(path, exif_orientation=True):
    """((height, width), grayscale) of an image file, as `decode` would give
    it (the size after the EXIF orientation), reading the header only.

    Raises:
        Any exception of Pillow's for a file it cannot identify.
    """
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
        if exif_orientation and image.getexif().get(_EXIF_ORIENTATION) in (5, 6, 7, 8):
            width, height = height, width  # turned by 90 degrees
        return (height, width), is_grayscale(image)


def reason(error):
    """One line saying why a file was skipped."""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
