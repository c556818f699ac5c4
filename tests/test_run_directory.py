"""The run directory a user can trust: one process per run, a divergence that keeps the last finite
state, a resume that says where it stands, the installed command, folders read once."""

import json
import os
import signal
import subprocess
import sys
import time
import types
import warnings
import zipfile

import keras
import numpy as np
import pytest
from conftest import REPO, run_python, start_python, tiny_dcgan, train_in_process
from PIL import Image

import keras_gan
from keras_gan.callbacks import BackupAndRestore, NonFiniteError, StopOnNonFinite
from keras_gan.run import cli, directory
from keras_gan.run.trainer import resume_line

TINY = ["--batch-size", "16", "--width", "4", "--steps-per-epoch", "3", "--verbose", "2"]


def test_lock_is_exclusive_names_its_holder_and_goes_with_it(tmp_path):
    # flock locks belong to an open file: a second open of the lock file is
    # refused even in the process that holds the first (another process's
    # refusal: test_a_second_train_py_on_a_held_directory_exits_at_once_and_changes_nothing).
    run = tmp_path / "run"
    held = directory.lock(str(run))
    try:
        record = json.loads((run / directory.LOCK_FILE).read_text())
        assert record["pid"] == os.getpid() and record["command"] and record["host"] and record["started"]
        with pytest.raises(directory.RunDirectoryLocked) as refused:
            directory.lock(str(run), name="--output-dir")
        assert f"--output-dir {run} is being trained by pid {os.getpid()} on " in str(refused.value)
        assert "Wait for it to end or stop it" in str(refused.value)
        assert json.loads((run / directory.LOCK_FILE).read_text()) == record  # the refused call wrote nothing
    finally:
        held.close()  # as the OS does when the process ends
        directory._HELD.pop(os.path.realpath(run))
    taken = directory.lock(str(run))
    taken.close()
    directory._HELD.pop(os.path.realpath(run))


def snapshot(folder):
    """Every file below `folder`: {relative path: bytes}, and every folder."""
    result = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            result[os.path.relpath(os.path.join(root, name), folder) + "/"] = None
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                result[os.path.relpath(os.path.join(root, name), folder)] = f.read()
    return result


@pytest.mark.slow
def test_a_second_train_py_on_a_held_directory_exits_at_once_and_changes_nothing(mnist_data_dir, tmp_path, capsys):
    run = tmp_path / "run"
    command = ["--output-dir", str(run), *TINY]
    metadata = run / "backup" / "training_metadata.json"
    first = start_python(["train.py", *command, "--epochs", "1000"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not metadata.exists():
            assert first.poll() is None and time.monotonic() < deadline, "the first run wrote no backup"
            time.sleep(0.05)
        first.send_signal(signal.SIGSTOP)  # holds the lock, writes nothing while we look
        time.sleep(0.5)
        before = snapshot(run)
        started = time.monotonic()
        status, _, stderr = train_in_process([*command, "--epochs", "1000"], capsys)  # train.py's main, here
        assert time.monotonic() - started < 60
        assert status == 1, stderr[-2000:]
        assert f"is being trained by pid {first.pid} on " in stderr and "Traceback" not in stderr
        assert snapshot(run) == before
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    done = json.loads(metadata.read_text())["epoch"]
    status, stdout, stderr = train_in_process([*command, "--epochs", str(done + 1)], capsys)
    assert status == 0, stderr[-3000:]
    assert f"Resuming {run} at epoch {done + 1} of {done + 1}, step {3 * done} of {3 * done + 3}" in stdout
    assert json.loads((run / "finished.json").read_text())["epochs_trained"] == done + 1


class Explode(keras.callbacks.Callback):
    """Sets both learning rates to 1e12 at the start of epoch `epoch` (0-based)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            self.model.d_optimizer.learning_rate.assign(1e12)
            self.model.g_optimizer.learning_rate.assign(1e12)


class KeepWeights(keras.callbacks.Callback):
    """Each epoch's end weights, as the callbacks after `StopOnNonFinite` see them."""

    def __init__(self):
        super().__init__()
        self.weights = {}

    def on_epoch_end(self, epoch, logs=None):
        self.weights[epoch + 1] = [np.array(w) for w in self.model.get_weights()]


def sgd_gan():
    gan = tiny_dcgan()
    gan.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01))
    return gan


def test_a_diverged_fit_keeps_its_last_finite_backup_checkpoint_and_export(tmp_path):
    images = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype(np.float32)

    def dataset():
        return keras_gan.data.from_arrays(images, batch_size=16, value_range=(-1, 1), seed=0)

    gan, kept = sgd_gan(), KeepWeights()
    backup = BackupAndRestore(tmp_path / "backup", delete_checkpoint=False)
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "epoch_{epoch}.keras"))
    with pytest.raises(NonFiniteError) as stopped:
        keras_gan.training.fit_resumable(gan, dataset, epochs=5, backup=backup, verbose=0,
                                         callbacks=[StopOnNonFinite(), Explode(2), kept, checkpoint])
    error = stopped.value
    assert error.epoch == 3 and error.name in ("d_loss", "g_loss") and not np.isfinite(error.value)
    assert 8 < error.update <= 12 and f"at epoch 3, generator update {error.update}" in str(error)
    assert sorted(os.listdir(tmp_path)) == ["backup", "backup.previous", "epoch_1.keras", "epoch_2.keras"]
    keras_gan.export.export_generator(sgd_gan(), tmp_path / "generator")
    exported = snapshot(tmp_path / "generator")
    broken = sgd_gan()  # the diverged G itself may still be finite when D diverged first
    broken.generator.weights[0].assign(np.full(broken.generator.weights[0].shape, np.nan, np.float32))
    with pytest.raises(ValueError, match="Expected a generator whose weights are all finite"):
        keras_gan.export.export_generator(broken, tmp_path / "generator")
    assert snapshot(tmp_path / "generator") == exported

    # The kept backup is epoch 2's end, weight for weight, and a rerun resumes from it.
    again = sgd_gan()
    restored = BackupAndRestore(tmp_path / "backup", delete_checkpoint=False)
    assert restored.restore(again)["epoch"] == 2
    for ours, finite in zip(again.get_weights(), kept.weights[2]):
        np.testing.assert_array_equal(ours, finite)
    history = keras_gan.training.fit_resumable(again, dataset, epochs=3, backup=restored, verbose=0,
                                               callbacks=[StopOnNonFinite()])
    assert len(history["d_loss"]) == 1 and np.isfinite(history["d_loss"][0])


def test_a_backup_of_non_finite_weights_is_refused(tmp_path):
    gan = sgd_gan()
    backup = BackupAndRestore(tmp_path / "backup")
    backup.set_model(gan)
    backup.restore()
    backup._save_model()
    gan.generator.weights[0].assign(np.full(gan.generator.weights[0].shape, np.inf, np.float32))
    with pytest.raises(NonFiniteError, match=f"{gan.generator.weights[0].path} is inf"):
        backup._save_model()
    assert sorted(os.listdir(tmp_path)) == ["backup"]


@pytest.mark.slow
def test_train_py_that_diverges_stops_says_where_and_claims_no_end(mnist_data_dir, tmp_path, capsys):
    run = tmp_path / "run"
    command = ["train.py", "--output-dir", str(run), *TINY, "--epochs", "3", "--optimizer", "sgd",
               "--d-learning-rate", "1e12", "--g-learning-rate", "1e12"]
    result = run_python(command)
    assert result.returncode == 1, result.stderr[-3000:]
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: ") and " at epoch 1, generator update " in line and "training diverged" in line
    assert "The run stopped before its first backup: the same command starts it again" in line
    stopped = json.loads((run / "stopped.json").read_text())
    assert stopped["stopped_by"] == "non-finite value" and stopped["epoch"] == 1
    assert stopped["value"] in ("nan", "inf", "-inf")
    assert not (run / "finished.json").exists() and not (run / "generator").exists()
    assert not (run / "backup").exists()
    status, _, stderr = train_in_process(command[1:], capsys)  # the same settings diverge again
    assert status == 1 and "training diverged" in stderr


def test_the_resume_line_says_where_from_what_and_when(tmp_path):
    source = tmp_path / "backup"
    source.mkdir()
    os.utime(source, (1_796_602_400, 1_796_602_400))  # 2026-12-07 00:13:20 UTC
    backup = types.SimpleNamespace(restored={"epoch": 4, "batch": 7, "step": 47}, restored_from=str(source))
    assert resume_line("runs/x", backup, steps_per_epoch=10, epochs=20) == (
        f"Resuming runs/x at epoch 5 of 20, step 47 of 200 (47 generator updates done), from {source}, "
        "written 2026-12-07 00:13:20 UTC."
    )
    directory.write_json(str(tmp_path / "stopped.json"), {"epoch": 6, "generator_update": 58, "name": "g_loss",
                                                          "value": "nan"})
    assert resume_line(str(tmp_path), backup, 10, 20).endswith(
        "UTC; the last finite state before the divergence at epoch 6, generator update 58 (g_loss nan).")


def test_a_finished_run_says_so_and_how_to_train_it_further(tmp_path):
    run = tmp_path / "run"
    (run / "backup").mkdir(parents=True)
    (run / "backup" / "COMPLETE").write_text("")
    (run / "backup" / "training_metadata.json").write_text(json.dumps({"epoch": 5, "batch": 0, "step": 15}))
    config = {**cli.options.DEFAULTS, "recipe": "dcgan", "output_dir": str(run), "epochs": 5}
    directory.write_json(str(run / "config.json"), config)
    directory.write_json(str(run / "finished.json"), {"epochs_trained": 5, "stopped_by": "--epochs"})
    with pytest.raises(directory.RunDirectoryError) as refused:
        directory.prepare(config)
    assert str(refused.value) == (
        f"--output-dir {run} holds a finished run (5 epochs, stopped by --epochs); pass --epochs above 5 to train "
        "it further, or choose another directory."
    )
    assert directory.prepare({**config, "epochs": 6}, directory_may_change()) is True


def directory_may_change():
    return cli.options.MAY_CHANGE + cli.options.DERIVED


def test_only_the_chief_task_holds_the_directory(monkeypatch):
    cases = {
        None: True,
        '{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 0}}': True,
        '{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}': False,
        '{"cluster": {"chief": ["a:1"], "worker": ["b:2"]}, "task": {"type": "worker", "index": 0}}': False,
        '{"cluster": {"chief": ["a:1"], "worker": ["b:2"]}, "task": {"type": "chief", "index": 0}}': True,
    }
    for text, chief in cases.items():
        if text is None:
            monkeypatch.delenv("TF_CONFIG", raising=False)
        else:
            monkeypatch.setenv("TF_CONFIG", text)
        assert keras_gan.distribute.is_chief_task() is chief, text


def dry_run(argv, capsys):
    try:
        cli.main([*argv, "--dry-run"])
    except SystemExit as stop:
        return stop.code, capsys.readouterr()
    return 0, capsys.readouterr()


def test_dry_run_fails_for_a_dataset_the_run_could_not_load(tmp_path, capsys):
    status, out = dry_run(["--dataset", "no_such_data", "--output-dir", str(tmp_path / "a")], capsys)
    assert status == 2 and "'no_such_data': no folder of that name and no TFDS dataset of that name" in out.err
    status, out = dry_run(["--dataset", str(tmp_path / "photos"), "--output-dir", str(tmp_path / "a")], capsys)
    assert status == 2 and "no such folder (the path does not exist)" in out.err
    status, out = dry_run(["--dataset", "stacked_mnist", "--recipe", "pacgan_pacdcgan2"], capsys)
    assert status == 0 and json.loads(out.out)["pack"] == 2 and json.loads(out.out)["g_steps"] == 2
    status, out = dry_run(["--dataset", "stacked_mnist", "--conditional"], capsys)
    assert status == 2 and "--conditional. Expected an unconditional run on stacked_mnist" in out.err
    assert not (tmp_path / "a").exists()


def write_png(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((8, 8), value, np.uint8)).save(path)


def test_a_folder_reached_twice_is_read_once_whatever_the_labels(tmp_path):
    top = tmp_path / "pets"
    write_png(top / "cats" / "cat.png", 10)
    write_png(top / "dogs" / "dog.png", 200)
    os.symlink("..", top / "cats" / "up")  # back to the top: the dogs again, under cats
    os.symlink(".", top / "loop")  # the top again, as a class of its own
    os.symlink("../dogs", top / "cats" / "dogs_too")  # another class folder
    listing = keras_gan.data.image_files.list_images(str(top), inferred=True)
    assert listing.class_names == ["cats", "dogs"]
    assert listing.paths == [str(top / "cats" / "cat.png"), str(top / "dogs" / "dog.png")]
    assert listing.class_ids == [0, 1]
    passed_over = {str(top / "loop"), str(top / "cats" / "up"), str(top / "cats" / "dogs_too")}
    assert set(listing.hidden) == passed_over
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = keras_gan.data.load_image_folder(str(top), batch_size=2, labels="inferred")
    assert dataset.class_names == ["cats", "dogs"]
    message = " ".join(str(w.message) for w in caught)
    assert "links to folders read already" in message and all(path in message for path in passed_over)
    images, labels = next(iter(dataset))
    assert sorted(labels.numpy().tolist()) == [0, 1] and images.shape == (2, 8, 8, 1)
    unlabelled = keras_gan.data.image_files.list_images(str(top), inferred=False).paths
    expected = [os.path.realpath(top / name) for name in ("cats/cat.png", "dogs/dog.png")]
    assert sorted(map(os.path.realpath, unlabelled)) == expected


@pytest.mark.slow
def test_the_wheel_holds_what_the_runtime_reads_and_its_command_runs_elsewhere(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                            REPO], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("keras_gan-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    for needed in ("keras_gan/evaluation/mnist_classifier.weights.h5", "keras_gan/evaluation/mnist_classifier.json",
                   "keras_gan/evaluation/fid_inception.py", "keras_gan/__main__.py", "keras_gan/run/cli.py"):
        assert needed in names
    assert "keras-gan = keras_gan.run.cli:main" in entry_points
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                                str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    write_png(elsewhere / "photos" / "a.png", 30)
    write_png(elsewhere / "photos" / "b.png", 220)
    env = {"PYTHONPATH": str(target)}
    keras_gan_command = [str(target / "bin" / "keras-gan")]

    def run(arguments):
        return run_python(arguments, cwd=elsewhere, env=env)

    where = run(["-c", "import keras_gan; print(keras_gan.__file__)"])
    assert where.stdout.strip().startswith(str(target))
    helped = run_script(keras_gan_command, ["--help"], elsewhere, env)
    assert helped.returncode == 0 and helped.stdout.startswith("usage: keras-gan") and "--list-recipes" in helped.stdout
    helped = run(["-m", "keras_gan", "--help"])
    assert helped.returncode == 0 and helped.stdout.startswith("usage: python -m keras_gan")
    listed = run_script(keras_gan_command, ["--list-recipes"], elsewhere, env)
    assert listed.returncode == 0 and "pacgan_pacdcgan2" in listed.stdout
    dry = run_script(keras_gan_command, ["--recipe", "sngan", "--dry-run"], elsewhere, env)
    assert dry.returncode == 0 and json.loads(dry.stdout)["loss"] == "hinge"
    trained = run_script(keras_gan_command, ["--dataset", "photos", "--batch-size", "2", "--width", "2",
                                             "--epochs", "1", "--output-dir", "run", "--verbose", "0"], elsewhere, env)
    assert trained.returncode == 0, trained.stderr[-3000:]
    assert (elsewhere / "run" / "generator" / "saved_model.pb").exists()
    module = run(["-m", "keras_gan", "--dataset", "photos", "--dry-run"])
    assert module.returncode == 0 and json.loads(module.stdout)["dataset"] == "photos"


def run_script(command, arguments, cwd, env):
    """An installed console script, run by this interpreter."""
    return subprocess.run([sys.executable, *command, *arguments], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **env})
