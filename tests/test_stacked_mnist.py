"""Stacked MNIST: the data, PacGAN's networks, the mode count and its callback, g_steps."""

import json
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from conftest import tiny_dcgan
from keras_gan.architectures import pacgan
from keras_gan.data import stacked_mnist as data
from keras_gan.evaluation import stacked_mnist as modes


def hand_made_digits():
    """Ten 28x28 'digits': digit i is the constant image 20 i, class i."""
    digits = np.stack([np.full((28, 28), 20 * i, np.uint8) for i in range(10)])
    return digits, np.arange(10)


def test_each_channel_is_the_digit_its_mode_names():
    digits, labels = hand_made_digits()
    triples = np.array([[3, 1, 4], [0, 0, 0], [9, 5, 2]])
    images, sample_modes = data.stack(digits, labels, triples)
    assert images.shape == (3, 28, 28, 3) and images.dtype == np.uint8
    assert sample_modes.tolist() == [314, 0, 952]
    for image, mode in zip(images, sample_modes):
        named = [mode // 100, mode // 10 % 10, mode % 10]
        assert [int(image[0, 0, c]) // 20 for c in range(3)] == named


def test_triples_are_uniform_independent_and_fixed_by_seed():
    triples = data.draw_triples(30_000, 10, seed=1)
    assert np.array_equal(triples, data.draw_triples(30_000, 10, seed=1))
    assert not np.array_equal(triples, data.draw_triples(30_000, 10, seed=2))
    counts = np.bincount(data.mode_of(triples), minlength=1000)
    # 30 expected per mode: a chi-squared with 999 degrees of freedom, mean 999, sd 44.7.
    chi2 = ((counts - 30) ** 2 / 30).sum()
    assert abs(chi2 - 999) < 5 * 44.7


def test_mode_count_of_hand_made_histograms():
    uniform = modes.mode_metrics(np.full(1000, 26))
    assert uniform == {"modes": 1000, "kl": 0.0}
    one = modes.mode_metrics(np.eye(1000)[7] * 26_000)
    assert one["modes"] == 1 and one["kl"] == pytest.approx(math.log(1000))
    # Half the samples on mode 0, half spread over modes 1..10: KL = 1/2 log 500 + 1/2 log 50.
    counts = np.zeros(1000)
    counts[0], counts[1:11] = 500, 50
    assert modes.mode_metrics(counts) == {"modes": 11, "kl": pytest.approx(0.5 * math.log(500) + 0.5 * math.log(50))}
    with pytest.raises(ValueError, match="argument `counts`"):
        modes.mode_metrics(np.zeros(1000))
    with pytest.raises(ValueError, match="argument `modes`"):
        modes.mode_histogram([1000])


def pacgan_log_metrics_kl(results):
    """PacGAN's `log_metrics` and `JSD.KLD`, restated: the histogram's values
    in dictionary order, zero-padded to 1,000, against q = 1/1000."""
    counts = {}
    for result in results:
        counts[result] = counts.get(result, 0) + 1
    p = np.zeros(1000)
    p[0:len(counts)] = list(counts.values())
    p = p / np.sum(p)
    q = [1.0 / 1000.0] * 1000
    return len(counts), sum(_p * math.log(_p / _q) for _p, _q in zip(p, q) if _p != 0)


def test_kl_is_pacgans():
    rng = np.random.default_rng(0)
    sample_modes = rng.choice(rng.choice(1000, 80, replace=False), size=26_000, p=rng.dirichlet(np.ones(80)))
    theirs = pacgan_log_metrics_kl(sample_modes.tolist())
    ours = modes.mode_metrics(modes.mode_histogram(sample_modes))
    assert ours["modes"] == theirs[0] == len(set(sample_modes.tolist()))
    assert ours["kl"] == pytest.approx(theirs[1], rel=1e-12)


class ChannelMean(keras.Model):
    """A stand-in classifier: the class of a digit image is round(4.5 (x + 1))."""

    def call(self, images):
        classes = tf.cast(tf.round(4.5 * (tf.reduce_mean(images, axis=[1, 2, 3]) + 1.0)), tf.int32)
        return tf.one_hot(classes, 10)


def test_each_channel_is_classified_and_names_the_mode():
    digits, labels = hand_made_digits()
    triples = np.array([[3, 1, 4], [9, 0, 7]])
    images = data.stack(digits, labels, triples)[0]
    # Digit i as 4.5 (x + 1) = i: x = i / 4.5 - 1.
    scaled = np.stack([np.full((28, 28), i / 4.5 - 1.0) for i in range(10)])[triples]
    scaled = np.transpose(scaled, (0, 2, 3, 1)).astype(np.float32)
    assert images.shape == scaled.shape
    assert modes.modes_of(scaled, ChannelMean()).tolist() == [314, 907]
    with pytest.raises(ValueError, match="Expected Stacked MNIST images"):
        modes.classify_channels(np.zeros((2, 28, 28, 1)), ChannelMean())


def test_pacgan_networks_have_the_codes_shapes_and_sizes():
    generator = pacgan.pacgan_dcgan_generator()
    shapes = [tuple(layer.output.shape[1:]) for layer in generator.layers
              if isinstance(layer, (keras.layers.Reshape, keras.layers.Conv2DTranspose))]
    assert shapes == [(2, 2, 512), (4, 4, 256), (7, 7, 128), (14, 14, 64), (28, 28, 3)]
    # dense 100x2048 + 2048; BN 4x512; deconvs 5x5 with biases, BN 4xC after each but the last.
    assert generator.count_params() == (
        100 * 2048 + 2048 + 4 * 512 + 25 * 512 * 256 + 256 + 4 * 256 + 25 * 256 * 128 + 128 + 4 * 128
        + 25 * 128 * 64 + 64 + 4 * 64 + 25 * 64 * 3 + 3
    )
    discriminator = pacgan.pacgan_dcgan_discriminator((28, 28, 6))  # PacDCGAN2
    assert discriminator.count_params() == (
        25 * 6 * 64 + 64 + 25 * 64 * 128 + 128 + 4 * 128 + 25 * 128 * 256 + 256 + 4 * 256
        + 25 * 256 * 512 + 512 + 4 * 512 + 2 * 2 * 512 + 1
    )
    assert discriminator(np.zeros((3, 28, 28, 6), np.float32)).shape == (3, 1)
    assert pacgan.side_lengths(28) == [28, 14, 7, 4, 2] and pacgan.side_lengths(32) == [32, 16, 8, 4, 2]
    assert pacgan.pacgan_dcgan_generator((32, 32, 3), width=4).output.shape == (None, 32, 32, 3)


def test_g_steps_makes_that_many_generator_updates_per_step():
    gan = tiny_dcgan()
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5), g_steps=2)
    gan.fit(np.zeros((24, 8, 8, 1), np.float32), batch_size=8, epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 3 and int(gan.g_optimizer.iterations) == 6
    assert gan.get_compile_config()["g_steps"] == 2
    with pytest.raises(ValueError, match="`g_steps`. Expected g_steps=1 with update='simultaneous'"):
        gan.compile("adam", "adam", update="simultaneous", g_steps=2)
    with pytest.raises(ValueError, match="argument `g_steps`"):
        gan.compile("adam", "adam", g_steps=0)


def test_mode_count_callback_logs_and_keeps_one_record_per_evaluation(tmp_path):
    # The callback needs (28, 28, 3) images, not PacGAN's networks: one Dense layer each.
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(28 * 28 * 3, activation="tanh"),
                                  keras.layers.Reshape((28, 28, 3))])
    discriminator = keras.Sequential([keras.Input((28, 28, 3)), keras.layers.Flatten(), keras.layers.Dense(1)])
    gan = keras_gan.GAN(generator, discriminator, seed=0)
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5), g_steps=2)
    path = tmp_path / "modes.jsonl"
    callback = keras_gan.callbacks.ModeCount(num_samples=40, jsonl_path=str(path))
    callback.classifier = ChannelMean()
    history = gan.fit(np.zeros((16, 28, 28, 3), np.float32), batch_size=8, epochs=2, verbose=0, callbacks=[callback])
    images = gan.generate(40, seed=0).numpy()
    expected = modes.mode_metrics(modes.mode_histogram(modes.modes_of(images, ChannelMean())))
    assert history.history["modes"][-1] == expected["modes"]
    assert history.history["mode_kl"][-1] == pytest.approx(expected["kl"])
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["step"], r["epoch"]) for r in records] == [(2, 1), (4, 2)]
    # A run resumed from step 2 drops the later record before logging again.
    gan.g_optimizer.iterations.assign(4)  # 2 steps of g_steps=2
    callback.set_model(gan)
    callback.on_train_begin()
    assert [json.loads(line)["step"] for line in path.read_text().splitlines()] == [2]
    gray = keras_gan.callbacks.ModeCount(num_samples=4)
    gray.set_model(keras_gan.GAN(keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2),
                                 keras_gan.architectures.dcgan_discriminator((8, 8, 1), width=2)))
    with pytest.raises(ValueError, match=r"expects a generator of \(28, 28, 3\) images. Received: a generator of "
                                         r"\(8, 8, 1\)"):
        gray.on_train_begin()


@pytest.mark.slow
def test_stacked_mnist_batches_are_reproducible_by_seed(mnist_data_dir):
    first = data.load_stacked_mnist(batch_size=64, num_samples=256, seed=3, data_dir=mnist_data_dir)
    again = data.load_stacked_mnist(batch_size=64, num_samples=256, seed=3, data_dir=mnist_data_dir)
    batch = next(iter(first)).numpy()
    assert batch.shape == (64, 28, 28, 3) and batch.dtype == np.float32
    assert batch.min() == -1.0 and batch.max() == 1.0
    assert np.array_equal(batch, next(iter(again)).numpy())
    assert int(first.cardinality()) == 4
    # The fixed set: every epoch holds the same 256 samples, reshuffled.
    epochs = [np.concatenate(list(first.as_numpy_iterator())) for _ in range(2)]
    assert not np.array_equal(epochs[0], epochs[1])
    assert np.array_equal(np.sort(epochs[0].reshape(256, -1), axis=0), np.sort(epochs[1].reshape(256, -1), axis=0))
    # Fresh: new samples each epoch, the same stream for the same seed.
    fresh = [np.concatenate(list(data.load_stacked_mnist(64, 128, seed=3, fresh=True, data_dir=mnist_data_dir)
                                 .repeat(2).as_numpy_iterator())) for _ in range(2)]
    assert np.array_equal(fresh[0], fresh[1]) and not np.array_equal(fresh[0][:128], fresh[0][128:])


@pytest.mark.slow
def test_real_stacked_mnist_gives_the_protocols_floor(mnist_data_dir):
    images, true_modes = data.stacked_mnist_arrays(26_000, seed=0, split="test", data_dir=mnist_data_dir)
    classes = modes.classify_channels(images.astype(np.float32) / 127.5 - 1.0)
    accuracy = np.mean(classes == np.stack([true_modes // 100, true_modes // 10 % 10, true_modes % 10], -1))
    assert accuracy > 0.99  # the shipped classifier on MNIST's test digits: 99.3 %
    measured = modes.mode_metrics(modes.mode_histogram(classes @ np.array([100, 10, 1])))
    assert measured["modes"] == 1000
    # The docs' floor: 0.025 nats (sampling's 0.019 and MNIST's unequal class frequencies).
    assert measured["kl"] == pytest.approx(0.025, abs=0.001)
    assert modes.expected_sampling_kl() == pytest.approx(999 / 52_000)
