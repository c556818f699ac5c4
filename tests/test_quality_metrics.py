"""Measuring quality: the FID network against pytorch-fid's, its resize modes by
hand, the reference cache, and QualityMetrics while training."""

import json
import os
import sys
import types

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import keras_gan
from keras_gan.callbacks import QualityMetrics
from keras_gan.evaluation import fid_inception
from keras_gan.evaluation import reference
from keras_gan.evaluation import statistics
from conftest import require_crosscheck

SIDE = 4


def write_folder(directory, count, seed=0, side=SIDE):
    """`count` random grayscale PNGs, side x side; returns their pixels in [-1, 1]."""
    os.makedirs(directory, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, (count, side, side), dtype=np.uint8)
    for i, image in enumerate(pixels):
        Image.fromarray(image, mode="L").save(os.path.join(directory, f"{i:04d}.png"))
    return pixels[..., None].astype(np.float32) / 127.5 - 1


def flatten_model():
    """Features = the 16 pixels: a feature network whose values are known."""
    images = keras.Input((SIDE, SIDE, 1))
    model = keras.Model(images, keras.layers.Flatten()(images))
    model.dimension = SIDE * SIDE
    return model


class Refusing:
    """A feature model that must not be called (the cache should answer)."""

    dimension = SIDE * SIDE

    def __call__(self, *args, **kwargs):
        raise AssertionError("the cached statistics were recomputed")


def tiny_gan(seed=0):
    keras.utils.set_random_seed(seed)
    z = keras.Input((3,))
    x = keras.layers.Dense(SIDE * SIDE, activation="tanh")(z)
    generator = keras.Model(z, keras.layers.Reshape((SIDE, SIDE, 1))(x))
    images = keras.Input((SIDE, SIDE, 1))
    discriminator = keras.Model(images, keras.layers.Dense(1)(keras.layers.Flatten()(images)))
    gan = keras_gan.GAN(generator, discriminator, seed=seed)
    gan.compile(keras.optimizers.Adam(0.05), keras.optimizers.Adam(0.05))
    return gan


# ----------------------------------------------------------------------
# The FID network


def _pytorch_fid_module(torch):
    """pytorch-fid's InceptionV3 (block 3, resize and normalisation on),
    assembled from its own classes with random weights: fid_inception_v3
    without the download."""
    # torchvision's PyPI wheel is built for CUDA torch: its compiled ops do
    # not load with CPU torch, and the module registering their fake kernels
    # fails; the FID network needs none of them.
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    from pytorch_fid import inception

    def assemble():
        net = inception._inception_v3(num_classes=1008, aux_logits=False, weights=None)
        net.Mixed_5b = inception.FIDInceptionA(192, pool_features=32)
        net.Mixed_5c = inception.FIDInceptionA(256, pool_features=64)
        net.Mixed_5d = inception.FIDInceptionA(288, pool_features=64)
        net.Mixed_6b = inception.FIDInceptionC(768, channels_7x7=128)
        net.Mixed_6c = inception.FIDInceptionC(768, channels_7x7=160)
        net.Mixed_6d = inception.FIDInceptionC(768, channels_7x7=160)
        net.Mixed_6e = inception.FIDInceptionC(768, channels_7x7=192)
        net.Mixed_7b = inception.FIDInceptionE_1(1280)
        net.Mixed_7c = inception.FIDInceptionE_2(2048)
        return net

    original = inception.fid_inception_v3
    inception.fid_inception_v3 = assemble
    try:
        module = inception.InceptionV3([3], resize_input=True, normalize_input=True)
    finally:
        inception.fid_inception_v3 = original
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, tensor in module.state_dict().items():
            if name.endswith("conv.weight"):  # He-normal: activations keep their scale
                fan_in = tensor[0].numel()
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * (2 / fan_in) ** 0.5)
            elif name.endswith("bn.weight") or name.endswith("running_var"):
                tensor.copy_(0.5 + torch.rand(tensor.shape, generator=generator))
            elif name.endswith("bn.bias") or name.endswith("running_mean"):
                tensor.copy_(0.1 * torch.randn(tensor.shape, generator=generator))
    return module.eval()


@pytest.mark.slow
def test_fid_network_equals_pytorch_fid_on_shared_random_weights(tmp_path):
    torch, _ = require_crosscheck("torch", "pytorch_fid")

    module = _pytorch_fid_module(torch)
    pth = tmp_path / "random_fid_inception.pth"
    # pytorch-fid's InceptionV3 nests the network in blocks; the file holds
    # the network's own names (Conv2d_1a_3x3.conv.weight, ...), as the real one.
    blocks = [module.blocks[i] for i in range(4)]
    names = (["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", None], ["Conv2d_3b_1x1", "Conv2d_4a_3x3", None],
             ["Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"],
             ["Mixed_7a", "Mixed_7b", "Mixed_7c", None])
    state = {}
    for block, block_names in zip(blocks, names):
        for child, name in zip(block, block_names):
            if name:
                state.update({f"{name}.{key}": value for key, value in child.state_dict().items()})
    torch.save(state, pth)
    weights = str(tmp_path / "fid.weights.h5")
    fid_inception.convert_pytorch_fid_weights(pth, weights)
    ours = fid_inception.FIDFeatures(weights, resize="pytorch_fid")
    # uint8-valued images (quantizing is then the identity): RGB 64x64 and
    # grayscale 28x28 (pytorch-fid sees it as RGB, its channel repeated).
    rng = np.random.default_rng(0)
    for shape in ((2, 64, 64, 3), (1, 28, 28, 1)):
        levels = rng.integers(0, 256, shape).astype(np.float32)
        with torch.no_grad():
            x = torch.from_numpy(np.repeat(levels, 3 // shape[-1], axis=-1).transpose(0, 3, 1, 2) / 255.0)
            theirs = module(x.float())[0][:, :, 0, 0].numpy()
        mine = np.asarray(ours(levels / 127.5 - 1))
        assert mine.shape == theirs.shape == (shape[0], 2048)
        scale = np.abs(theirs).max()
        assert scale > 1e-2  # random weights that keep a signal to compare
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4 * scale)


def test_fid_network_shape_and_layer_names():
    model = fid_inception.fid_inception_v3()
    assert model.output_shape == (None, 2048)
    names = {layer.name for layer in model.layers}
    assert {"Conv2d_1a_3x3.conv", "Mixed_5b.branch_pool.bn", "Mixed_7c.branch3x3dbl_3b.conv"} <= names
    # 94 convolutions, each with its batch norm, as in TF's 2015 graph.
    assert sum(isinstance(layer, keras.layers.Conv2D) for layer in model.layers) == 94


def test_resize_modes_by_hand():
    """A 1-pixel-high ramp of 3 pixels, to 299 wide: legacy TF maps output x
    to input x * 3/299; pytorch-fid's (torch's bilinear, align_corners=False)
    to (x + 0.5) * 3/299 - 0.5, clamped at 0."""
    ramp = np.array([0.0, 90.0, 255.0], np.float32)
    images = np.tile(ramp[None, None, :, None], (1, 3, 1, 1))

    def linear(positions):
        positions = np.clip(positions, 0, 2)
        left = np.minimum(np.floor(positions).astype(int), 1)
        return ramp[left] + (positions - left) * (ramp[left + 1] - ramp[left])

    x = np.arange(299)
    legacy = np.asarray(fid_inception.resize(images, "legacy_tf"))[0, 0, :, 0]
    np.testing.assert_allclose(legacy, linear(x * 3 / 299), rtol=1e-5, atol=1e-3)
    torch_like = np.asarray(fid_inception.resize(images, "pytorch_fid"))[0, 0, :, 0]
    np.testing.assert_allclose(torch_like, linear(np.maximum((x + 0.5) * 3 / 299 - 0.5, 0)), rtol=1e-5, atol=1e-3)
    clean = fid_inception.resize(images, "clean")
    assert clean.shape == (1, 299, 299, 1) and clean.min() >= 0 and clean.max() <= 255
    with pytest.raises(ValueError, match="argument `resize`. Expected one of"):
        fid_inception.resize(images, "nearest")


def test_fid_weights_must_be_a_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="argument `weights`.*Received: weights="):
        fid_inception.fid_inception_v3(str(tmp_path / "missing.weights.h5"))


# ----------------------------------------------------------------------
# The reference cache


def test_reference_is_computed_once_and_a_different_protocol_gets_its_own_file(tmp_path):
    folder = tmp_path / "images"
    pixels = write_folder(folder, 40)
    first = reference.reference_statistics(str(folder), features="classifier", count=30, cache_dir=tmp_path,
                                           model=flatten_model())
    assert first["computed"] and os.path.exists(first["path"])
    mean, covariance = statistics.mean_and_covariance(pixels[:30].reshape(30, -1))
    np.testing.assert_allclose(first["mean"], mean, atol=1e-6)
    np.testing.assert_allclose(first["covariance"], covariance, atol=1e-6)
    # The second call reads the file: the model would raise if called.
    second = reference.reference_statistics(str(folder), features="classifier", count=30, cache_dir=tmp_path,
                                            model=Refusing())
    assert not second["computed"] and second["path"] == first["path"]
    np.testing.assert_array_equal(second["covariance"], first["covariance"])
    other = reference.reference_statistics(str(folder), features="classifier", count=20, cache_dir=tmp_path,
                                           model=flatten_model())
    assert other["computed"] and other["path"] != first["path"]
    assert sorted(os.listdir(tmp_path / "reference_statistics")) == sorted(
        os.path.basename(r["path"]) for r in (first, other)
    )


def test_reference_images_are_read_from_the_given_tfds_directory(tmp_path, monkeypatch):
    # train.py --data-dir once read ~/tensorflow_datasets instead.
    asked = []

    def images_of(dataset, split, count, data_dir=None):
        asked.append((dataset, split, count, data_dir))
        return np.zeros((count, SIDE, SIDE, 1), np.float32)

    monkeypatch.setattr(keras_gan.data, "images_of", images_of)
    stats = reference.reference_statistics("mnist", "test", "classifier", 3, cache_dir=tmp_path,
                                           model=flatten_model(), data_dir=str(tmp_path / "tfds"))
    assert asked == [("mnist", "test", 3, str(tmp_path / "tfds"))]
    # The protocol (QualityMetrics writes it into every record) names the classifier's weights.
    from keras_gan.evaluation import classifier

    assert stats["protocol"]["classifier_sha256"] == classifier.sha256_of(classifier.WEIGHTS)


def test_a_new_classifier_gets_new_reference_files(monkeypatch):
    # The cache is keyed by the classifier's weights: statistics of old weights are never read for new ones.
    from keras_gan.evaluation import classifier

    shipped = classifier.shipped_report()["sha256"]
    name = reference.protocol_name("mnist", "test", "classifier", "legacy_tf", 10000)
    assert name == f"mnist-test-classifier.{shipped[:12]}-none-10000"
    monkeypatch.setattr(classifier, "shipped_report", lambda: {"sha256": "f" * 64})
    assert reference.protocol_name("mnist", "test", "classifier", "legacy_tf", 10000) == (
        "mnist-test-classifier.ffffffffffff-none-10000")
    # FID's network is the one fixed standard graph: its files keep their names.
    assert reference.protocol_name("mnist", "test", "fid_inception", "clean", 10) == "mnist-test-fid_inception-clean-10"


def test_protocol_names_differ_by_split_network_resize_and_count():
    names = {
        reference.protocol_name("mnist", split, features, resize, count)
        for split, features, resize, count in [
            ("test", "classifier", "legacy_tf", 10000), ("train", "classifier", "legacy_tf", 10000),
            ("test", "fid_inception", "legacy_tf", 10000), ("test", "fid_inception", "clean", 10000),
            ("test", "classifier", "legacy_tf", 5000),
        ]
    }
    assert len(names) == 5
    # The resize mode is part of the FID protocol only.
    assert reference.protocol_name("mnist", "test", "classifier", "clean", 10) == reference.protocol_name(
        "mnist", "test", "classifier", "legacy_tf", 10)


# ----------------------------------------------------------------------
# QualityMetrics


def quality_metrics(tmp_path, **kwargs):
    folder = tmp_path / "reference_images"
    if not folder.exists():
        write_folder(folder, 60)
    options = dict(dataset=str(folder), num_samples=50, reference_count=60, cache_dir=str(tmp_path),
                   feature_model=flatten_model(), batch_size=16, verbose=0)
    return QualityMetrics(**{**options, **kwargs})


def test_logged_distance_equals_frechet_distance_on_the_same_samples(tmp_path):
    gan = tiny_gan()
    callback = quality_metrics(tmp_path, jsonl_path=str(tmp_path / "metrics.jsonl"))
    assert (callback.frechet_name, callback.kid_name) == ("fcd50_folder", "kcd50_folder")
    data = np.random.default_rng(1).uniform(-1, 1, (32, SIDE, SIDE, 1)).astype("float32")
    history = gan.fit(data, batch_size=8, epochs=2, verbose=0, callbacks=[callback])
    # By hand: the same 50 samples (seed 0), their pixels against the folder's.
    samples = gan.generate(50, seed=0).numpy().reshape(50, -1)
    reference_pixels = np.concatenate(
        [np.asarray(Image.open(tmp_path / "reference_images" / f"{i:04d}.png"), np.float32)[None] for i in range(60)]
    ).reshape(60, -1) / 127.5 - 1
    expected = statistics.frechet_distance(samples, reference_pixels)
    np.testing.assert_allclose(history.history["fcd50_folder"][-1], expected, rtol=1e-6)
    np.testing.assert_allclose(
        history.history["kcd50_folder"][-1], statistics.kernel_distance(samples, reference_pixels)[0], rtol=1e-5
    )
    records = [json.loads(line) for line in open(tmp_path / "metrics.jsonl")]
    assert [r["step"] for r in records] == [4, 8] and all(r["seconds"] >= 0 for r in records)
    assert records[-1]["metrics"]["fcd50_folder"] == pytest.approx(expected, rel=1e-6)


def test_model_checkpoint_keeps_the_epoch_with_the_lowest_distance(tmp_path):
    gan = tiny_gan(seed=3)
    callback = quality_metrics(tmp_path)

    class WeightsPerEpoch(keras.callbacks.Callback):
        weights = []

        def on_epoch_end(self, epoch, logs=None):
            self.weights.append([w.copy() for w in self.model.get_weights()])

    path = str(tmp_path / "best.weights.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="fcd50_folder", mode="min", save_best_only=True,
                                                 save_weights_only=True)
    data = np.random.default_rng(2).uniform(-1, 1, (16, SIDE, SIDE, 1)).astype("float32")
    history = gan.fit(data, batch_size=8, epochs=5, verbose=0, callbacks=[callback, checkpoint, WeightsPerEpoch()])
    values = history.history["fcd50_folder"]
    best = int(np.argmin(values))
    assert len(set(np.round(values, 6))) > 1  # the metric moved, so the choice matters
    restored = tiny_gan(seed=3)
    restored.load_weights(path)
    for saved, at_best in zip(restored.get_weights(), WeightsPerEpoch.weights[best]):
        np.testing.assert_array_equal(saved, at_best)


def test_every_steps_and_the_best_export(tmp_path):
    gan = tiny_gan()
    best = str(tmp_path / "best")
    callback = quality_metrics(tmp_path, every_epochs=None, every_steps=3, best_export_dir=best,
                               jsonl_path=str(tmp_path / "metrics.jsonl"), images_per_step=8)
    data = np.random.default_rng(1).uniform(-1, 1, (32, SIDE, SIDE, 1)).astype("float32")
    gan.fit(data, batch_size=8, epochs=2, verbose=0, callbacks=[callback])
    records = [json.loads(line) for line in open(tmp_path / "metrics.jsonl")]
    assert [r["step"] for r in records] == [3, 6] and records[1]["images_seen"] == 48
    lowest = min(records, key=lambda r: r["metrics"]["fcd50_folder"])
    with open(f"{best}.json") as f:
        assert json.load(f)["metrics"] == lowest["metrics"]
    assert os.path.exists(os.path.join(best, "saved_model.pb"))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"features": "vgg"}, ValueError, "argument `features`. Expected one of"),
        ({"features": "fid_inception", "feature_model": None}, ValueError, "argument `fid_weights`. Expected"),
        ({"features": "fid_inception", "fid_weights": "missing.weights.h5", "feature_model": None},
         FileNotFoundError, "argument `fid_weights`. Expected a file"),
        ({"num_samples": 16}, ValueError, "argument `num_samples`. Expected more than the 16 features"),
        ({"features": "classifier", "feature_model": None, "num_samples": 100}, ValueError,
         "more than the 128 features of 'classifier'"),
        ({"every_epochs": 0}, ValueError, "argument `every_epochs`. Expected a positive int"),
        ({"every_epochs": None, "every_steps": 0}, ValueError, "argument `every_steps`. Expected a positive int"),
        ({"every_steps": 5}, ValueError, "Expected exactly one of them"),
        ({"resize": "area"}, ValueError, "argument `resize`"),
    ],
)
def test_bad_arguments_raise_on_construction(tmp_path, kwargs, error, message):
    with pytest.raises(error, match=None) as raised:
        quality_metrics(tmp_path, **kwargs)
    assert message in str(raised.value)


def test_training_seconds_exclude_evaluations_and_add_up_over_a_resume(tmp_path, monkeypatch):
    # A clock that advances by one second per reading: each evaluation reads
    # it three times (start, its duration, the restart of the training clock).
    from keras_gan.callbacks import quality_metrics as module

    ticks = iter(range(1000))
    monkeypatch.setattr(module, "time", types.SimpleNamespace(perf_counter=lambda: float(next(ticks))))
    gan = tiny_gan()
    data = np.random.default_rng(1).uniform(-1, 1, (16, SIDE, SIDE, 1)).astype("float32")
    jsonl = str(tmp_path / "metrics.jsonl")
    gan.fit(data, batch_size=8, epochs=2, verbose=0, callbacks=[quality_metrics(tmp_path, jsonl_path=jsonl)])
    # Start at 0; evaluation 1 starts at 1 (1 s trained), lasts 2 - 1, restarts the clock at 3;
    # evaluation 2 starts at 4: 1 + 1 s.
    # The same run continued by a new session (a new callback reads the records back): clock 6 -> 7.
    gan.fit(data, batch_size=8, epochs=3, initial_epoch=2, verbose=0,
            callbacks=[quality_metrics(tmp_path, jsonl_path=jsonl)])
    records = [json.loads(line) for line in open(jsonl)]
    assert [r["training_seconds"] for r in records] == [1.0, 2.0, 3.0]
    assert [r["seconds"] for r in records] == [1.0, 1.0, 1.0]


def test_a_resumed_run_counts_the_updates_between_its_last_evaluation_and_the_backup(tmp_path, monkeypatch):
    # A clock that advances 10 s per generator update and not otherwise
    # (evaluations take 0 s). Session 1: steps 1-2, the evaluation of epoch
    # 1 (20 s), step 3, then SIGTERM: the backup at step 3 saves the clock
    # (30 s). Session 2, a new process (its clock starts at 1000): step 4,
    # the evaluation of epoch 2: 30 + 10 = 40 s, 10 s per update. (Without
    # the saved clock it would continue from the record: 20 + 10.)
    import signal

    from keras_gan.callbacks import quality_metrics as module

    now = [0.0]
    monkeypatch.setattr(module, "time", types.SimpleNamespace(perf_counter=lambda: now[0]))
    data = np.random.default_rng(1).uniform(-1, 1, (16, SIDE, SIDE, 1)).astype("float32")
    jsonl = str(tmp_path / "metrics.jsonl")

    class Updates(keras.callbacks.Callback):
        def __init__(self, stop_at=None):
            super().__init__()
            self.stop_at = stop_at

        def on_train_batch_end(self, batch, logs=None):
            now[0] += 10
            if int(self.model.g_optimizer.iterations.numpy()) == self.stop_at:
                os.kill(os.getpid(), signal.SIGTERM)  # handled by the backup after this step

    def session(stop_at=None):
        backup = keras_gan.callbacks.BackupAndRestore(tmp_path / "backup", delete_checkpoint=False)
        quality = quality_metrics(tmp_path, jsonl_path=jsonl)
        quality.save_clock_with(backup)
        keras_gan.training.fit_resumable(
            tiny_gan(), lambda: tf.data.Dataset.from_tensor_slices(data).batch(8), epochs=2, backup=backup,
            callbacks=[Updates(stop_at), quality], verbose=0,
        )
        return backup

    with pytest.raises(keras_gan.callbacks.Preempted):
        session(stop_at=3)
    saved = keras_gan.callbacks.BackupAndRestore(tmp_path / "backup").candidates()[0][1]
    assert saved["step"] == 3 and saved["state"]["training_clock"] == {"step": 3, "training_seconds": 30.0}
    now[0] = 1000.0
    session()
    records = [json.loads(line) for line in open(jsonl)]
    assert [(r["step"], r["training_seconds"]) for r in records] == [(2, 20.0), (4, 40.0)]


SAME_REFERENCE_TWICE = """
import glob, os, sys, time
import numpy as np
from keras_gan.evaluation import reference

folder, cache, barrier = sys.argv[1:4]
open(os.path.join(barrier, str(os.getpid())), "w").close()
while len(os.listdir(barrier)) < 2:  # both processes compute at once
    time.sleep(0.05)
save = reference.np.savez

def slow_savez(*args, **kwargs):  # widen the window between write and rename
    save(*args, **kwargs)
    time.sleep(2)

reference.np.savez = slow_savez

class Flatten:
    dimension = 16
    def __call__(self, images, training=False):
        return np.asarray(images).reshape(len(images), -1)

stats = reference.reference_statistics(folder, features="classifier", count=30, cache_dir=cache, model=Flatten())
print(float(stats["mean"].sum()))
"""


@pytest.mark.slow
def test_two_processes_computing_one_reference_both_succeed(tmp_path):
    # Multi-worker training on one machine, or pytest-xdist workers: each
    # writes the cache under a name of its own and renames it.
    from conftest import finish, start_python

    folder = tmp_path / "images"
    pixels = write_folder(folder, 40)
    (tmp_path / "barrier").mkdir()
    script = tmp_path / "same_reference.py"
    script.write_text(SAME_REFERENCE_TWICE)
    processes = [
        start_python([str(script), str(folder), str(tmp_path / "cache"), str(tmp_path / "barrier")],
                     stdout=-1, stderr=-1, text=True)
        for _ in range(2)
    ]
    outputs = finish(processes, timeout=300)
    expected = float(pixels[:30].reshape(30, -1).mean(axis=0).sum())
    values = [float(out.stdout.strip().splitlines()[-1]) for out in outputs]
    assert values == pytest.approx([expected, expected], abs=1e-5)
    files = os.listdir(tmp_path / "cache" / "reference_statistics")
    assert len(files) == 1 and files[0].endswith(".npz") and "partial" not in files[0]
