"""experiments/autoencoder_vs_gan.py: its VAE's likelihood, KL and
reparameterization against values computed by hand (Kingma & Welling 2014),
and the script end to end on real MNIST at two updates per model."""

import json
import math
import os
import sys

import numpy as np
import pytest
import tensorflow as tf

from conftest import REPO, run_python

sys.path.insert(0, os.path.join(REPO, "experiments"))
import autoencoder_vs_gan as experiment  # noqa: E402


def test_bernoulli_nll_sums_pixel_cross_entropies():
    # Two pixels of one image: white (target 1) decoded as 0 (p = 0.5),
    # black (target 0) decoded as 0.5 (p = 0.75): log 2 + log 4 nats.
    images = tf.constant([[[[1.0, -1.0]]]])
    decoded = tf.constant([[[[0.0, 0.5]]]])
    np.testing.assert_allclose(experiment.bernoulli_nll(images, decoded).numpy(), [math.log(8.0)], rtol=1e-6)


def test_bernoulli_nll_grey_target_is_cross_entropy_not_zero():
    # A grey pixel (target 0.5) is best decoded as grey, at log 2 nats.
    nll = experiment.bernoulli_nll(tf.zeros((1, 1, 1, 1)), tf.zeros((1, 1, 1, 1)))
    np.testing.assert_allclose(nll.numpy(), [math.log(2.0)], rtol=1e-6)


def test_kl_term_by_hand():
    # KL(N(1, 1) || N(0, 1)) = 1/2; KL(N(0, 4) || N(0, 1)) = (4 - 1 - log 4) / 2.
    # Second image: both zero-KL dimensions. Batch mean of the two.
    layer = experiment.Reparameterize(seed=0)
    mean = tf.constant([[1.0, 0.0], [0.0, 0.0]])
    log_var = tf.constant([[0.0, math.log(4.0)], [0.0, 0.0]])
    layer([mean, log_var], training=False)
    expected = (0.5 + (3.0 - math.log(4.0)) / 2) / 2
    np.testing.assert_allclose(float(layer.losses[-1]), expected, rtol=1e-6)


def test_sample_is_mean_at_inference_and_reparameterized_while_training():
    layer = experiment.Reparameterize(seed=1)
    mean = tf.constant([[3.0, -1.0]] * 20000)
    log_var = tf.constant([[0.0, math.log(4.0)]] * 20000)
    np.testing.assert_array_equal(layer([mean, log_var], training=False).numpy(), mean.numpy())
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([mean, log_var])
        z = layer([mean, log_var], training=True)
        total = tf.reduce_sum(z)
    # Moments of mean + exp(log_var / 2) * eps: means 3, -1; stds 1, 2.
    np.testing.assert_allclose(z.numpy().mean(axis=0), [3.0, -1.0], atol=0.05)
    np.testing.assert_allclose(z.numpy().std(axis=0), [1.0, 2.0], rtol=0.03)
    # The gradient flows through the sample: dz/dmean = 1 and
    # dz/dlog_var = exp(log_var / 2) eps / 2 = (z - mean) / 2.
    np.testing.assert_allclose(tape.gradient(total, mean).numpy(), np.ones((20000, 2)))
    np.testing.assert_allclose(tape.gradient(total, log_var).numpy(), (z - mean).numpy() / 2, rtol=1e-5, atol=1e-6)


def test_fitted_gaussian_codes_follow_the_codes_moments():
    rng = np.random.default_rng(0)
    codes = rng.standard_normal((5000, 2)) @ np.array([[2.0, 0.0], [1.0, 0.5]]) + [1.0, -2.0]
    draws = experiment.fitted_gaussian_codes(codes, 50000, np.random.default_rng(1))
    np.testing.assert_allclose(draws.mean(axis=0), codes.mean(axis=0), atol=0.03)
    np.testing.assert_allclose(np.cov(draws, rowvar=False), np.cov(codes, rowvar=False), rtol=0.03, atol=0.03)


def test_interpolation_rows_go_from_a_to_b():
    # An identity "decoder" shows the codes themselves.
    class Identity:
        def predict(self, codes, batch_size, verbose):
            return codes

    latent = experiment.LATENT_DIM
    a, b = np.zeros((2, latent)), np.stack([np.ones(latent), 2 * np.ones(latent)])
    rows = experiment.interpolate(Identity(), a, b, steps=3).reshape(2, 3, latent)
    np.testing.assert_allclose(rows[:, :, 0], [[0.0, 0.5, 1.0], [0.0, 1.0, 2.0]])


@pytest.mark.slow
def test_script_on_real_mnist_writes_runs_and_reloads_the_same_models(mnist_data_dir, tmp_path):
    """Two updates per model on real MNIST: each model's directory, the
    report and the figures are written; a second run loads the models
    instead of training them and measures the same numbers."""
    out, docs = tmp_path / "runs", tmp_path / "docs"
    # 12 evaluated digits: fewer than the index (13) of the first test 9,
    # which the interpolation figure still encodes.
    command = ["experiments/autoencoder_vs_gan.py", "--epochs", "1", "--train-images", "256",
               "--eval-samples", "12", "--models", "gan", "autoencoder", "vae",
               "--out", str(out), "--docs", str(docs), "--data-dir", mnist_data_dir]
    first = run_python(command)
    assert first.returncode == 0, first.stderr[-3000:]
    for name, files in {"gan": ["decoder.keras"], "autoencoder": ["decoder.keras", "encoder.keras"],
                        "vae": ["decoder.keras", "encoder.keras"]}.items():
        for file in files + ["config.json", "history.csv", "training.json", "metrics.json"]:
            assert (out / name / file).is_file(), (name, file)
    for figure in ["samples", "interpolation", "reconstructions"]:
        assert (docs / f"autoencoder_vs_gan_{figure}.png").stat().st_size > 0
    report = json.loads((out / "report.json").read_text())
    assert report["updates"] == 2 and report["eval_samples"] == 12
    # The test digits against themselves: FCD 0 up to float round-off.
    assert abs(report["models"]["test_digits"]["fcd"]) < 1e-3
    assert "codes_of_test_digits" not in report["models"]["gan"]
    assert report["models"]["vae"]["encoder_parameters"] > report["models"]["autoencoder"]["encoder_parameters"]
    trained = {name: (out / name / "decoder.keras").stat().st_mtime_ns for name in ["gan", "autoencoder", "vae"]}

    second = run_python(command)
    assert second.returncode == 0, second.stderr[-3000:]
    assert {name: (out / name / "decoder.keras").stat().st_mtime_ns for name in trained} == trained
    again = json.loads((out / "report.json").read_text())
    for name in trained:
        for measured in ["samples", "midpoints_of_samples"]:
            np.testing.assert_allclose(again["models"][name][measured]["fcd"],
                                       report["models"][name][measured]["fcd"], rtol=1e-4)
        assert again["models"][name]["train_seconds"] == report["models"][name]["train_seconds"]


@pytest.mark.slow
def test_script_refuses_bad_flags_before_loading_anything(tmp_path):
    result = run_python(["experiments/autoencoder_vs_gan.py", "--eval-samples", "20000",
                         "--out", str(tmp_path / "runs")])
    assert result.returncode == 2
    assert "--eval-samples must be between 10 and 10000 (the test digits), got 20000" in result.stderr
    assert not (tmp_path / "runs").exists()
