"""The generators in docs/reference_generators reproduce the numbers the
README and docs/reproductions.md publish for them.

Each is loaded as a SavedModel (float16 weights), sampled as its run's
evaluation sampled it, and scored by the same protocol; the result must equal
the run's own record (config.json, docs/run_records/*_result.json) up to what rounding
the weights to float16 can move it, far inside the spread the docs give.
"""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

from conftest import REPO
from conftest import require_mnist
from keras_gan import data
from keras_gan.evaluation import features
from keras_gan.evaluation import parzen
from keras_gan.evaluation import statistics
from keras_gan.evaluation.classifier import mnist_classifier
from keras_gan.evaluation.modes import mode_coverage

pytestmark = pytest.mark.slow

GENERATORS = os.path.join(REPO, "docs", "reference_generators")


def load(name):
    with open(os.path.join(GENERATORS, name, "config.json")) as f:
        config = json.load(f)
    return tf.saved_model.load(os.path.join(GENERATORS, name)), config


def test_the_kept_generators_are_the_ones_the_docs_link():
    assert sorted(os.listdir(GENERATORS)) == [
        "goodfellow2014_seed1", "grid_gan_seed0", "grid_pacgan2_seed0", "mnist_dcgan", "mnist_n500_ada",
        "mnist_n500_diffaugment", "mnist_n500_none", "mnist_sngan", "mnist_sngan_ema", "ring_gan_seed1",
        "ring_pacgan2_seed0",
    ]
    for name in os.listdir(GENERATORS):
        reader = tf.train.load_checkpoint(os.path.join(GENERATORS, name, "variables", "variables"))
        dtypes = {d.name for key, d in reader.get_variable_to_dtype_map().items() if key != "_CHECKPOINTABLE_OBJECT_GRAPH"}
        assert dtypes == {"float16"}, name


# fcd10k_test of each export, its run's best evaluation: the run's own
# evaluation (QualityMetrics) drew 10,000 images as GAN.generate(10000,
# seed=run seed) does, which the export's `sample` signature reproduces; the
# number is the one the docs give for the export.
MNIST = {
    "mnist_dcgan": 9.54,
    "mnist_sngan": 18.95,
    "mnist_sngan_ema": 2.86,
    "mnist_n500_none": 31.11,
    "mnist_n500_ada": 27.70,
    "mnist_n500_diffaugment": 30.05,
}


@pytest.fixture(scope="module")
def classifier_features():
    data_dir = require_mnist()
    extractor = features.classifier_feature_model(mnist_classifier())
    real = features.features_of(data.images_of("mnist", "test", 10_000, data_dir), extractor)
    return extractor, statistics.mean_and_covariance(real)


@pytest.mark.parametrize("name", sorted(MNIST))
def test_an_mnist_generator_reproduces_its_fcd(name, classifier_features):
    extractor, (real_mean, real_covariance) = classifier_features
    exported, config = load(name)
    recorded = config["best"]["fcd10k_test"]
    assert round(recorded, 2) == MNIST[name]
    seed = config["train_config"]["seed"]
    images = exported.signatures["sample"](num_samples=tf.constant(10_000), seed=tf.constant(seed))["images"]
    mean, covariance = statistics.mean_and_covariance(features.features_of(images.numpy(), extractor))
    fcd = statistics.frechet_distance_from_statistics(mean, covariance, real_mean, real_covariance)
    # float16 weights move each image by about 1e-4 on average: the distance
    # moves by far less than the 0.13 spread of six re-scorings (SNGAN + EMA).
    assert fcd == pytest.approx(recorded, abs=0.03)


def test_the_2014_generator_reproduces_its_parzen_estimate():
    data_dir = require_mnist()
    exported, _ = load("goodfellow2014_seed1")
    with open(os.path.join(REPO, "docs", "run_records", "goodfellow2014_seed1_result.json")) as f:
        recorded = json.load(f)["last"]
    assert round(recorded["log_likelihood"], 1) == 214.9
    # experiments/goodfellow2014.py's test estimate: 10,000 samples of seed
    # SAMPLES_SEED + 1 = 2015, sigma chosen on the first 1,000 validation images.
    samples = exported.signatures["sample"](num_samples=tf.constant(10_000), seed=tf.constant(2015))["images"]
    validation = parzen.unit_pixels(data.images_of("mnist", "train[50000:51000]", 1_000, data_dir))
    test = parzen.unit_pixels(data.images_of("mnist", "test", 10_000, data_dir))
    # The 2014 generator's sigmoid gives pixels in [0, 1] already.
    result = parzen.parzen_evaluation(np.asarray(samples, np.float64).reshape(10_000, -1), validation, test)
    assert result["sigma"] == pytest.approx(recorded["sigma"])
    assert result["log_likelihood"] == pytest.approx(recorded["log_likelihood"], abs=0.1)
    assert result["standard_error"] == pytest.approx(recorded["standard_error"], abs=0.01)


# PacGAN's metrics of 2,500 samples from the fixed z of experiments/mixtures.py
# (numpy's default_rng(10,000 + seed)), after the run's 400,000 updates.
@pytest.mark.parametrize("name", ["ring_gan_seed1", "ring_pacgan2_seed0", "grid_gan_seed0", "grid_pacgan2_seed0"])
def test_a_mixture_generator_reproduces_its_modes_quality_and_kl(name):
    exported, config = load(name)
    z = np.random.default_rng(10_000 + config["seed"]).standard_normal((2_500, 2)).astype(np.float32)
    samples = exported.signatures["serving_default"](z=tf.constant(z))["samples"].numpy()
    means, sigma = data.MIXTURES[config["mixture"]]
    result = mode_coverage(samples, means, sigma)
    recorded = config["result_at_400000"]
    assert result["modes_captured"] == recorded["modes_captured"]
    # A sample within 3 sigma of a mode by less than float16's shift may
    # cross over: at most 2 of 2,500 samples.
    assert result["high_quality"] == pytest.approx(recorded["high_quality"], abs=0.0008)
    assert result["kl_to_uniform"] == pytest.approx(recorded["kl_to_uniform"], abs=0.005)
