"""`load_image_folder`: hand-made images, checked by value."""

import numpy as np
import pytest
from PIL import Image

from keras_gan import data


def save(path, array, **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8)).save(path, **kwargs)
    return path


def pixels(dataset):
    """All images of an unshuffled dataset, back in uint8 [0, 255]."""
    batches = [b[0] if isinstance(b, tuple) else b for b in dataset]
    return np.round((np.concatenate(batches) + 1.0) * 127.5).astype(int)


GRAY = np.arange(16, dtype=np.uint8).reshape(4, 4) * 16  # 0, 16, ..., 240


def test_labels_class_names_and_recursion(tmp_path):
    save(tmp_path / "cat" / "a.png", GRAY)
    save(tmp_path / "cat" / "deeper" / "b.PNG", GRAY)  # any depth, any case
    save(tmp_path / "dog" / "c.bmp", GRAY.T)
    (tmp_path / "dog" / "notes.txt").write_text("not an image, not listed")
    dataset = data.load_image_folder(tmp_path, batch_size=1, labels="inferred", shuffle=False)
    assert dataset.class_names == ["cat", "dog"]
    batches = list(dataset)
    assert [int(labels[0]) for _, labels in batches] == [0, 0, 1]
    images = pixels(dataset)
    assert images.shape == (3, 4, 4, 1)  # all grayscale: one channel
    np.testing.assert_array_equal(images[0, ..., 0], GRAY)
    np.testing.assert_array_equal(images[2, ..., 0], GRAY.T)
    first = batches[0][0].numpy()
    assert first.dtype == np.float32 and first.min() == -1.0 and first.max() == pytest.approx(240 / 127.5 - 1)
    unlabelled = data.load_image_folder(tmp_path, batch_size=3, shuffle=False)
    assert unlabelled.class_names == [] and next(iter(unlabelled)).shape == (3, 4, 4, 1)


def test_channel_conversion_both_ways(tmp_path):
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[0, 0] = (255, 0, 0)
    rgb[1, 1] = (10, 200, 30)
    save(tmp_path / "colour.png", rgb)
    save(tmp_path / "gray.png", np.full((2, 2), 77))
    images = pixels(data.load_image_folder(tmp_path, batch_size=2, shuffle=False))
    assert images.shape == (2, 2, 2, 3)  # one colour image: rgb
    np.testing.assert_array_equal(images[0], rgb)
    np.testing.assert_array_equal(images[1], np.full((2, 2, 3), 77))  # gray repeated
    gray = pixels(data.load_image_folder(tmp_path, batch_size=2, shuffle=False, color_mode="grayscale"))
    luma = np.round(rgb.astype(float) @ [0.2989, 0.5870, 0.1140])  # ITU-R 601-2
    np.testing.assert_array_equal(gray[0, ..., 0], luma)
    assert luma[0, 0] == 76 and luma[1, 1] == 124
    np.testing.assert_array_equal(gray[1, ..., 0], np.full((2, 2), 77))  # unchanged


def test_center_crop_then_area_resize_by_value(tmp_path):
    wide = np.arange(2 * 6, dtype=np.uint8).reshape(2, 6) * 20  # 2x6: crop to the centre 2x2 = columns 2, 3
    save(tmp_path / "wide.png", wide)
    cropped = pixels(data.load_image_folder(tmp_path, image_size=(2, 2), batch_size=1, crop_to_aspect_ratio=True))
    np.testing.assert_array_equal(cropped[0, ..., 0], wide[:, 2:4])
    (tmp_path / "wide.png").unlink()
    save(tmp_path / "square.png", GRAY)
    area = pixels(data.load_image_folder(tmp_path, image_size=(2, 2), batch_size=1))
    blocks = GRAY.reshape(2, 2, 2, 2).mean(axis=(1, 3))  # the mean of each 2x2 block
    np.testing.assert_array_equal(area[0, ..., 0], np.round(blocks))


def test_mixed_sizes_need_an_image_size(tmp_path):
    save(tmp_path / "small.png", GRAY)
    save(tmp_path / "large.jpg", np.zeros((8, 6, 3)))
    with pytest.raises(ValueError, match=r"image_size.*differ in size.*large.jpg' of 8x6.*small.png' of 4x4"):
        data.load_image_folder(tmp_path, batch_size=1)
    dataset = data.load_image_folder(tmp_path, image_size=(4, 4), batch_size=2, interpolation="bicubic")
    assert next(iter(dataset)).shape == (2, 4, 4, 3)


def test_gif_first_frame(tmp_path):
    frames = [Image.fromarray(np.full((3, 3), value, np.uint8)) for value in (200, 50)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    image = pixels(data.load_image_folder(tmp_path, batch_size=1))
    np.testing.assert_array_equal(image[0, ..., 0], np.full((3, 3), 200))


def test_unreadable_files_are_skipped_with_one_warning_naming_them(tmp_path):
    for i in range(3):
        save(tmp_path / f"good_{i}.png", GRAY)
    (tmp_path / "garbage.png").write_bytes(b"this is not a png")
    good = (tmp_path / "good_0.png").read_bytes()
    (tmp_path / "truncated.png").write_bytes(good[: len(good) // 2])
    with pytest.warns(UserWarning, match=r"skipped 2 files .*garbage.png.*truncated.png") as record:
        dataset = data.load_image_folder(tmp_path, batch_size=1, shuffle=False)
    assert len(record) == 1
    assert pixels(dataset).shape == (3, 4, 4, 1)  # the three good ones


def test_errors_name_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="directory=.*missing.*does not exist"):
        data.load_image_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="Expected image files.*empty.*holds none"):
        data.load_image_folder(tmp_path / "empty")
    save(tmp_path / "mixed" / "loose.png", GRAY)
    save(tmp_path / "mixed" / "class_a" / "x.png", GRAY)
    with pytest.raises(ValueError, match=r"labels.*one folder per class.*mixed.*images at its top level \(loose.png\)"):
        data.load_image_folder(tmp_path / "mixed", labels="inferred")
    (tmp_path / "no_classes").mkdir()
    (tmp_path / "no_classes" / "notes.txt").write_text("")
    with pytest.raises(ValueError, match="labels.*no_classes.*a folder with no class folders"):
        data.load_image_folder(tmp_path / "no_classes", labels="inferred")
    save(tmp_path / "flat" / "x.png", GRAY)
    with pytest.raises(ValueError, match="batch_size.*at most the number of examples, 1"):
        data.load_image_folder(tmp_path / "flat", batch_size=2)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.png").write_bytes(b"junk")
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="at least one readable image.*none could be read"):
        data.load_image_folder(tmp_path / "bad")
    for kwargs, match in (
        ({"labels": "folders"}, "labels"),
        ({"color_mode": "rgba"}, "color_mode"),
        ({"interpolation": "nearest"}, "interpolation"),
        ({"image_size": (0, 4)}, "image_size"),
    ):
        with pytest.raises(ValueError, match=match):
            data.load_image_folder(tmp_path / "flat", **kwargs)
