"""The exported generator: signatures, values, loading without keras_gan."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from conftest import run_python
from conftest import tiny_dcgan

LOAD_WITHOUT_KERAS_GAN = """
import json, sys
import tensorflow as tf
exported = tf.saved_model.load(sys.argv[1])
served = exported.signatures["serving_default"](z=tf.constant(json.loads(sys.argv[2]), tf.float32))
sampled = exported.signatures["sample"](num_samples=tf.constant(3), seed=tf.constant(7))
print(json.dumps({
    "signatures": sorted(exported.signatures),
    "served": served["images"].numpy().tolist(),
    "served_uint8": served["images_uint8"].numpy().tolist(),
    "sampled": sampled["images"].numpy().tolist(),
    "keras_gan_imported": any(m.split(".")[0] == "keras_gan" for m in sys.modules),
}))
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    keras.utils.set_random_seed(0)
    gan = tiny_dcgan()
    path = tmp_path_factory.mktemp("export") / "generator"
    assert keras_gan.export.export_generator(gan, path) == str(path)
    return gan, path


@pytest.mark.slow
def test_both_signatures_give_the_generators_images_in_a_fresh_process(exported):
    gan, path = exported
    z = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    result = run_python(["-c", LOAD_WITHOUT_KERAS_GAN, str(path), json.dumps(z.tolist())], cwd=path.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["signatures"] == ["sample", "serving_default"]
    assert not loaded["keras_gan_imported"]
    expected = gan.generator(z, training=False).numpy()
    np.testing.assert_allclose(loaded["served"], expected, atol=1e-6)
    # images_uint8 = round((images + 1) * 127.5), worked out here in NumPy.
    np.testing.assert_array_equal(loaded["served_uint8"], np.round((expected + 1) * 127.5).astype(np.uint8))
    # `sample` draws z from the prior with the seed, as GAN.generate does.
    np.testing.assert_allclose(loaded["sampled"], gan.generate(3, seed=7).numpy(), atol=1e-6)


def test_sample_is_deterministic_for_a_seed_and_checks_num_samples(exported):
    _, path = exported
    sample = tf.saved_model.load(str(path)).signatures["sample"]
    first = sample(num_samples=tf.constant(4), seed=tf.constant(1))
    again = sample(num_samples=tf.constant(4), seed=tf.constant(1))
    other = sample(num_samples=tf.constant(4), seed=tf.constant(2))
    assert first["images"].shape == (4, 8, 8, 1) and first["images"].dtype == tf.float32
    assert first["images_uint8"].dtype == tf.uint8
    np.testing.assert_array_equal(first["images"], again["images"])
    assert not np.array_equal(first["images"], other["images"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_samples"):
        sample(num_samples=tf.constant(0), seed=tf.constant(1))


@pytest.mark.slow
def test_saved_model_cli_lists_both_signatures(exported):
    _, path = exported
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    result = subprocess.run(
        [cli, "show", "--dir", str(path), "--all"],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    listing = result.stdout
    serving = listing[listing.index("signature_def['serving_default']") :]
    sample = listing[listing.index("signature_def['sample']") : listing.index("signature_def['serving_default']")]
    assert "inputs['z']" in serving and "shape: (-1, 4)" in serving
    assert "inputs['num_samples']" in sample and "inputs['seed']" in sample and "DT_INT32" in sample
    for signature in (serving, sample):
        assert "outputs['images']" in signature and "DT_FLOAT" in signature
        assert "outputs['images_uint8']" in signature and "DT_UINT8" in signature
        assert "shape: (-1, 8, 8, 1)" in signature


def test_export_replaces_an_earlier_export_whole(tmp_path):
    path = tmp_path / "generator"
    first, second = tiny_dcgan(), tiny_dcgan(seed=1)
    second.generator.set_weights([w + 0.1 for w in first.generator.get_weights()])
    keras_gan.export.export_generator(first, path)
    keras_gan.export.export_generator(second, path)
    assert sorted(os.listdir(tmp_path)) == ["generator"]
    z = tf.zeros((2, 4))
    served = tf.saved_model.load(str(path)).signatures["serving_default"](z=z)["images"]
    np.testing.assert_allclose(served, second.generator(z, training=False), atol=1e-6)


def test_a_generator_of_points_exports_unscaled_samples(tmp_path):
    # A 2-D mixture's generator (experiments/mixtures.py): points far outside
    # [-1, 1] come back as they are, under "samples", with no uint8 copy.
    keras.utils.set_random_seed(0)
    z = keras.Input((2,))
    generator = keras.Model(z, keras.layers.Dense(2, kernel_initializer=keras.initializers.Constant(3.0))(z))
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    gan = keras_gan.GAN(generator, discriminator, seed=0)
    path = keras_gan.export.export_generator(gan, tmp_path / "generator")
    loaded = tf.saved_model.load(path)
    points = np.array([[1.0, 2.0], [-1.0, 0.5]], "float32")
    served = loaded.signatures["serving_default"](z=tf.constant(points))
    assert sorted(served) == ["samples"]
    # Dense with every weight 3 and bias 0: each output is 3 (z_1 + z_2).
    np.testing.assert_allclose(served["samples"], [[9.0, 9.0], [-1.5, -1.5]], rtol=1e-6)
    sampled = loaded.signatures["sample"](num_samples=tf.constant(4), seed=tf.constant(3))["samples"]
    np.testing.assert_allclose(sampled, gan.generate(4, seed=3).numpy(), rtol=1e-6)


def stored_weights(path):
    """{checkpoint key: (shape, dtype name)} of the variables a SavedModel stores."""
    reader = tf.train.load_checkpoint(os.path.join(path, "variables", "variables"))
    dtypes = reader.get_variable_to_dtype_map()
    return {key: (tuple(shape), dtypes[key].name) for key, shape in reader.get_variable_to_shape_map().items()
            if key != "_CHECKPOINTABLE_OBJECT_GRAPH"}


@pytest.mark.parametrize("weights_dtype", ["float32", "float16"])
def test_the_export_stores_each_weight_once_in_the_dtype_asked(tmp_path, weights_dtype):
    keras.utils.set_random_seed(0)
    gan = tiny_dcgan()
    path = keras_gan.export.export_generator(gan, tmp_path / "generator", weights_dtype=weights_dtype)
    stored = stored_weights(path)
    # One stored tensor per generator weight (BatchNormalization's moving
    # statistics included), of the same shapes, every one in weights_dtype.
    weights = gan.generator.weights
    assert sorted(shape for shape, _ in stored.values()) == sorted(tuple(w.shape) for w in weights)
    assert {dtype for _, dtype in stored.values()} == {weights_dtype}
    sample = tf.saved_model.load(path).signatures["sample"]
    images = sample(num_samples=tf.constant(6), seed=tf.constant(3))["images"]
    assert images.dtype == tf.float32
    expected = gan.generate(6, seed=3)
    if weights_dtype == "float32":
        np.testing.assert_allclose(images, expected, atol=1e-6)
    else:
        # The same generator on its weights rounded to float16, worked out
        # through Keras: equal to float32 rounding, not merely close.
        rounded = tiny_dcgan()
        rounded.generator.set_weights([w.astype("float16").astype("float32") for w in gan.generator.get_weights()])
        np.testing.assert_allclose(images, rounded.generate(6, seed=3), atol=1e-6)
        assert not np.allclose(images, expected, atol=1e-7)


def test_an_unknown_weights_dtype_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match=r"weights_dtype.*Expected one of \('float32', 'float16'\).*'int8'"):
        keras_gan.export.export_generator(tiny_dcgan(), tmp_path / "generator", weights_dtype="int8")
    assert os.listdir(tmp_path) == []
