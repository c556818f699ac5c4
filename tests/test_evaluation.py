"""The MNIST classifier shipped with keras_gan, and label fidelity on real MNIST."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from conftest import main_in_process
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
    return keras_gan.evaluation.mnist_classifier()


@pytest.mark.slow
def test_classifier_is_at_least_99_percent_accurate_on_the_test_split(classifier, mnist_test):
    images, labels = mnist_test
    predicted = np.argmax(classifier.predict(images, batch_size=1000, verbose=0), axis=-1)
    accuracy = np.mean(predicted == labels)
    assert accuracy >= 0.99
    # The shipped record is the truth: 9,930 of 10,000 where it was made; another
    # CPU's rounding may move one borderline image.
    assert classifier.test_accuracy == 0.993
    assert accuracy == pytest.approx(classifier.test_accuracy, abs=1.01e-4)


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


@pytest.mark.slow
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


@pytest.mark.slow
def test_evaluation_command_writes_metrics_json_for_an_export(tmp_path, capsys):
    from keras_gan.evaluation.__main__ import main as evaluate

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
    # A run's generator/ named directly reports to the run directory too; a
    # standalone export keeps its own metrics.json, so exports side by side
    # do not overwrite each other's.
    # (The command's `main` in this process from here: TensorFlow starts once.)
    fast = ["--num-samples", "100", "--skip", "parzen", "two_sample", "precision_recall", "classifier_score"]
    (tmp_path / "run" / "metrics.json").unlink()
    status, _, stderr = main_in_process(evaluate, [str(tmp_path / "run" / "generator"), *fast], capsys)
    assert status == 0, stderr[-3000:]
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["num_samples"] == 100
    keras_gan.export.export_generator(gan, tmp_path / "exports" / "mine")
    status, _, stderr = main_in_process(evaluate, [str(tmp_path / "exports" / "mine"), *fast], capsys)
    assert status == 0, stderr[-3000:]
    assert json.loads((tmp_path / "exports" / "mine" / "metrics.json").read_text())["num_samples"] == 100
    assert not (tmp_path / "exports" / "metrics.json").exists()


def test_evaluation_seeds_draw_disjoint_batches_and_seed_0_draws_what_it_always_drew():
    from keras_gan.evaluation.__main__ import batch_seeds, draw, main

    # Seed 0 keeps the stateless seeds 0, 1, ... of every metrics.json it
    # wrote before; seed s starts at s * 2048.
    assert batch_seeds(0, 1200) == [0, 1, 2]
    assert batch_seeds(1, 1000) == [2048, 2049]
    assert batch_seeds(1_048_575, 1_024_000)[-1] == 2**31 - 1
    # Seeds 0..19 with 10,000 samples each: 400 batches, none shared (before,
    # seed s drew batch b with seed s + b, so seeds 0 and 1 shared 19 of 20).
    seeds = [batch_seeds(seed, 10_000) for seed in range(20)]
    assert len({s for batches in seeds for s in batches}) == 20 * 20

    calls = []

    def sample(num_samples, seed, labels=None):
        calls.append((int(num_samples), int(seed), None if labels is None else labels.numpy().tolist()))
        return {"images": tf.fill((int(num_samples), 2, 2, 1), float(seed))}

    images = draw(sample, 1200, seed=3, num_classes=10)
    assert [(n, s) for n, s, _ in calls] == [(500, 6144), (500, 6145), (200, 6146)]
    assert calls[1][2][:3] == [0, 1, 2] and calls[2][2][:3] == [0, 1, 2]  # sample i has class i % 10
    assert images.shape == (1200, 2, 2, 1)
    np.testing.assert_array_equal(images[[0, 499, 500, 1199], 0, 0, 0], [6144, 6144, 6145, 6146])

    for seed, num_samples, name in ((-1, 10, "seed"), (1_048_576, 10, "seed"),
                                    (0, 0, "num_samples"), (0, 1_024_001, "num_samples")):
        received = seed if name == "seed" else num_samples
        with pytest.raises(ValueError, match=f"argument `{name}`.*Received: {name}={received}"):
            batch_seeds(seed, num_samples)
    # The command refuses before it loads anything (the path need not exist).
    with pytest.raises(SystemExit, match="argument `seed`.*Received: seed=-1"):
        main(["no/such/run", "--seed", "-1"])


def test_shipped_weights_are_the_ones_their_record_names():
    from keras_gan.evaluation import classifier

    assert classifier.sha256_of(classifier.WEIGHTS) == classifier.shipped_report()["sha256"]
    assert keras_gan.evaluation.mnist_classifier().sha256 == classifier.shipped_report()["sha256"]


def test_the_classifier_needs_neither_mnist_nor_training(monkeypatch, tmp_path):
    # FCD is one metric only if no machine trains its own classifier.
    from keras_gan.evaluation import classifier

    def refuse(*args, **kwargs):
        raise AssertionError("the classifier must not be trained or read MNIST")

    monkeypatch.setattr(classifier, "train_mnist_classifier", refuse)
    monkeypatch.setattr(keras_gan.data, "load_tfds", refuse)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    model = classifier.mnist_classifier()
    logits = model.predict(np.zeros((2, 28, 28, 1), np.float32), verbose=0)
    assert logits.shape == (2, 10) and np.all(np.isfinite(logits))
    assert os.listdir(tmp_path) == []  # nothing cached, nothing written


def test_save_classifier_writes_weights_and_their_record_and_refuses_a_weak_classifier(tmp_path):
    from keras_gan.evaluation import classifier

    model = classifier.build_mnist_classifier()
    model.compile("adam", "mse")  # a compiled model: its optimizer must not be saved
    with pytest.raises(ValueError, match=r"argument `accuracy`.*at least 0.99.*Received: accuracy=0.9890"):
        classifier.save_classifier(model, 0.989, tmp_path / "weak", "test")
    assert not (tmp_path / "weak").exists()
    classifier.save_classifier(model, 0.995, tmp_path / "good", "test")
    record = json.loads((tmp_path / "good" / "mnist_classifier.json").read_text())
    weights = tmp_path / "good" / "mnist_classifier.weights.h5"
    assert record == {"test_accuracy": 0.995, "sha256": classifier.sha256_of(weights), "provenance": "test"}
    reloaded = classifier.build_mnist_classifier()
    reloaded.load_weights(weights)
    for saved, original in zip(reloaded.weights, model.weights):
        np.testing.assert_array_equal(saved.numpy(), original.numpy())
    # The shipped file has the same layout: 218,778 float32 parameters and no optimizer state.
    assert sum(int(np.prod(w.shape)) for w in model.weights) == 218_778
    assert os.path.getsize(weights) == os.path.getsize(classifier.WEIGHTS)
