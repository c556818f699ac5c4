"""The project's MNIST classifier and label fidelity, on real MNIST."""

import json
import os

import numpy as np
import pytest

import keras_gan
from conftest import require_mnist
from conftest import run_python
from keras_gan.evaluation import label_fidelity


@pytest.fixture(scope="module")
def mnist_test():
    """MNIST's 10,000 test images in [-1, 1] and their labels."""
    dataset = keras_gan.data.load_tfds(
        "mnist", split="test", batch_size=10_000, shuffle=False, data_dir=require_mnist(), label_key="label"
    )
    images, labels = next(iter(dataset))
    return images.numpy(), labels.numpy()


@pytest.fixture(scope="module")
def classifier():
    # Trained once per machine (a few minutes), then loaded from the cache.
    return keras_gan.evaluation.mnist_classifier(data_dir=require_mnist())


def test_classifier_is_at_least_99_percent_accurate_on_the_test_split(classifier, mnist_test):
    images, labels = mnist_test
    predicted = np.argmax(classifier.predict(images, batch_size=1000, verbose=0), axis=-1)
    accuracy = np.mean(predicted == labels)
    assert accuracy >= 0.99
    assert classifier.test_accuracy == pytest.approx(accuracy, abs=1e-6)  # the cached report is the truth


def real_images_generator(mnist_test, ignore_labels=False):
    """A 'generator' that returns real test images of the class asked for
    (or, with `ignore_labels`, always of class 0)."""
    images, labels = mnist_test
    by_class = [images[labels == c] for c in range(10)]

    def generate(wanted, seed):
        wanted = np.zeros_like(wanted) if ignore_labels else wanted.numpy()
        return np.stack([by_class[c][(seed * 37 + i) % len(by_class[c])] for i, c in enumerate(wanted)])

    return generate


def test_label_fidelity_of_a_perfect_generator_is_the_classifiers_accuracy(classifier, mnist_test):
    result = label_fidelity(real_images_generator(mnist_test), classifier, 10, samples_per_class=50, batch_size=128)
    assert result["num_samples"] == 500 and len(result["per_class"]) == 10
    assert result["label_fidelity"] >= 0.98
    assert result["label_fidelity"] == pytest.approx(np.mean(result["per_class"]))


def test_label_fidelity_of_a_generator_that_ignores_labels_is_one_in_ten(classifier, mnist_test):
    result = label_fidelity(
        real_images_generator(mnist_test, ignore_labels=True), classifier, 10, samples_per_class=50, batch_size=128
    )
    # Only the class-0 requests are met: per-class fidelity ~1 for 0, ~0 else.
    assert result["per_class"][0] >= 0.98 and max(result["per_class"][1:]) <= 0.02
    assert result["label_fidelity"] == pytest.approx(0.1, abs=0.005)


def direct_parzen(samples, points, sigmas):
    """log (1/n sum_j N(x; mu_j, sigma^2 I)) per sigma and point, straight
    from the formula in float64: squared distances element by element (not
    the dot-product expansion), then scipy's logsumexp."""
    from scipy.special import logsumexp

    squared = np.stack([((x - samples) ** 2).sum(1) for x in points])
    n, d = samples.shape
    return np.stack([
        logsumexp(-squared / (2 * s**2), axis=1) - np.log(n) - d * np.log(s * np.sqrt(2 * np.pi)) for s in sigmas
    ])


def test_parzen_with_real_training_images_as_samples(mnist_test):
    """The 2014 protocol with 10,000 real training images in place of G's
    samples: what a generator that reproduced the data would reach. The
    sigma chosen and the test estimate are derived here from the formula
    itself on the same images (sigma on 100 validation images, the test
    estimate on a subset of the test images, to
    keep it quick: 300); this protocol gives about 241 nats, against the paper's
    225 for adversarial nets."""
    data_dir = require_mnist()
    parzen = keras_gan.evaluation.parzen
    samples = parzen.unit_pixels(keras_gan.data.images_of("mnist", "train[:10000]", 10_000, data_dir))
    validation = parzen.unit_pixels(keras_gan.data.images_of("mnist", "train[50000:51000]", 1_000, data_dir))
    test = parzen.unit_pixels(mnist_test[0])
    result = parzen.parzen_evaluation(samples, validation, test)
    sigmas = np.logspace(-1, 0, 10)
    chosen = sigmas[np.argmax(direct_parzen(samples, validation[:100], sigmas).mean(axis=1))]
    assert result["sigma"] == pytest.approx(chosen)
    subset = parzen.parzen_log_likelihoods(samples, test[:300], [result["sigma"]])[0]
    np.testing.assert_allclose(subset, direct_parzen(samples, test[:300], [result["sigma"]])[0], rtol=1e-9)
    assert result["standard_error"] < 3


def test_evaluation_command_writes_metrics_json_for_an_export(tmp_path):
    require_mnist()
    gan = keras_gan.GAN(
        keras_gan.architectures.dcgan_generator((28, 28, 1), latent_dim=4, width=2),
        keras_gan.architectures.dcgan_discriminator((28, 28, 1), width=2),
    )
    keras_gan.export.export_generator(gan, tmp_path / "run" / "generator")
    result = run_python(["-m", "keras_gan.evaluation", str(tmp_path / "run"), "--num-samples", "600"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics == json.loads(result.stdout)
    assert metrics["num_samples"] == 600
    assert set(metrics) >= {
        "frechet_classifier_distance", "kid", "classifier_score", "precision", "recall", "two_sample", "parzen"
    }
    assert "label_fidelity" not in metrics  # unconditional
    # An untrained generator: far from MNIST, and told apart almost always.
    assert metrics["frechet_classifier_distance"] > 10
    assert metrics["two_sample"]["accuracy"] > 0.9 and metrics["two_sample"]["p_value"] < 1e-6


CONCURRENT_CLASSIFIER = """
import os, sys, time
import keras
from keras_gan.evaluation import classifier

def train(data_dir=None):
    with open(sys.argv[2], "a") as f:
        f.write(f"{os.getpid()}\\n")
    time.sleep(2)  # long enough for the other process to reach the lock
    return classifier.build_mnist_classifier(), 0.995

classifier.train_mnist_classifier = train
print(classifier.mnist_classifier(cache_dir=sys.argv[1]).test_accuracy)
"""


def test_two_processes_share_one_classifier_training(tmp_path):
    # pytest-xdist workers (or two runs) on a fresh machine: one trains and
    # caches, the other waits for its lock and loads the cache.
    from conftest import finish, start_python

    script = tmp_path / "train_twice.py"  # not concurrent.py: that would shadow the standard library
    script.write_text(CONCURRENT_CLASSIFIER)
    trainings = tmp_path / "trainings.txt"
    processes = [
        start_python([str(script), str(tmp_path / "cache"), str(trainings)], stdout=-1, stderr=-1, text=True)
        for _ in range(2)
    ]
    outputs = finish(processes, timeout=300)
    assert [float(out.strip().splitlines()[-1]) for out in outputs] == [0.995, 0.995]
    assert len(trainings.read_text().split()) == 1
    assert sorted(os.listdir(tmp_path / "cache")) == [
        "mnist_classifier.json", "mnist_classifier.keras", "mnist_classifier.lock"
    ]
