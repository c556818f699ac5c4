"""experiments/convergence.py: each run's best, last and best-within-budget
Frechet distance from metrics.jsonl, by hand."""

import json
import os
import sys

import pytest

from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "experiments"))
import convergence as experiment  # noqa: E402


def write_run(directory, values, seconds, untimed=0):
    directory.mkdir()
    with open(directory / "metrics.jsonl", "w") as f:
        for epoch in range(1, untimed + 1):  # written before training_seconds existed
            f.write(json.dumps({"epoch": epoch, "metrics": {"fcd10k_test": 99.0, "kcd10k_test": 1.0}}) + "\n")
        for epoch, (value, second) in enumerate(zip(values, seconds), start=untimed + 1):
            record = {"epoch": epoch, "training_seconds": second, "metrics": {"fcd10k_test": value, "kcd10k_test": 1}}
            f.write(json.dumps(record) + "\n")


def test_the_table_by_hand(tmp_path):
    write_run(tmp_path / "dcgan", [40.0, 20.0, 25.0, 10.0], [1800, 3600, 5400, 7200])
    write_run(tmp_path / "sngan", [60.0, 30.0], [2000, 4000], untimed=1)
    out = tmp_path / "figure.png"
    experiment.main([str(tmp_path / "dcgan"), str(tmp_path / "sngan"), "--out", str(out)])
    rows = json.loads((tmp_path / "figure.json").read_text())
    assert rows[0] == {
        "run": "dcgan", "evaluations": 4, "best": 10.0, "best_epoch": 4, "best_hours": 2.0, "last": 10.0,
        "last_epoch": 4, "hours": 2.0, "best_within_1_hours": 20.0, "left_out": 0,
    }
    assert rows[1]["best_within_1_hours"] == 60.0 and rows[1]["left_out"] == 1 and rows[1]["best_epoch"] == 3
    assert out.exists()


def test_a_run_without_evaluations_is_named(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit):
        experiment.main([str(tmp_path / "empty"), "--out", str(tmp_path / "f.png")])
