"""The same step on 2 replicas (2 logical CPUs) as on one device."""

import json

import numpy as np

from conftest import run_python


def test_two_replicas_match_one_device_and_draw_their_own_noise():
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
    z0, z1 = (np.array(z) for z in out["replica_z"])
    assert z0.shape == (4, 3) and not np.allclose(z0, z1)
