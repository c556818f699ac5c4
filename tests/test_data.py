"""Input pipelines: scaling to [-1, 1], shapes, real MNIST from TFDS, errors."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gan import data


def test_scale_images_maps_the_range_to_minus_one_one():
    scaled = data.scale_images(tf.constant([0, 127.5, 255], tf.float32)).numpy()
    np.testing.assert_allclose(scaled, [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(data.scale_images(tf.constant([0.0, 0.25, 1.0]), (0, 1)).numpy(), [-1.0, -0.5, 1.0])


def test_from_arrays_batches_scaled_images_and_drops_the_remainder():
    images = np.arange(10 * 2 * 2, dtype=np.uint8).reshape(10, 2, 2)
    dataset = data.from_arrays(images, batch_size=4, shuffle=False)
    batches = list(dataset)
    assert len(batches) == 2  # 10 images, batches of 4: the last 2 dropped
    assert batches[0].shape == (4, 2, 2, 1) and batches[0].dtype == tf.float32
    np.testing.assert_allclose(batches[0].numpy()[..., 0], images[:4] / 127.5 - 1.0, rtol=1e-6)


def test_from_arrays_shuffles_reproducibly_with_a_seed():
    images = np.arange(64, dtype=np.uint8).reshape(64, 1, 1)
    first = np.concatenate([b.numpy().ravel() for b in data.from_arrays(images, 8, seed=3)])
    again = np.concatenate([b.numpy().ravel() for b in data.from_arrays(images, 8, seed=3)])
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, np.sort(first))
    np.testing.assert_allclose(np.sort(first), np.arange(64) / 127.5 - 1.0, rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"images": np.zeros((4, 4))}, "images.*shape \\(4, 4\\)"),
        ({"images": np.array([["a"]] * 4)}, "images"),
        ({"images": np.zeros((4, 2, 2)), "batch_size": 5}, "batch_size.*at most.*4"),
        ({"images": np.zeros((4, 2, 2)), "batch_size": 0}, "batch_size.*positive"),
        ({"images": np.zeros((4, 2, 2)), "value_range": (1, 0)}, "value_range"),
    ],
)
def test_from_arrays_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.from_arrays(**kwargs)


@pytest.mark.slow
def test_load_tfds_real_mnist(mnist_data_dir):
    dataset = data.load_tfds("mnist", split="test", batch_size=500, shuffle=False)
    assert dataset.element_spec.shape == (500, 28, 28, 1)
    batches = list(dataset)
    assert len(batches) == 20
    pixels = np.concatenate([b.numpy() for b in batches])
    assert pixels.min() == -1.0 and pixels.max() == 1.0
    # shared/data/mnist/README.md: test pixel mean / 255 is 0.1325146058.
    np.testing.assert_allclose((pixels.mean() + 1.0) / 2.0, 0.1325146058, rtol=1e-6)


def test_load_tfds_slices_resizes_and_shuffles(mnist_data_dir):
    dataset = data.load_tfds("mnist", split="train[:1000]", batch_size=100, seed=0, image_size=(32, 32))
    batches = list(dataset)
    assert len(batches) == 10 and batches[0].shape == (100, 32, 32, 1)
    assert -1.0 <= float(tf.reduce_min(batches[0])) and float(tf.reduce_max(batches[0])) <= 1.0
    unshuffled = next(iter(data.load_tfds("mnist", split="train[:1000]", batch_size=100, shuffle=False, image_size=(32, 32))))
    assert not np.array_equal(batches[0].numpy(), unshuffled.numpy())


def test_load_tfds_errors(mnist_data_dir, tmp_path):
    with pytest.raises(ValueError, match="name.*Received: name='no_such_dataset'"):
        data.load_tfds("no_such_dataset")
    with pytest.raises(ValueError, match="image_key.*'image', 'label'.*Received: image_key='picture'"):
        data.load_tfds("mnist", image_key="picture")
    with pytest.raises(ValueError, match="batch_size.*at most.*10000"):
        data.load_tfds("mnist", split="test", batch_size=10001)
    # Not prepared where it is looked for, and downloads are off: no traffic.
    with pytest.raises(FileNotFoundError, match="'mnist' is not prepared.*TFDS_DATA_DIR"):
        data.load_tfds("mnist", data_dir=str(tmp_path), download=False)


def test_load_tfds_explains_a_failed_download(tmp_path, monkeypatch):
    import tensorflow_datasets as tfds

    def offline(self, *args, **kwargs):  # stands in for the network: no traffic
        raise ConnectionError("no route to host")

    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", offline)
    with pytest.raises(RuntimeError, match="'mnist' is not prepared.*could not be downloaded.*ConnectionError: no route"):
        data.load_tfds("mnist", data_dir=str(tmp_path))


def test_to_uint8_inverts_scale_images_and_clips():
    images = tf.constant([-2.0, -1.0, -0.999, 0.0, 0.5, 1.0, 3.0])
    # (x + 1) * 127.5, rounded (half to even: 127.5 -> 128), clipped to [0, 255].
    np.testing.assert_array_equal(data.to_uint8(images).numpy(), [0, 0, 0, 128, 191, 255, 255])
    pixels = tf.range(256, dtype=tf.int32)
    np.testing.assert_array_equal(data.to_uint8(data.scale_images(pixels)).numpy(), np.arange(256))
