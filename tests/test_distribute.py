"""tf.distribute: 2 replicas (2 logical CPUs) and 2 workers on 127.0.0.1."""

import json
import os
import subprocess

import numpy as np
import pytest

import keras_gan
from conftest import finish
from conftest import free_ports
from conftest import run_python
from conftest import start_python
from test_quality_metrics import write_folder


@pytest.mark.slow
def test_two_replicas_match_one_device_and_draw_their_own_noise_and_dropout():
    result = run_python(["tests/scripts/mirrored_step.py"])
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    one, two = out["one_device"], out["two_replicas"]
    assert (one["replicas"], two["replicas"]) == (1, 2)
    # Gradients summed across replicas, losses scaled by the global batch:
    # the same weights after 3 steps of d_steps=2, and the same logged values.
    for a, b in zip(one["weights"], two["weights"]):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert sorted(one["logs"]) == ["d_fake", "d_loss", "d_real", "g_loss", "loss"]
    for key in one["logs"]:
        np.testing.assert_allclose(one["logs"][key], two["logs"][key], atol=1e-5)
    # The same with a Keras loss whose own reduction is "sum".
    one, two = out["one_device_custom_loss"], out["two_replicas_custom_loss"]
    for a, b in zip(one["weights"], two["weights"]):
        np.testing.assert_allclose(a, b, atol=1e-5)
    np.testing.assert_allclose(one["logs"]["g_loss"], two["logs"]["g_loss"], atol=1e-5)
    # hinge + R1 + spectral norm + EMA: weights, u and v, G_ema and every log.
    one, two = out["one_device_toolkit"], out["two_replicas_toolkit"]
    assert len(one["weights"]) == len(two["weights"]) == 12  # G 4, D 2 + u and v, G_ema 4
    for a, b in zip(one["weights"], two["weights"]):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert sorted(one["logs"]) == ["d_fake_score", "d_loss", "d_real_score", "g_loss", "gradient_penalty", "loss"]
    for key in one["logs"]:
        np.testing.assert_allclose(one["logs"][key], two["logs"][key], atol=1e-5)
    # R3GAN: relativistic pairing (within each replica's minibatch) + R1 + R2,
    # gamma and beta_2 scheduled, an EMA by half-life in (global) images.
    one, two = out["one_device_r3gan"], out["two_replicas_r3gan"]
    assert len(one["weights"]) == len(two["weights"]) == 10  # G 4, D 2, G_ema 4
    for a, b in zip(one["weights"], two["weights"]):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert sorted(one["logs"]) == ["d_fake_score", "d_loss", "d_real_score", "g_loss", "gradient_penalty", "loss"]
    for key in one["logs"]:
        np.testing.assert_allclose(one["logs"][key], two["logs"][key], atol=1e-5)
    z0, z1 = (np.array(z) for z in out["replica_z"])
    assert z0.shape == (4, 3) and not np.allclose(z0, z1)
    # And their own dropout masks (ReplicaDropout; Keras's Dropout shares one).
    mask0, mask1 = (np.array(m) for m in out["replica_dropout"])
    assert set(np.unique(mask0)) <= {0.0, 2.0} and not np.array_equal(mask0, mask1)
    # And their own augmentations. ADA's r_t is global: (3 + 1) / 6 = 2/3 > 0.6,
    # so p = 6 / 12 on both (replica 1 alone, with r_t = 1/3, would keep p = 0).
    cut0, cut1 = (np.array(c) for c in out["replica_cutout"])
    assert not np.array_equal(cut0, cut1)
    assert out["replica_p"] == [0.5, 0.5]


@pytest.mark.slow
def test_two_replicas_match_one_device_with_packing_and_simultaneous_updates():
    result = run_python(["tests/scripts/mirrored_step.py", "packed"])
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    one, two = out["one_device_packed"], out["two_replicas_packed"]
    assert (one["replicas"], two["replicas"]) == (1, 2)
    # Each replica's 4 images make 2 packs, the same packs as on one device.
    assert np.array(one["weights"][-2]).shape == (8, 1)  # D's kernel: 2 x 2 x 2 packed inputs
    for a, b in zip(one["weights"], two["weights"]):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert sorted(one["logs"]) == ["d_fake", "d_loss", "d_real", "g_loss", "loss"]
    for key in one["logs"]:
        np.testing.assert_allclose(one["logs"][key], two["logs"][key], atol=1e-5)


@pytest.mark.slow
def test_two_workers_end_with_identical_weights_and_only_the_chief_writes(tmp_path):
    write_folder(tmp_path / "reference", 100, side=8)
    ports = ",".join(map(str, free_ports(2)))
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    # Each worker sets its own TF_CONFIG before importing TensorFlow.
    workers = [start_python(["tests/scripts/multi_worker.py", str(i), ports, str(tmp_path)], **pipes) for i in range(2)]
    finish(workers, timeout=300)
    chief, other = (json.loads((tmp_path / f"worker_{i}.json").read_text()) for i in range(2))
    assert (chief["chief"], other["chief"]) == (True, False)
    assert chief["replicas"] == 2
    # 4 global batches of 8 per epoch, 2 epochs: 8 G steps on each worker.
    assert chief["g_steps"] == other["g_steps"] == 8
    for a, b in zip(chief["weights"], other["weights"], strict=True):
        np.testing.assert_array_equal(a, b)  # BatchNorm moving statistics too
    assert chief["history"] == other["history"]
    assert all(np.isfinite(v).all() for v in chief["history"].values())
    assert sorted(os.listdir(tmp_path / "samples_0")) == ["epoch_0001.png", "epoch_0002.png"]
    assert keras_gan.callbacks.BackupAndRestore.restored_epoch(tmp_path / "backup_0") == 2
    # QualityMetrics on every worker (no collective to wait for), the same
    # values, equal to the metric by hand; only the chief writes its JSONL.
    assert chief["history"]["fcd100_folder"][-1] == pytest.approx(chief["fcd_by_hand"], rel=1e-6)
    assert len((tmp_path / "metrics_0.jsonl").read_text().splitlines()) == 2
    for written_by_chief_only in ("samples_1", "backup_1", "metrics_1.jsonl"):
        assert not (tmp_path / written_by_chief_only).exists()


@pytest.mark.slow
def test_quality_metrics_under_two_replicas(tmp_path):
    write_folder(tmp_path / "reference", 60)
    result = run_python(["tests/scripts/mirrored_quality.py", str(tmp_path)])
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["replicas"] == 2 and len(out["logged"]) == 2
    # The logged value of the last epoch equals the metric by hand on the
    # same 50 samples of the trained generator.
    assert out["logged"][-1] == pytest.approx(out["by_hand"], rel=1e-6)


def test_strategies_by_name(monkeypatch):
    assert keras_gan.distribute.get_strategy("default").num_replicas_in_sync == 1
    assert keras_gan.distribute.get_strategy("auto").num_replicas_in_sync == 1  # no GPU here
    assert keras_gan.distribute.is_chief()
    with pytest.raises(ValueError, match="Expected one of .*'tpu'.*Received: name='horovod'"):
        keras_gan.distribute.get_strategy("horovod")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG.*Received: TF_CONFIG=None"):
        keras_gan.distribute.get_strategy("multi_worker")


@pytest.mark.slow
def test_a_resume_on_two_replicas_is_bit_identical_to_a_run_that_never_stopped(tmp_path):
    # Stopped mid-epoch and after an epoch's last step; data reshuffled from a
    # seed every epoch (Keras's fit opened an extra iterator to build the
    # model under a strategy, which moved the order on: GAN skips it).
    result = run_python(["tests/scripts/mirrored_resume.py", str(tmp_path)])
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["replicas"] == 2
    for stop in ("6", "8"):
        assert out[stop]["same_weights"], stop
        assert out[stop]["history"] == out[stop]["straight_history"], stop
        assert len(out[stop]["history"]["d_loss"]) == 2  # epochs 2 and 3
