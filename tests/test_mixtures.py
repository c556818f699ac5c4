"""experiments/mixtures.py's run directories: a finished run's record and
exported generator, a rerun that skips it, and the refusal to continue a
run with other settings."""

import json

import pytest
from conftest import run_python


@pytest.mark.slow
def test_a_run_directory_is_finished_skipped_and_refused_with_other_settings(tmp_path):
    out = tmp_path / "mixtures"
    flags = ["experiments/mixtures.py", "--mixtures", "ring", "--packs", "1", "--seeds", "1", "--steps", "1000",
             "--eval-steps", "1000", "--out", str(out)]
    result = run_python(flags)
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = out / "pacgan_ring_m1_seed0_1000"
    record = json.loads((run_dir / "result.json").read_text())
    assert record["steps"] == 1000 and record["starts"] == 1 and set(record["results"]) == {"1000"}
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


@pytest.mark.slow
def test_report_summarizes_exported_records_by_hand(tmp_path):
    # Two exports of the same model: one with all its evaluations, one with
    # only its last (as the config.json beside an exported generator has).
    base = {"mixture": "ring", "pack": 1, "recipe": "pacgan", "steps": 2000}
    first = tmp_path / "a.json"
    first.write_text(json.dumps({**base, "seed": 0, "results": {
        "1000": {"modes_captured": 8, "high_quality": 0.5, "kl_to_uniform": 0.2},
        "2000": {"modes_captured": 7, "high_quality": 0.9, "kl_to_uniform": 0.3}}}))
    second = tmp_path / "b.json"
    second.write_text(json.dumps({**base, "seed": 1, "result_at_2000": {
        "modes_captured": 5, "high_quality": 0.8, "kl_to_uniform": 0.5}}))
    out = tmp_path / "mixtures"
    result = run_python(["experiments/mixtures.py", "--report", "--mixtures", "ring", "--steps", "2000",
                         "--out", str(out), "--records", str(first), str(second), str(first)])
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["runs"] == 2  # the record given twice counts once
    rows = {row["step"]: row for row in summary["summary"]}
    assert rows[1000]["seeds"] == 1 and rows[1000]["modes_captured_se"] is None
    last = rows[2000]
    # mean (7 + 5) / 2 = 6; sample std sqrt(2), standard error sqrt(2) / sqrt(2) = 1.
    assert last["seeds"] == 2 and last["modes_captured"] == 6 and abs(last["modes_captured_se"] - 1) < 1e-12
    assert abs(last["high_quality"] - 85) < 1e-9 and abs(last["high_quality_se"] - 5) < 1e-9
    assert abs(last["kl_to_uniform"] - 0.4) < 1e-12 and abs(last["kl_to_uniform_se"] - 0.1) < 1e-12
    # A record without its evaluations is refused, naming the argument, before anything is written.
    refused_out = tmp_path / "refused"
    bare = tmp_path / "c.json"
    bare.write_text(json.dumps({**base, "seed": 2}))
    refused = run_python(["experiments/mixtures.py", "--report", "--mixtures", "ring", "--steps", "2000",
                          "--out", str(refused_out), "--records", str(bare)])
    assert refused.returncode == 2
    assert f"argument --records: expected results or result_at_2000 in {bare}, received neither" in refused.stderr
    assert not refused_out.exists()
