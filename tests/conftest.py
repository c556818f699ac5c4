"""Shared fixtures: quiet TensorFlow logs, locate real MNIST, run scripts."""

import os
import signal
import socket
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """tests/test_train.py first. Its resume-to-the-bit runs are the
    suite's longest; with `-n 2 --dist worksteal` (each worker starts on
    half of the list and, when idle, steals the end of the other's) they
    start early, beside short in-process tests on the other worker, instead
    of ending the suite on one worker while the other waits."""
    items.sort(key=lambda item: item.path.name != "test_train.py")


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


def require_crosscheck(*modules):
    """Imports the cross-check packages (torch, pytorch_fid), the
    `crosscheck` extra; skips without them, but fails when CI=true (.ci/run
    installs them, so their absence there is a broken install)."""
    import importlib

    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        message = f"needs {', '.join(missing)} (pip install -e .[crosscheck]; .ci/run installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must provide them")
        pytest.skip(message)
    return [importlib.import_module(name) for name in modules]


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


def main_in_process(main, argv, capsys):
    """`main(argv)` (train.py's or another command's) in the test's own
    process, where TensorFlow has already started: (exit status, stdout,
    stderr), a `sys.exit("error: ...")` counted as status 1 with its message
    on stderr. Run-directory locks taken by the call are released on return,
    as the end of its process would release them."""
    from keras_gan.run import directory

    held = set(directory._HELD)
    status, message = 0, ""
    try:
        main(argv)
    except SystemExit as stop:
        status, message = (1, stop.code) if isinstance(stop.code, str) else (stop.code or 0, "")
    finally:
        for path in set(directory._HELD) - held:
            directory._HELD.pop(path).close()
    out, err = capsys.readouterr()
    return status, out, err + message


def train_in_process(argv, capsys):
    """train.py's `main` in the test's process; see `main_in_process`."""
    from keras_gan.run import cli

    return main_in_process(cli.main, argv, capsys)


def free_ports(count):
    """`count` free TCP ports on 127.0.0.1."""
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def start_python(args, env=None, **kwargs):
    """`python ARGS` in the background, from the repository, quiet TF logs."""
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})},
        **kwargs,
    )


def finish(processes, timeout=600):
    """Waits for `processes` (started with pipes, text); checks each succeeded;
    returns their `subprocess.CompletedProcess`es."""
    try:
        outputs = [process.communicate(timeout=timeout) for process in processes]
    finally:
        for process in processes:
            process.kill()
    for process, (_, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr[-3000:]
    return [subprocess.CompletedProcess(p.args, p.returncode, *output) for p, output in zip(processes, outputs)]


def kill_once_written(processes, path, timeout=300):
    """SIGKILLs `processes` as soon as `path` exists (or one of them exits)."""
    try:
        deadline = time.monotonic() + timeout
        while not os.path.exists(path) and all(p.poll() is None for p in processes):
            assert time.monotonic() < deadline, f"{path} was never written"
            time.sleep(0.05)
    finally:
        for process in processes:
            process.send_signal(signal.SIGKILL)
            process.communicate()
    assert os.path.exists(path), f"{path} was never written"
