"""experiments/limited_data_report.py: each run's last overfitting gap and
its lowest and last Frechet distance, from history.csv and metrics.jsonl."""

import json
import os
import sys

import pytest

from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "experiments"))
import limited_data_report as report  # noqa: E402


def write_run(directory, gaps, distances):
    directory.mkdir(parents=True)
    rows = ["epoch,d_loss,d_logit_gap"] + [f"{epoch},0.5,{gap}" for epoch, gap in enumerate(gaps)]
    (directory / "history.csv").write_text("\n".join(rows) + "\n")
    with open(directory / "metrics.jsonl", "w") as f:
        for step, value in distances:
            f.write(json.dumps({"step": step, "metrics": {"fcd10k_test": value, "kcd10k_test": 1.0}}) + "\n")


def test_the_summary_by_hand(tmp_path):
    write_run(tmp_path / "n500_none", [0.1, 0.8, 2.5], [(200, 50.0), (400, 30.0), (600, 45.0)])
    write_run(tmp_path / "n500_ada", [0.0, "nan", 0.2], [(200, 52.0), (400, 35.0), (600, 28.0)])
    report.main([str(tmp_path)])
    rows = {row["run"]: row for row in json.loads((tmp_path / "limited_data.json").read_text())}
    assert rows["n500_none"] == {"run": "n500_none", "last_gap": 2.5, "lowest": 30.0, "lowest_at_update": 400,
                                 "last": 45.0, "last_update": 600}
    assert rows["n500_ada"]["lowest_at_update"] == 600 and rows["n500_ada"]["last_gap"] == 0.2
    assert (tmp_path / "limited_data.png").exists()


def test_an_empty_root_is_an_error(tmp_path):
    with pytest.raises(SystemExit):
        report.main([str(tmp_path)])
