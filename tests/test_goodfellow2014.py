"""experiments/goodfellow2014.py: its recipe by value, its stopping rule by
hand, the fast path's update equal to the default's, and the run directory's
refusal to continue with other settings."""

import json
import math
import os
import sys

import numpy as np
import pytest

import keras_gan
from conftest import REPO, run_python

sys.path.insert(0, os.path.join(REPO, "experiments"))
import goodfellow2014 as experiment  # noqa: E402


def unit_pixels(count=100, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (count, 28, 28, 1)).astype(np.float32)


def test_the_prior_is_mnist_yaml_uniform_noise_with_unit_variance():
    """`noise: 'uniform'` in mnist.yaml: U(-sqrt 3, sqrt 3) per dimension:
    mean 0, variance 1, kurtosis 9/5, and no value beyond sqrt 3."""
    gan = experiment.build_gan(unit_pixels(), seed=0)
    z = gan.sample_latent(20000, seed=[1, 2]).numpy()
    assert z.shape == (20000, 100)
    assert np.abs(z).max() <= math.sqrt(3) + 1e-6
    assert abs(z.mean()) < 0.005 and abs(z.var() - 1.0) < 0.005  # 2e6 draws: standard errors ~0.0007, ~0.0006
    kurtosis = np.mean(z**4) / np.mean(z**2) ** 2
    assert abs(kurtosis - 1.8) < 0.01  # a normal prior gives 3
    normal = experiment.build_gan(unit_pixels(), seed=0, latent_prior="normal").sample_latent(20000, seed=[1, 2]).numpy()
    assert abs(np.mean(normal**4) / np.mean(normal**2) ** 2 - 3.0) < 0.05


def test_networks_and_initialisation_are_mnist_yaml():
    generator, discriminator = experiment.networks(unit_pixels())
    dense = [w.numpy() for w in generator.weights]
    assert [w.shape for w in dense] == [(100, 1200), (1200,), (1200, 1200), (1200,), (1200, 784), (784,)]
    assert all(np.abs(w).max() <= 0.05 for w in dense[0::2]) and all(not w.any() for w in dense[1:4:2])
    mean = np.clip(unit_pixels().reshape(100, -1).mean(axis=0), 1e-7, 1 - 1e-7)
    np.testing.assert_allclose(dense[-1], np.log(mean / (1 - mean)), rtol=1e-5)  # init_sigmoid_bias_from_marginals
    kernels = [w.numpy() for w in discriminator.weights if len(w.shape) >= 2]
    assert sum(int(np.prod(k.shape)) for k in kernels) == 784 * 1200 + 240 * 1200 + 240  # maxout 240 x 5, twice
    assert all(np.abs(k).max() <= 0.005 for k in kernels)


@pytest.mark.parametrize(
    "history, expected",
    [
        ({100: 2.0, 150: 1.0, 200: 1.5}, False),  # the best is 100 epochs old, but before min_epochs = 250
        ({245: 1.0, 250: 2.0, 255: 3.0}, False),  # the best is the newest
        ({250: 2.0, 260: 1.0, 299: 1.9}, False),  # the best is 49 epochs old
        ({250: 2.0, 260: 1.0, 300: 1.9}, True),  # 50 epochs old
        ({250: 2.0, 260: 1.0, 300: 2.0}, True),  # a tie is no improvement
    ],
)
def test_should_stop_by_hand(history, expected):
    records = [{"epoch": e, "validation_log_likelihood": v} for e, v in history.items()]
    assert experiment.should_stop(records, min_epochs=250, patience=50) is expected


@pytest.mark.slow
def test_steps_per_execution_computes_the_same_update():
    """The reference run's fast path (50 steps per traced call) draws the
    same noise and dropout masks and gives the same weights as 1."""
    import tensorflow as tf

    images = unit_pixels(200)
    results = []
    for steps_per_execution in (1, 50):
        gan = experiment.build_gan(images, seed=0, steps_per_execution=steps_per_execution)
        data = tf.data.Dataset.from_tensor_slices(images).batch(100).repeat()
        gan.fit(data, epochs=1, steps_per_epoch=50, verbose=0)
        results.append([w.numpy() for w in gan.generator.weights + gan.discriminator.weights])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


@pytest.mark.slow
def test_a_rerun_with_other_settings_refuses_and_names_them(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    config = {"data_dir": None, "eval_every": 5, "jit_compile": False, "latent_prior": "uniform", "max_epochs": 1000,
              "min_epochs": 250, "patience": 50, "seed": 0, "steps_per_execution": 50}
    (run / "config.json").write_text(json.dumps(config))

    def listing():  # the run's files; train.lock records who last held the directory
        return sorted(set(os.listdir(run)) - {"train.lock"})

    before = listing()
    result = run_python(["experiments/goodfellow2014.py", "--run-dir", str(run), "--latent-prior", "normal",
                         "--patience", "20"])
    assert result.returncode == 1
    assert "latent_prior: 'uniform' -> 'normal'" in result.stderr and "patience: 50 -> 20" in result.stderr
    assert "Traceback" not in result.stderr and listing() == before
    (run / "result.json").write_text(json.dumps({"best": {"log_likelihood": 1.0}}))
    # The same settings (how it runs may differ): a finished run prints its result, trains nothing.
    done = run_python(["experiments/goodfellow2014.py", "--run-dir", str(run), "--steps-per-execution", "1"])
    assert done.returncode == 0 and "holds a finished run" in done.stdout, done.stderr[-2000:]
    assert listing() == before + ["result.json"]


def test_check_resume_by_itself(tmp_path):
    assert keras_gan.run.check_resume(str(tmp_path / "new"), {"a": 1}) is False
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "file").write_text("")
    with pytest.raises(keras_gan.run.RunDirectoryError, match="not empty and holds no run"):
        keras_gan.run.check_resume(str(tmp_path / "junk"), {"a": 1})
    keras_gan.run.write_json(str(tmp_path / "junk" / "config.json"), {"a": 1, "b": 2})
    assert keras_gan.run.check_resume(str(tmp_path / "junk"), {"a": 1, "b": 3}, may_change=("b",)) is True
    with pytest.raises(keras_gan.run.RunDirectoryError, match=r"\(a: 1 -> 2, c: None -> 0\)"):
        keras_gan.run.check_resume(str(tmp_path / "junk"), {"a": 2, "b": 2, "c": 0})
