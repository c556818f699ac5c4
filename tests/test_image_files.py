"""Folders as users have them: every mode decoded by value, odd folders, skip warnings.

Each file is made by hand with Pillow; the expected pixels are worked out
from what was written (the module docstring of keras_gan.data.image_files
gives the rules).
"""

import os
import warnings

import numpy as np
import pytest
from PIL import Image

from keras_gan import data

GRAY = np.arange(16, dtype=np.uint8).reshape(4, 4) * 16


def save(path, image, **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not isinstance(image, Image.Image):
        image = Image.fromarray(np.asarray(image, np.uint8))
    image.save(path, **kwargs)
    return path


def pixels(dataset):
    """Every image of an unshuffled dataset as ints in [0, 255]."""
    batches = [b[0] if isinstance(b, tuple) else b for b in dataset]
    return np.round((np.concatenate(batches) + 1.0) * 127.5).astype(int)


def load(folder, **kwargs):
    return pixels(data.load_image_folder(folder, batch_size=1, shuffle=False, **kwargs))


def test_one_bit_bmp_is_black_and_white(tmp_path):
    bits = np.array([[0, 1, 1], [1, 0, 0]], bool)
    save(tmp_path / "bits.bmp", Image.fromarray(bits).convert("1"))
    assert Image.open(tmp_path / "bits.bmp").mode == "1"
    np.testing.assert_array_equal(load(tmp_path)[0, ..., 0], bits * 255)


def test_palette_bmp_gives_the_palette_colours_not_the_indices(tmp_path):
    indices = np.array([[0, 1], [2, 1]], np.uint8)
    palette = [200, 10, 30, 0, 90, 250, 255, 255, 0] + [0] * (256 * 3 - 9)
    image = Image.fromarray(indices, mode="P")
    image.putpalette(palette)
    save(tmp_path / "palette.bmp", image)
    assert Image.open(tmp_path / "palette.bmp").mode == "P"
    colours = np.array(palette[:9]).reshape(3, 3)
    np.testing.assert_array_equal(load(tmp_path)[0], colours[indices])


def test_gray_palette_counts_as_grayscale(tmp_path):
    indices = np.array([[0, 1], [2, 3]], np.uint8)
    image = Image.fromarray(indices, mode="P")
    image.putpalette([v for g in (0, 60, 120, 250) for v in (g, g, g)] + [0] * (252 * 3))
    save(tmp_path / "gray.gif", image)
    np.testing.assert_array_equal(load(tmp_path)[0, ..., 0], [[0, 60], [120, 250]])  # one channel


def test_sixteen_bit_png_is_scaled_to_eight_bits(tmp_path):
    values = np.array([[0, 257, 32896], [65535, 128, 129]], np.uint16)
    save(tmp_path / "deep.png", Image.fromarray(values))
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")
    # round(v / 257): 128 / 257 = 0.498 -> 0, 129 / 257 = 0.502 -> 1.
    np.testing.assert_array_equal(load(tmp_path)[0, ..., 0], [[0, 1, 128], [255, 0, 1]])


def test_cmyk_and_transparency(tmp_path):
    cmyk = np.zeros((1, 3, 4), np.uint8)
    cmyk[0, 0] = (0, 255, 255, 0)  # red
    cmyk[0, 1] = (255, 0, 255, 0)  # green
    cmyk[0, 2] = (0, 0, 0, 255)  # black
    save(tmp_path / "cmyk" / "a.tif", Image.fromarray(cmyk, mode="CMYK"))
    np.testing.assert_array_equal(load(tmp_path / "cmyk")[0, 0], [[255, 0, 0], [0, 255, 0], [0, 0, 0]])
    rgba = np.array([[[255, 0, 0, 255], [255, 0, 0, 128], [10, 20, 30, 0]]], np.uint8)
    save(tmp_path / "rgba" / "a.png", Image.fromarray(rgba, mode="RGBA"))
    # Onto white: c a / 255 + 255 (1 - a / 255); 128: 255 * 127 / 255 = 127.
    np.testing.assert_array_equal(load(tmp_path / "rgba")[0, 0], [[255, 0, 0], [255, 127, 127], [255, 255, 255]])


def test_float_tiff_is_skipped_with_its_reason(tmp_path):
    save(tmp_path / "good.png", GRAY)
    save(tmp_path / "float.tif", Image.fromarray(np.ones((4, 4), np.float32)))
    with pytest.warns(UserWarning, match=r"skipped 1 files .*float.tif \(ValueError: floating-point pixels"):
        dataset = data.load_image_folder(tmp_path, batch_size=1)
    assert dataset.skipped_files == [(str(tmp_path / "float.tif"), "ValueError: floating-point pixels (mode F): "
                                      "no defined range")]


def test_format_read_from_content_not_name_and_webp(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 256, (3, 5, 3)).astype(np.uint8)
    save(tmp_path / "photo.jpg", rgb, format="TIFF")  # a TIFF named .jpg
    save(tmp_path / "x.webp", rgb, lossless=True)
    images = load(tmp_path, color_mode="rgb")
    np.testing.assert_array_equal(images[0], rgb)
    np.testing.assert_array_equal(images[1], rgb)


def test_animated_webp_gives_its_first_frame(tmp_path):
    frames = [Image.fromarray(np.full((3, 3, 3), value, np.uint8)) for value in (200, 50)]
    frames[0].save(tmp_path / "anim.webp", save_all=True, append_images=frames[1:], lossless=True)
    np.testing.assert_array_equal(load(tmp_path)[0], np.full((3, 3, 3), 200))


def exif_with_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif


def test_exif_orientation_applied_by_default_and_switchable(tmp_path):
    stored = np.arange(6, dtype=np.uint8).reshape(2, 3) * 40
    save(tmp_path / "turned.png", stored, exif=exif_with_orientation(6))  # "rotate 90 CW to display"
    upright = load(tmp_path)[0, ..., 0]
    np.testing.assert_array_equal(upright, np.rot90(stored, k=-1))  # 3x2, turned clockwise
    np.testing.assert_array_equal(load(tmp_path, exif_orientation=False)[0, ..., 0], stored)
    # The size check sees the turned size: a 3x2 image beside it needs no image_size.
    save(tmp_path / "plain.png", np.zeros((3, 2), np.uint8))
    assert load(tmp_path).shape == (2, 3, 2, 1)


def test_hidden_and_macosx_folders_are_no_classes_and_are_named(tmp_path):
    save(tmp_path / "cat" / "a.png", GRAY)
    save(tmp_path / "dog" / "b.png", GRAY.T)
    save(tmp_path / "__MACOSX" / "cat" / "._a.png", GRAY)
    save(tmp_path / ".cache" / "c.png", GRAY)
    save(tmp_path / "dog" / "._b.png", GRAY)  # an AppleDouble file beside a real one
    with pytest.warns(UserWarning, match=r"passed over 3 hidden .*\.cache.*__MACOSX.*dog/\._b\.png"):
        dataset = data.load_image_folder(tmp_path, batch_size=1, labels="inferred", shuffle=False)
    assert dataset.class_names == ["cat", "dog"]  # not shifted by __MACOSX or .cache
    assert [int(label[0]) for _, label in dataset] == [0, 1]
    assert sorted(os.path.basename(p) for p in dataset.hidden) == ["._b.png", ".cache", "__MACOSX"]


def test_a_class_with_no_readable_image_is_an_error_naming_it(tmp_path):
    save(tmp_path / "cat" / "a.png", GRAY)
    (tmp_path / "dog").mkdir()
    (tmp_path / "dog" / "b.png").write_bytes(b"not a png")
    with pytest.warns(UserWarning, match="b.png"), pytest.raises(ValueError, match=r"every class folder.*'.*dog'"):
        data.load_image_folder(tmp_path, batch_size=1, labels="inferred")


def test_symlinks_followed_and_loops_read_once(tmp_path):
    save(tmp_path / "real" / "a.png", GRAY)
    root = tmp_path / "root"
    root.mkdir()
    (root / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    (root / "linked_file.png").symlink_to(tmp_path / "real" / "a.png")
    (tmp_path / "real" / "loop").symlink_to(root, target_is_directory=True)  # real/loop -> root -> linked -> real
    dataset = data.load_image_folder(root, batch_size=1, shuffle=False)
    assert len(pixels(dataset)) == 2  # linked/a.png and linked_file.png; the loop is not walked again


def test_many_bad_files_warning_counts_names_ten_and_keeps_all(tmp_path):
    save(tmp_path / "good.png", GRAY)
    for i in range(13):
        (tmp_path / f"bad_{i:02d}.png").write_bytes(b"junk")
    with pytest.warns(UserWarning) as record:
        dataset = data.load_image_folder(tmp_path, batch_size=1)
    (message,) = [str(w.message) for w in record]
    assert "skipped 13 files" in message and "and 3 more" in message
    assert all(f"bad_{i:02d}.png" in message for i in range(10))
    assert "bad_10.png" not in message
    assert [os.path.basename(p) for p, _ in dataset.skipped_files] == [f"bad_{i:02d}.png" for i in range(13)]
    assert all(reason.startswith("UnidentifiedImageError") for _, reason in dataset.skipped_files)


def test_without_verify_a_bad_file_is_dropped_in_training_by_name(tmp_path):
    noise = np.random.default_rng(0).integers(0, 256, (32, 32)).astype(np.uint8)
    save(tmp_path / "a.jpg", noise)
    good = (tmp_path / "a.jpg").read_bytes()
    (tmp_path / "b.jpg").write_bytes(good[: len(good) // 2])  # a header that reads, data that do not
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the headers pass: no warning yet
        dataset = data.load_image_folder(tmp_path, batch_size=1, shuffle=False, verify=False)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        images = pixels(dataset)
    assert len(images) == 1
    assert any("skipped" in str(w.message) and "b.jpg" in str(w.message) for w in record)


def test_streamed_images_equal_the_ones_kept_in_memory(tmp_path):
    rgb = np.random.default_rng(1).integers(0, 256, (6, 10, 3)).astype(np.uint8)
    save(tmp_path / "a.png", rgb)
    save(tmp_path / "b.png", rgb[::-1])
    kwargs = {"image_size": (4, 4), "crop_to_aspect_ratio": True, "batch_size": 1, "shuffle": False}
    np.testing.assert_array_equal(
        pixels(data.load_image_folder(tmp_path, cache=False, **kwargs)),
        pixels(data.load_image_folder(tmp_path, cache=True, **kwargs)),
    )


def test_paired_folders_drop_a_pair_whose_partner_does_not_read(tmp_path):
    for name in ("a.png", "b.png", "c.png"):
        save(tmp_path / "x" / name, GRAY)
        save(tmp_path / "y" / name, GRAY.T)
    (tmp_path / "y" / "b.png").write_bytes(b"junk")
    with pytest.warns(UserWarning) as record:
        dataset = data.load_paired_folders(tmp_path / "x", tmp_path / "y", batch_size=1, shuffle=False)
    messages = " ".join(str(w.message) for w in record)
    assert "b.png" in messages and "its partner cannot be read" in messages
    pairs = list(dataset)
    assert len(pairs) == 2
    np.testing.assert_array_equal(np.round((pairs[0][1][0, ..., 0].numpy() + 1) * 127.5), GRAY.T)
    with pytest.raises(FileNotFoundError, match="targets_dir.*missing.*does not exist"):
        data.load_paired_folders(tmp_path / "x", tmp_path / "missing")
