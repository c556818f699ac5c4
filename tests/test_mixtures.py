"""experiments/mixtures.py's run directories: a finished run's record and
exported generator, a rerun that skips it, and the refusal to continue a
run with other settings."""

import json

from conftest import run_python


def test_a_run_directory_is_finished_skipped_and_refused_with_other_settings(tmp_path):
    out = tmp_path / "mixtures"
    flags = ["experiments/mixtures.py", "--mixtures", "ring", "--packs", "1", "--seeds", "1", "--steps", "1000",
             "--eval-steps", "1000", "--out", str(out)]
    result = run_python(flags)
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = out / "pacgan_ring_m1_seed0_1000"
    record = json.loads((run_dir / "result.json").read_text())
    assert record["steps"] == 1000 and record["sessions"] == 1 and set(record["results"]) == {"1000"}
    assert json.loads((run_dir / "config.json").read_text())["eval_steps"] == [1000]
    assert (run_dir / "generator" / "saved_model.pb").exists()
    assert [json.loads(line)["seed"] for line in (out / "runs.jsonl").read_text().splitlines()] == [0]
    # The same command again: nothing to train, the log keeps one line.
    again = run_python(flags)
    assert again.returncode == 0 and len((out / "runs.jsonl").read_text().splitlines()) == 1
    # Other settings in the same directory: refused, naming what differs, nothing written.
    (out / "runs.jsonl").unlink()
    refused = run_python([*flags, "--no-fast"])
    assert refused.returncode == 2
    assert "holds a run with another configuration (fast: True -> False)" in refused.stderr
    assert not (out / "runs.jsonl").exists()
