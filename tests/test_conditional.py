"""ConditionalGAN: labels reach both networks through GAN's own train_step."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import architectures

IMAGES = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")
LABELS = np.array([0, 1, 2, 0, 1, 2, 0, 1])


def conditional_dcgan(num_classes=3, seed=0):
    return keras_gan.ConditionalGAN(
        architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2, num_classes=num_classes),
        architectures.dcgan_discriminator((8, 8, 1), width=2, num_classes=num_classes),
        num_classes=num_classes,
        seed=seed,
    )


def conditional_mlp(num_classes=3):
    return keras_gan.ConditionalGAN(
        architectures.mlp_generator((8, 8, 1), latent_dim=4, hidden_units=6, num_classes=num_classes),
        architectures.mlp_discriminator((8, 8, 1), units=3, pieces=2, num_classes=num_classes),
        num_classes=num_classes,
    )


def compiled(gan, **kwargs):
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), **kwargs)
    return gan


def test_the_game_is_gans_own_code():
    for method in ("train_step", "test_step", "_d_step", "_g_step", "call"):
        assert method not in keras_gan.ConditionalGAN.__dict__, method


class Recorder(keras.layers.Layer):
    """Identity that records the labels it sees (eagerly)."""

    seen = []

    def call(self, labels):
        if tf.executing_eagerly():
            Recorder.seen.append(labels.numpy().tolist())
        return labels


def test_labels_reach_d_split_by_minibatch_and_fakes_take_the_minibatchs_labels():
    z, y = keras.Input((2,)), keras.Input((), dtype="int32")
    one_hot = keras.layers.CategoryEncoding(4, output_mode="one_hot")(y)
    generated = keras.layers.Dense(1)(keras.layers.Concatenate()([z, one_hot]))
    generator = keras.Model([z, y], keras.layers.Reshape((1, 1, 1))(generated))
    x, y_d = keras.Input((1, 1, 1)), keras.Input((), dtype="int32")
    seen = keras.layers.CategoryEncoding(4, output_mode="one_hot")(Recorder()(y_d))
    logits = keras.layers.Dense(1)(keras.layers.Concatenate()([keras.layers.Flatten()(x), seen]))
    gan = keras_gan.ConditionalGAN(generator, keras.Model([x, y_d], logits), num_classes=4, seed=0)
    compiled(gan, d_steps=2, run_eagerly=True)
    Recorder.seen.clear()
    images = np.zeros((4, 1, 1, 1), "float32")
    gan.fit(images, np.array([0, 1, 2, 3]), batch_size=4, epochs=1, verbose=0, shuffle=False)
    # D step 1: real rows 0 and 2, then fakes labelled from {0, 2}; D step 2:
    # rows 1 and 3, fakes from {1, 3}; the G step's fakes from minibatch 1.
    assert len(Recorder.seen) == 5
    assert Recorder.seen[0] == [0, 2] and Recorder.seen[2] == [1, 3]
    assert set(Recorder.seen[1]) <= {0, 2} and set(Recorder.seen[3]) <= {1, 3} and set(Recorder.seen[4]) <= {0, 2}
    assert int(gan.d_optimizer.iterations) == 2 and int(gan.g_optimizer.iterations) == 1


def test_fake_labels_are_drawn_with_replacement_from_the_batch():
    gan = conditional_dcgan(num_classes=10)
    drawn = gan.fake_labels(tf.constant([7, 7, 7, 7]), tf.constant([1, 2], tf.int64))
    assert drawn.numpy().tolist() == [7, 7, 7, 7]
    batch = tf.constant([0, 3, 5, 9] * 250)
    drawn = gan.fake_labels(batch, tf.constant([3, 4], tf.int64)).numpy()
    # Each label of the batch is a quarter of it, so about 250 of 1000 draws.
    counts = np.bincount(drawn, minlength=10)
    assert set(np.flatnonzero(counts)) == {0, 3, 5, 9} and all(200 < counts[[0, 3, 5, 9]]) and all(counts[[0, 3, 5, 9]] < 300)


@pytest.mark.parametrize("build", [conditional_dcgan, conditional_mlp])
def test_changing_y_changes_gs_images_and_ds_logits(build):
    gan = build()
    z = tf.random.normal((6, 4), seed=1)
    y = tf.constant([0, 1, 2, 0, 1, 2])
    other = (y + 1) % 3
    images = gan.generator([z, y], training=False)
    assert images.shape == (6, 8, 8, 1)
    assert not np.allclose(images, gan.generator([z, other], training=False))
    logits = gan.discriminator([images, y], training=False)
    assert logits.shape == (6, 1)
    assert not np.allclose(logits, gan.discriminator([images, other], training=False))


def test_fit_generate_and_evaluate_with_labels():
    gan = compiled(conditional_dcgan())
    dataset = keras_gan.data.from_arrays(IMAGES, batch_size=4, value_range=(-1, 1), labels=LABELS)
    history = gan.fit(dataset, epochs=2, verbose=0)
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert set(gan.evaluate(dataset, verbose=0, return_dict=True)) == {"d_loss", "g_loss", "d_real", "d_fake", "loss"}
    # Default labels: the classes in order, in equal blocks.
    np.testing.assert_array_equal(gan.generate(6, seed=3), gan.generate(6, labels=[0, 0, 1, 1, 2, 2], seed=3))
    np.testing.assert_array_equal(gan.generate(4, labels=2, seed=3), gan.generate(4, labels=[2, 2, 2, 2], seed=3))
    assert not np.allclose(gan.generate(4, labels=0, seed=3), gan.generate(4, labels=1, seed=3))


def test_reloaded_conditional_gan_generates_the_same_classes(tmp_path):
    gan = compiled(conditional_dcgan())
    gan.save(tmp_path / "gan.keras")
    reloaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert type(reloaded) is keras_gan.ConditionalGAN and reloaded.num_classes == 3
    # Equal once through JSON, as a .keras file stores it (tuples -> lists).
    assert json.dumps(reloaded.get_config(), sort_keys=True) == json.dumps(gan.get_config(), sort_keys=True)
    np.testing.assert_array_equal(reloaded.generate(6, labels=[2, 1, 0, 2, 1, 0], seed=1), gan.generate(6, labels=[2, 1, 0, 2, 1, 0], seed=1))


def test_export_takes_labels_on_both_signatures(tmp_path):
    gan = conditional_dcgan()
    keras_gan.export.export_generator(gan, tmp_path / "generator")
    exported = tf.saved_model.load(str(tmp_path / "generator"))
    labels = tf.constant([2, 0, 1])
    sampled = exported.signatures["sample"](num_samples=tf.constant(3), seed=tf.constant(4), labels=labels)
    np.testing.assert_allclose(sampled["images"], gan.generate(3, labels=[2, 0, 1], seed=4), atol=1e-6)
    z = tf.random.normal((3, 4), seed=2)
    served = exported.signatures["serving_default"](z=z, labels=labels)
    np.testing.assert_allclose(served["images"], gan.generate_from_latent(z, labels=[2, 0, 1]), atol=1e-6)
    for bad in ([0, 3, 1], [0, 1]):  # out of range; not one label per sample
        with pytest.raises(tf.errors.InvalidArgumentError, match="labels"):
            exported.signatures["sample"](num_samples=tf.constant(3), seed=tf.constant(4), labels=tf.constant(bad))


def test_labels_out_of_range_stop_the_step_before_any_update():
    gan = compiled(conditional_dcgan())
    before = [w.copy() for w in gan.get_weights()]
    # The first batch's labels are 1, 2, 3, 1: one is out of range.
    dataset = keras_gan.data.from_arrays(IMAGES, batch_size=4, value_range=(-1, 1), shuffle=False, labels=LABELS + 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected class indices in \[0, 3\)"):
        gan.fit(dataset, epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 0
    for old, new in zip(before, gan.get_weights()):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize(
    "labels, match",
    [
        (None, "Expected batches of \\(images, labels\\).*Received: batches of images only"),
        (LABELS.astype("float32"), "Expected integer class indices in \\[0, 3\\). Received: labels of dtype float32"),
        (np.eye(3, dtype="int32")[LABELS], "Expected one class index per image, shape \\(batch,\\).*Received: labels of shape \\(None, 3\\)"),
    ],
)
def test_bad_dataset_labels_raise_before_any_update(labels, match):
    gan = compiled(conditional_dcgan())
    data = IMAGES if labels is None else (IMAGES, labels)
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(4)
    with pytest.raises(ValueError, match=match):
        gan.fit(dataset, epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 0


@pytest.mark.parametrize(
    "labels, match",
    [
        ([0, 1, 3], "Expected class indices in \\[0, 3\\). Received: labels containing 3"),
        (-1, "Received: labels containing -1"),
        ([0.0, 1.0, 2.0], "Expected an int or integers of shape \\(3,\\). Received: labels of dtype float64"),
        ([0, 1], "Received: labels of dtype int64 and shape \\(2,\\)"),
    ],
)
def test_generate_rejects_bad_labels(labels, match):
    with pytest.raises(ValueError, match=match):
        conditional_dcgan().generate(3, labels=labels)


def test_construction_errors():
    unconditional = (architectures.dcgan_generator((8, 8, 1), 4, 2), architectures.dcgan_discriminator((8, 8, 1), 2))
    with pytest.raises(ValueError, match="argument `generator`. Expected a conditional network"):
        keras_gan.ConditionalGAN(*unconditional, num_classes=3)
    with pytest.raises(ValueError, match="Expected an int >= 2.*Received: num_classes=1"):
        architectures.dcgan_generator((8, 8, 1), 4, 2, num_classes=1)
    with pytest.raises(ValueError, match="Received: num_classes=None"):
        keras_gan.ConditionalGAN(conditional_dcgan().generator, conditional_dcgan().discriminator, num_classes=None)
    with pytest.raises(ValueError, match="Invalid argument `labels` for an unconditional GAN"):
        keras_gan.GAN(*unconditional).generate(2, labels=1)
