"""Shared fixtures: quiet TensorFlow logs, locate real MNIST, run scripts."""

import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tfds_data_dir():
    return os.environ.get("TFDS_DATA_DIR") or os.path.expanduser("~/tensorflow_datasets")


def require_mnist():
    """The TFDS data directory holding MNIST; skips (fails on CI) without it."""
    directory = tfds_data_dir()
    if not os.path.isdir(os.path.join(directory, "mnist")):
        message = f"real MNIST is not prepared in TFDS_DATA_DIR={directory!r}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must provide it")
        pytest.skip(message)
    return directory


@pytest.fixture
def mnist_data_dir():
    return require_mnist()


def tiny_dcgan(image_shape=(8, 8, 1), latent_dim=4, seed=0):
    """A DCGAN small enough for unit tests (a few hundred weights)."""
    import keras_gan

    return keras_gan.GAN(
        keras_gan.architectures.dcgan_generator(image_shape, latent_dim=latent_dim, width=2),
        keras_gan.architectures.dcgan_discriminator(image_shape, width=2),
        seed=seed,
    )


def run_python(args, cwd=REPO, timeout=600, **kwargs):
    """Runs `python ARGS` in a fresh process with quiet TF logs."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **kwargs.pop("env", {})}
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )
