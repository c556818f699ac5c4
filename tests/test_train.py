"""train.py end to end on real MNIST: the run directory, export, resume."""

import csv
import errno
import json
import os
import re
import signal
import subprocess
import time

import keras
import matplotlib.image
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from conftest import finish
from conftest import free_ports
from conftest import kill_once_written
from conftest import main_in_process
from conftest import run_python
from conftest import start_python
from conftest import train_in_process

TINY = ["--batch-size", "16", "--width", "4", "--steps-per-epoch", "3", "--verbose", "2"]

LOAD_WITHOUT_KERAS_GAN = """
import sys
import tensorflow as tf
serving = tf.saved_model.load(sys.argv[1]).signatures["serving_default"]
images = serving(z=tf.random.normal((5, 100)))["images"]
assert images.shape == (5, 28, 28, 1) and images.dtype == tf.float32, images
assert float(tf.reduce_max(tf.abs(images))) <= 1.0
assert not any(name.startswith("keras_gan") for name in sys.modules)
print("loaded", images.shape)
"""


def tensorboard_tags(directory):
    """{tag: [steps]} of the tensor summaries in a TensorBoard run directory."""
    from tensorboard.backend.event_processing import event_accumulator

    events = event_accumulator.EventAccumulator(str(directory), size_guidance={"tensors": 0})
    events.Reload()
    return {tag: [e.step for e in events.Tensors(tag)] for tag in events.Tags()["tensors"]}


@pytest.mark.slow
def test_train_writes_the_whole_run_directory(mnist_data_dir, tmp_path, capsys):
    run = tmp_path / "run"
    extras = ["--tensorboard", "--save-every", "2"]
    result = run_python(["train.py", "--epochs", "3", "--output-dir", str(run), *TINY, *extras])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "3/3" in result.stdout  # Keras's progress output
    assert sorted(os.listdir(run)) == [
        "backup", "checkpoints", "config.json", "finished.json", "generator", "history.csv", "interpolation",
        "losses.png", "samples", "tensorboard", "train.lock"
    ]
    assert json.loads((run / "finished.json").read_text()) == {"epochs_trained": 3, "stopped_by": "--epochs"}
    epochs = ["epoch_0001.png", "epoch_0002.png", "epoch_0003.png"]
    assert sorted(os.listdir(run / "samples")) == [*epochs, "samples.gif"]
    assert sorted(os.listdir(run / "interpolation")) == epochs
    with open(run / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(rows[0])
    config = json.loads((run / "config.json").read_text())
    assert config["dataset"] == "mnist" and config["architecture"] == "dcgan" and config["epochs"] == 3

    # --save-every 2: the whole GAN after epoch 2, 6 generator steps in.
    assert os.listdir(run / "checkpoints") == ["epoch_0002.keras"]
    checkpoint = keras.saving.load_model(run / "checkpoints" / "epoch_0002.keras")
    assert type(checkpoint) is keras_gan.GAN
    assert int(checkpoint.g_optimizer.iterations) == int(checkpoint.d_optimizer.iterations) == 6
    # --tensorboard: epoch scalars in train/, a sample grid per epoch in samples/.
    assert sorted(os.listdir(run / "tensorboard")) == ["samples", "train"]
    metrics = ("d_loss", "g_loss", "d_real", "d_fake", "loss")
    assert tensorboard_tags(run / "tensorboard" / "train") == {f"epoch_{m}": [0, 1, 2] for m in metrics}
    assert tensorboard_tags(run / "tensorboard" / "samples") == {"samples": [0, 1, 2]}

    # The export loads and runs in a process that never imports keras_gan.
    loaded = run_python(["-c", LOAD_WITHOUT_KERAS_GAN, str(run / "generator")], cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert "loaded (5, 28, 28, 1)" in loaded.stdout

    # Rerunning the finished run's command changes nothing but the lock's record of who holds the run.
    # (The reruns run train.py's `main` in this process: TensorFlow starts once.)
    before = {p: os.path.getmtime(p) for p in run.rglob("*") if p.name != "train.lock"}
    status, _, stderr = train_in_process(["--epochs", "3", "--output-dir", str(run), *TINY, *extras], capsys)
    assert status == 1 and "holds a finished run (3 epochs" in stderr
    assert "pass --epochs above 3 to train it further" in stderr
    assert before == {p: os.path.getmtime(p) for p in run.rglob("*") if p.name != "train.lock"}

    # A larger --epochs trains it further from its kept backup: epoch 4 only, appended.
    status, stdout, stderr = train_in_process(["--epochs", "4", "--output-dir", str(run), *TINY, *extras], capsys)
    assert status == 0, stderr[-3000:]
    assert "Epoch 4/4" in stdout and "Epoch 1/" not in stdout
    with open(run / "history.csv") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1", "2", "3"]
    assert "epoch_0004.png" in os.listdir(run / "samples")
    assert json.loads((run / "finished.json").read_text()) == {"epochs_trained": 4, "stopped_by": "--epochs"}
    assert os.path.getmtime(run / "generator" / "saved_model.pb") > before[run / "generator" / "saved_model.pb"]
    assert not (run / "backup.previous").exists()


@pytest.mark.slow
def test_rerun_after_a_kill_resumes_at_the_next_epoch(mnist_data_dir, tmp_path, capsys):
    run = tmp_path / "run"
    command = ["--output-dir", str(run), *TINY]
    metadata = run / "backup" / "training_metadata.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    kill_once_written([start_python(["train.py", *command, "--epochs", "1000"], **quiet)], metadata)
    done = json.loads(metadata.read_text())["epoch"]
    before = tree_bytes(run)

    # A different configuration is refused, and nothing is touched.
    status, _, stderr = train_in_process([*command, "--loss", "minimax"], capsys)
    assert status == 1 and "another configuration" in stderr and "loss" in stderr
    assert tree_bytes(run) == before

    status, stdout, stderr = train_in_process([*command, "--epochs", str(done + 1)], capsys)
    assert status == 0, stderr[-3000:]
    assert f"Epoch {done + 1}/{done + 1}" in stdout
    assert "Epoch 1/" not in stdout or done == 0
    assert f"epoch_{done + 1:04d}.png" in os.listdir(run / "samples")
    assert (run / "generator" / "saved_model.pb").exists()
    assert json.loads((run / "finished.json").read_text()) == {"epochs_trained": done + 1, "stopped_by": "--epochs"}
    assert json.loads(metadata.read_text())["epoch"] == done + 1  # the kept backup holds the last epoch


@pytest.mark.slow
def test_conditional_run_has_a_row_per_class_and_a_labelled_export(mnist_data_dir, tmp_path, capsys):
    from keras_gan.evaluation.__main__ import main as evaluate

    run = tmp_path / "run"
    status, _, stderr = train_in_process(["--conditional", "--epochs", "1", "--output-dir", str(run), *TINY], capsys)
    assert status == 0, stderr[-3000:]
    assert json.loads((run / "config.json").read_text())["conditional"] is True
    # 10 rows (classes) x 8 columns of 28x28 tiles, 2 pixels apart, scaled 2x; 0.1 inch (10 pixels)
    # above and below, and the class names "0" ... "9" in a margin on the left.
    assert json.loads((run / "config.json").read_text())["class_names"] == [str(i) for i in range(10)]
    grid = matplotlib.image.imread(run / "samples" / "epoch_0001.png")
    assert grid.shape[0] == 2 * (10 * 30 - 2) + 20 and grid.shape[1] > 2 * (8 * 30 - 2)
    status, _, stderr = main_in_process(
        evaluate, [str(run), "--num-samples", "200", "--samples-per-class", "20", "--skip", "parzen", "two_sample"],
        capsys,
    )
    assert status == 0, stderr[-3000:]
    report = json.loads((run / "metrics.json").read_text())
    fidelity = report["label_fidelity"]
    assert fidelity["num_samples"] == 200 and len(fidelity["per_class"]) == 10
    assert 0.0 <= fidelity["label_fidelity"] <= 1.0
    assert "parzen" not in report and "two_sample" not in report
    assert report["classifier_test_accuracy"] >= 0.99


def different_variables(path, reference):
    """The paths of the variables (weights, moving statistics, seed states,
    both optimizers' slots) whose values differ between two `.keras` files."""
    a, b = (keras.saving.load_model(p) for p in (path, reference))
    pairs = list(zip(a.variables, b.variables))
    pairs += list(zip(a.d_optimizer.variables, b.d_optimizer.variables))
    pairs += list(zip(a.g_optimizer.variables, b.g_optimizer.variables))
    assert len(pairs) > 2 * len(a.trainable_variables)
    return [x.path for x, y in pairs if not np.array_equal(x.numpy(), y.numpy())]


# Every option at once: a game, a lazy penalty, spectral norm, an EMA generator, adaptive augmentation.
TOOLKIT = ["--loss", "hinge", "--gradient-penalty", "r1", "--gradient-penalty-every", "2", "--spectral-norm",
           "--ema-decay", "0.9", "--beta-1", "0", "--beta-2", "0.9", "--augment", "color,translation,cutout",
           "--augment-probability", "adaptive"]


def resume_and_compare(tmp_path, interrupted, flags, epochs, start=None):
    """Reruns each of the `interrupted` runs to `epochs`, runs the same flags
    straight through once, and checks each ends bit-identical to it, with the
    same history and grids. Returns the straight run's process results."""
    start = start or (lambda run, more: [run_python(["train.py", "--output-dir", str(run), *more])])
    straight = tmp_path / "straight"
    for run in [*interrupted, straight]:
        results = start(run, [*flags, "--epochs", str(epochs)])
        for result in results:
            assert result.returncode == 0, result.stderr[-3000:]
    checkpoint = f"checkpoints/epoch_{epochs:04d}.keras"
    for run in interrupted:
        # Every weight, moving statistic, seed state and optimizer slot, to the bit.
        assert different_variables(run / checkpoint, straight / checkpoint) == [], run.name
        # Nothing written before the interruption is lost or duplicated.
        assert (run / "history.csv").read_text() == (straight / "history.csv").read_text()
        for name in sorted(os.listdir(straight / "samples")):
            assert (run / "samples" / name).read_bytes() == (straight / "samples" / name).read_bytes(), name
    return results


def start_workers(run, flags):
    """Two `train.py --strategy multi_worker` processes on 127.0.0.1."""
    addresses = [f"127.0.0.1:{port}" for port in free_ports(2)]
    return [
        start_python(
            ["train.py", "--strategy", "multi_worker", "--output-dir", str(run), *flags],
            env={"TF_CONFIG": json.dumps({"cluster": {"worker": addresses}, "task": {"type": "worker", "index": i}})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]


def run_workers(run, flags):
    """Two workers to the end: their `subprocess.CompletedProcess`es."""
    return finish(start_workers(run, flags))


def wait_for(path, process, timeout=300):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        assert process.poll() is None, process.communicate()[1][-3000:]
        assert time.monotonic() < deadline, f"{path} was never written"
        time.sleep(0.05)


# Backups every 3 steps of 10: a SIGKILL lands mid-epoch, after the first.
INTERRUPTED = [*TINY[:4], "--steps-per-epoch", "10", "--verbose", "2", "--deterministic", "--save-every", "1",
               "--backup-every", "3"]


# On one device, every option of the toolkit at once (the default settings
# take a subset of its path through the step); a resume from an epoch's end
# is `test_rerun_after_a_kill_resumes_at_the_next_epoch`'s, and to the bit
# tests/test_backup.py's.
@pytest.mark.slow
def test_sigkill_mid_epoch_and_sigterm_both_resume_to_the_run_that_never_stopped(mnist_data_dir, tmp_path):
    flags = [*INTERRUPTED, *TOOLKIT]
    killed, stopped = tmp_path / "killed", tmp_path / "stopped"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    kill_once_written([start_python(["train.py", "--output-dir", str(killed), *flags, "--epochs", "1000"],
                                    **quiet)], killed / "backup")
    killed_at = json.loads((killed / "backup" / "training_metadata.json").read_text())
    assert killed_at["batch"] == 3  # mid-epoch

    process = start_python(["train.py", "--output-dir", str(stopped), *flags, "--epochs", "1000"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(stopped / "samples" / "epoch_0001.png", process)  # training is under way
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, stderr[-3000:]
    match = re.search(r"Received SIGTERM: stopped after generator step (\d+) and wrote a backup", stderr)
    assert match, stderr[-3000:]
    stopped_at = json.loads((stopped / "backup" / "training_metadata.json").read_text())
    assert stopped_at["step"] == int(match.group(1)) and stopped_at["step"] >= 10
    # Both resume, then train 2 more epochs than the later of the two had begun.
    resume_and_compare(tmp_path, [killed, stopped], flags, max(killed_at["epoch"], stopped_at["epoch"]) + 2)


@pytest.mark.slow
def test_two_workers_killed_or_stopped_by_sigterm_to_one_resume_bit_identical(mnist_data_dir, tmp_path):
    killed, stopped = tmp_path / "killed", tmp_path / "stopped"
    kill_once_written(start_workers(killed, [*INTERRUPTED, "--epochs", "1000"]), killed / "backup")
    killed_at = json.loads((killed / "backup" / "training_metadata.json").read_text())
    assert killed_at["batch"] == 3

    workers = start_workers(stopped, [*INTERRUPTED, "--epochs", "1000"])
    wait_for(stopped / "samples" / "epoch_0001.png", workers[0])
    workers[1].send_signal(signal.SIGTERM)  # the non-chief worker only
    outputs = [worker.communicate(timeout=120) for worker in workers]
    steps = set()
    for worker, (_, stderr) in zip(workers, outputs):
        assert worker.returncode == 128 + signal.SIGTERM, stderr[-3000:]
        steps.add(re.search(r"stopped after generator step (\d+)", stderr).group(1))
    stopped_at = json.loads((stopped / "backup" / "training_metadata.json").read_text())
    assert steps == {str(stopped_at["step"])}  # both stopped after the same step, the one backed up
    epochs = max(killed_at["epoch"], stopped_at["epoch"]) + 2
    chief, other = resume_and_compare(tmp_path, [killed, stopped], INTERRUPTED, epochs, start=run_workers)

    # The workers that never stopped wrote one run directory: only the chief finishes it, one row per epoch.
    assert "Wrote" in chief.stdout and "Wrote" not in other.stdout
    straight = tmp_path / "straight"
    assert sorted(os.listdir(straight)) == ["backup", "checkpoints", "config.json", "finished.json", "generator",
                                            "history.csv", "interpolation", "losses.png", "samples", "train.lock"]
    with open(straight / "history.csv") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == [str(epoch) for epoch in range(epochs)]


@pytest.mark.slow
def test_eval_every_writes_metrics_their_plot_and_the_best_export(mnist_data_dir, tmp_path):
    """--eval-every 1 on MNIST: fcd/kcd against the test split in the logs
    and history.csv, metrics.jsonl, metrics.png, and best/ holding the
    evaluation with the lowest distance."""
    run = tmp_path / "run"
    flags = ["--epochs", "3", "--output-dir", str(run), *TINY, "--eval-every", "1", "--eval-samples", "300",
             "--overfitting-every", "1"]
    result = run_python(["train.py", *flags])
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [3, 6, 9] and [r["epoch"] for r in records] == [1, 2, 3]
    assert records[0]["images_seen"] == 3 * 16 and records[0]["reference"]["split"] == "test"
    assert sorted(records[0]["metrics"]) == ["fcd300_test", "kcd300_test"]
    with open(run / "history.csv") as f:
        logged = [float(row["fcd300_test"]) for row in csv.DictReader(f)]
    assert logged == pytest.approx([r["metrics"]["fcd300_test"] for r in records], rel=1e-6)
    # --overfitting-every 1: D on 1,000 training images beside 1,000 test images, every epoch.
    with open(run / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    for row in rows:
        train, held_out = float(row["d_logit_train"]), float(row["d_logit_held_out"])
        assert float(row["d_logit_gap"]) == pytest.approx(train - held_out, abs=1e-6)
        assert -1 <= float(row["r_t_train"]) <= 1 and -1 <= float(row["r_t_held_out"]) <= 1
    best = json.loads((run / "best.json").read_text())
    assert best["metrics"]["fcd300_test"] == min(logged)
    assert (run / "best" / "saved_model.pb").exists()
    assert matplotlib.image.imread(run / "metrics.png").shape[1] > 500


def test_bad_evaluation_flags_fail_before_anything_is_written(mnist_data_dir, tmp_path, capsys):
    run = ["--output-dir", str(tmp_path / "run"), "--data-dir", mnist_data_dir]
    status, _, stderr = train_in_process([*run, "--eval-every", "0"], capsys)
    assert status == 2 and "--eval-every" in stderr
    status, _, stderr = train_in_process([*run, "--eval-every", "1", "--eval-samples", "100"], capsys)
    assert status == 1 and "argument `num_samples`. Expected more than the 128 features" in stderr
    status, _, stderr = train_in_process([*run, "--eval-every", "1", "--eval-features", "fid_inception",
                                          "--fid-weights", str(tmp_path / "missing.weights.h5")], capsys)
    assert status == 1 and "argument `fid_weights`. Expected a file" in stderr
    status, _, stderr = train_in_process([*run, "--overfitting-every", "0"], capsys)
    assert status == 2 and "--overfitting-every" in stderr
    status, _, stderr = train_in_process([*run, "--patience", "3"], capsys)
    assert status == 1 and "--patience. Expected it with --eval-every" in stderr
    status, _, stderr = train_in_process([*run, "--min-epochs", "30"], capsys)
    assert status == 1 and "--min-epochs. Expected it with --patience" in stderr
    assert not (tmp_path / "run").exists()


def test_overfitting_needs_a_tfds_dataset_for_its_held_out_images(tmp_path):
    import argparse

    from keras_gan.run import build

    config = argparse.Namespace(overfitting_every=1, dataset=str(tmp_path))
    with pytest.raises(ValueError, match="--overfitting-every. Expected a TFDS dataset"):
        build.discriminator_overfitting(config)


@pytest.mark.slow
def test_bad_flags_fail_before_anything_is_written(tmp_path, capsys):
    run = ["--output-dir", str(tmp_path / "run")]
    for flag, value in (("--d-steps", "0"), ("--label-smoothing", "1"), ("--ema-decay", "1"),
                        ("--gradient-penalty-weight", "-1"), ("--gradient-penalty-every", "0"),
                        ("--loss", "earth_mover"), ("--gradient-penalty", "r3"), ("--final-beta-2", "0.99"),
                        ("--burn-in-images", "1000")):
        status, _, stderr = train_in_process([*run, flag, value], capsys)
        assert status == 2 and flag in stderr, (flag, stderr[-500:])
    assert not (tmp_path / "run").exists()
    # The entry point itself: a subprocess, as users run it.
    result = run_python(["train.py", *run, "--d-steps", "0"])
    assert result.returncode == 2 and "--d-steps" in result.stderr and not (tmp_path / "run").exists()


def test_library_errors_of_the_toolkit_fail_before_anything_is_written(mnist_data_dir, tmp_path, capsys):
    status, _, stderr = train_in_process(["--output-dir", str(tmp_path / "run"), "--data-dir", mnist_data_dir,
                                          "--loss", "hinge", "--label-smoothing", "0.1"], capsys)
    assert status == 1 and "error: Invalid value for argument `label_smoothing`" in stderr
    assert not (tmp_path / "run").exists()


def test_bad_dataset_or_shape_fails_with_a_message_before_anything_is_written(mnist_data_dir, tmp_path, capsys):
    run = ["--output-dir", str(tmp_path / "run"), "--data-dir", mnist_data_dir]
    status, _, stderr = train_in_process([*run, "--dataset", "no_such_dataset"], capsys)
    assert status == 1 and "error: Invalid value for --dataset. Expected a folder of images, stacked_mnist or a TFDS " \
        "name. Received: 'no_such_dataset': no folder of that name and no TFDS dataset of that name" in stderr
    status, _, stderr = train_in_process([*run, "--image-size", "27x27"], capsys)
    assert status == 1 and "error: Invalid value for argument `image_shape`" in stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_conditional_run_on_an_image_folder(tmp_path, capsys):
    """Class folders of PNGs (three classes of 28x28 images), a short conditional run."""
    from PIL import Image

    rng = np.random.default_rng(0)
    for label, name in enumerate(["circle", "square", "zigzag"]):
        (tmp_path / "images" / name).mkdir(parents=True)
        for i in range(12):
            Image.fromarray(rng.integers(0, 256, (28, 28), dtype=np.uint8)).save(tmp_path / "images" / name / f"{i}.png")
    run = tmp_path / "run"
    result = run_python(["train.py", "--dataset", str(tmp_path / "images"), "--conditional", "--epochs", "2",
                         "--output-dir", str(run), *TINY])
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(os.listdir(run)) == ["backup", "config.json", "finished.json", "generator", "history.csv",
                                       "interpolation", "losses.png", "samples", "train.lock"]
    config = json.loads((run / "config.json").read_text())
    assert config["class_names"] == ["circle", "square", "zigzag"] and config["dataset"] == str(tmp_path / "images")
    assert sorted(os.listdir(run / "samples")) == ["epoch_0001.png", "epoch_0002.png", "samples.gif"]
    # The export takes labels in [0, 3).
    sample = tf.saved_model.load(str(run / "generator")).signatures["sample"]
    images = sample(num_samples=tf.constant(3), seed=tf.constant(0), labels=tf.constant([0, 1, 2]))["images"]
    assert images.shape == (3, 28, 28, 1)
    status, _, stderr = train_in_process(["--dataset", str(tmp_path / "nowhere"), "--output-dir", str(tmp_path / "x")],
                                         capsys)
    assert status == 1 and "error: Invalid value for --dataset" in stderr
    assert "does not exist" in stderr and not (tmp_path / "x").exists()


@pytest.mark.slow
def test_a_folder_of_good_and_every_kind_of_bad_file_trains_and_names_each_skipped_one(tmp_path, capsys):
    """What users' folders hold: images in every mode, junk, a typo'd --dataset."""
    from PIL import Image

    rng = np.random.default_rng(0)
    folder = tmp_path / "photos"
    (folder / "__MACOSX").mkdir(parents=True)
    for i in range(6):  # wide photos: --crop keeps their centre
        Image.fromarray(rng.integers(0, 256, (30, 60, 3), dtype=np.uint8)).save(folder / f"wide_{i}.jpg")
    Image.fromarray(rng.integers(0, 2, (40, 40), dtype=np.uint8).astype(bool)).save(folder / "bits.bmp")
    Image.fromarray(rng.integers(0, 4, (40, 40), dtype=np.uint8), mode="P").save(folder / "palette.bmp")
    Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(folder / "tiff_named.jpg", format="TIFF")
    Image.fromarray(rng.integers(0, 256, (40, 40, 4), dtype=np.uint8), mode="RGBA").save(folder / "alpha.webp")
    Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(folder / "__MACOSX" / "._wide_0.jpg")
    bad = {"notes.png": b"text, not an image", "empty.jpg": b"", "half.png": (folder / "wide_0.jpg").read_bytes()[:300]}
    for name, content in bad.items():
        (folder / name).write_bytes(content)
    Image.fromarray(np.ones((8, 8), np.float32)).save(folder / "float.tif")
    run = tmp_path / "run"
    result = run_python(["train.py", "--dataset", str(folder), "--image-size", "28x28", "--crop", "--epochs", "1",
                         "--output-dir", str(run), *TINY[:2], "--steps-per-epoch", "1", "--batch-size", "8"])
    assert result.returncode == 0, result.stderr[-3000:]
    lines = (run / "skipped_files.txt").read_text().splitlines()
    assert sorted(line.split("\t")[0] for line in lines) == sorted(str(folder / n) for n in [*bad, "float.tif"])
    assert "skipped 4 unreadable image files, all listed in" in result.stderr
    assert "__MACOSX" in result.stderr  # passed over, and said
    status, _, stderr = train_in_process(["--dataset", os.path.join("data", "my_photoz"),
                                          "--output-dir", str(tmp_path / "y")], capsys)
    assert status == 1 and "'data/my_photoz': no such folder" in stderr
    assert "Traceback" not in stderr and not (tmp_path / "y").exists()
    status, _, stderr = train_in_process(["--crop", "--output-dir", str(tmp_path / "y")], capsys)
    assert status == 2 and "--crop: expected --image-size" in stderr


def tree_bytes(directory):
    """{relative path: bytes} of every file under `directory` but the lock
    file, whose record of its holder each run's start rewrites."""
    return {
        os.path.relpath(os.path.join(root, name), directory): open(os.path.join(root, name), "rb").read()
        for root, _, files in os.walk(directory)
        for name in files
        if name != "train.lock"
    }


@pytest.mark.slow
def test_file_system_failures_end_in_one_line_and_leave_earlier_outputs_intact(
    mnist_data_dir, tmp_path, capsys, monkeypatch
):
    # An output directory that cannot be created.
    status, _, stderr = train_in_process(["--output-dir", "/proc/keras_gan_no_such/run", "--epochs", "1", *TINY],
                                         capsys)
    assert status == 1 and "Traceback" not in stderr, stderr[-3000:]
    assert stderr.strip().splitlines()[-1].startswith("error: /proc/keras_gan_no_such/run")

    # A disk that fills while the second backup is written: a writer that
    # fails, after recording every file the run had written until then.
    run = tmp_path / "run"
    writes, written = [], {}
    save_weights = keras.Model.save_weights

    def failing(self, filepath, *args, **kwargs):
        writes.append(filepath)
        if len(writes) > 1:
            written.update(tree_bytes(run))
            raise OSError(errno.ENOSPC, "No space left on device", str(filepath))
        return save_weights(self, filepath, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(keras.Model, "save_weights", failing)
        status, _, stderr = train_in_process(["--output-dir", str(run), "--epochs", "3", *TINY], capsys)
    assert status == 1 and "Traceback" not in stderr, stderr[-3000:]
    last = stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: {run / 'backup.partial' / 'latest.weights.h5'}: No space left on device"), last
    # What was written before is there, byte for byte (the backup being written aside).
    assert "samples/epoch_0001.png" in written and "backup/latest.weights.h5" in written
    after = tree_bytes(run)
    assert {path: after.get(path) for path in written if not path.startswith("backup.partial")} == {
        path: content for path, content in written.items() if not path.startswith("backup.partial")
    }
    # The first backup is whole, and a rerun (space freed) resumes from it and finishes.
    assert json.loads((run / "backup" / "training_metadata.json").read_text())["epoch"] == 1
    resumed = run_python(["train.py", "--output-dir", str(run), "--epochs", "3", *TINY])
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    with open(run / "history.csv") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1", "2"]


def adam(optimizer):
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    # The learning rate is a float32 variable: its value to float32's precision.
    learning_rate = float(f"{float(optimizer.learning_rate):.6g}")
    return [type(optimizer).__name__, learning_rate, float(optimizer.beta_1), float(optimizer.beta_2)]


def trained_and_read_back(tmp_path, capsys, *flags):
    """Trains one epoch with `flags` (train.py's `main`, in this process),
    checks that `--dry-run` printed the configuration the run recorded, and
    reads the settings back from the `.keras` file the run saved."""
    run = tmp_path / "run"
    flags = ["--epochs", "1", "--save-every", "1", "--width", "4", "--verbose", "0", "--output-dir", str(run), *flags]
    status, dry, stderr = train_in_process([*flags, "--dry-run"], capsys)
    assert status == 0 and not run.exists(), stderr[-3000:]
    status, _, stderr = train_in_process(flags, capsys)
    assert status == 0, stderr[-3000:]
    assert json.loads((run / "config.json").read_text()) == json.loads(dry)
    gan = keras.saving.load_model(run / "checkpoints" / "epoch_0001.keras")
    penalty, augmentation = gan.objective.gradient_penalty, gan.augmentation
    return {
        "d_optimizer": adam(gan.d_optimizer), "g_optimizer": adam(gan.g_optimizer),
        "game": gan.objective.game.name, "d_steps": gan.d_steps, "label_smoothing": gan.objective.label_smoothing,
        "penalty": None if penalty is None else [penalty.penalty, penalty.weight, penalty.every],
        "ema_decay": gan.ema_decay, "latent_dim": gan.latent_dim,
        "augmentation": None if augmentation is None else [augmentation.policy, augmentation.probability],
        "spectral_norm": any("spectral" in type(layer).__name__.lower() for layer in gan.discriminator.layers),
        "d_updates": int(gan.d_optimizer.iterations), "g_updates": int(gan.g_optimizer.iterations),
    }


@pytest.mark.slow
def test_every_flag_reaches_the_saved_gan(mnist_data_dir, tmp_path, capsys):
    """Non-default flags, read back from the .keras file train.py saved; the
    split and batch size through the updates one epoch made: 640 images in
    batches of 32 x d_steps 2 are 10 G updates and 20 D updates."""
    model = trained_and_read_back(
        tmp_path, capsys, "--split", "train[:640]", "--batch-size", "32", "--d-steps", "2", "--loss", "hinge",
        "--gradient-penalty", "r1", "--gradient-penalty-weight", "0.5", "--gradient-penalty-every", "2",
        "--ema-decay", "0.9", "--augment", "color,translation", "--augment-probability", "0.5",
        "--latent-dim", "16", "--d-learning-rate", "1e-3", "--g-learning-rate", "3e-4", "--beta-1", "0.1",
        "--beta-2", "0.95", "--spectral-norm",
    )
    assert model == {
        "d_optimizer": ["Adam", 1e-3, 0.1, 0.95], "g_optimizer": ["Adam", 3e-4, 0.1, 0.95],
        "game": "hinge", "d_steps": 2, "label_smoothing": 0.0, "penalty": ["r1", 0.5, 2], "ema_decay": 0.9,
        "latent_dim": 16, "augmentation": ["color,translation", 0.5], "spectral_norm": True,
        "d_updates": 20, "g_updates": 10,
    }


@pytest.mark.slow
def test_the_defaults_are_the_documented_dcgan_recipe(mnist_data_dir, tmp_path, capsys):
    """README: DCGAN, Adam 2e-4 with beta_1 0.5 for both players, the
    non-saturating game, k = 1, z of 100 dims, batches of 128, nothing else;
    256 images give 2 updates of each player."""
    model = trained_and_read_back(tmp_path, capsys, "--split", "train[:256]", "--label-smoothing", "0.1")
    assert model == {
        "d_optimizer": ["Adam", 2e-4, 0.5, 0.999], "g_optimizer": ["Adam", 2e-4, 0.5, 0.999],
        "game": "non_saturating", "d_steps": 1, "label_smoothing": 0.1, "penalty": None, "ema_decay": None,
        "latent_dim": 100, "augmentation": None, "spectral_norm": False, "d_updates": 2, "g_updates": 2,
    }
