"""Files written by earlier versions load and continue exactly.

tests/fixtures/main_d3a0f41 holds a `.keras` file, a weights file and a
mid-epoch backup written by main at d3a0f41 (before the model-family
redesign), and every variable of the GAN after each was continued for one
epoch by that same code (`make_main_fixtures.py` says how). Each is
continued here in a fresh process with op determinism, and every variable
(weights, BatchNorm statistics, spectral norm's u and v, the EMA generator,
ADA's p and sums, the seed generators, both optimizers' slots) is compared.

Bit for bit where the fixtures were written; on another CPU, TensorFlow's
float32 sums round differently in the last bits (the
same code continued the same files to values 1e-7 apart, relative to each
variable's largest). So the test asks, on any machine: (1) the three
continuations, from three file formats, end in the same bits, and (2) each
variable is within 1e-5 of the recorded one, relative to its largest
magnitude, while anything the files could lose or redraw (an optimizer
slot, a seed state, ADA's p, the EMA) moves a variable by far more (a
redrawn noise batch moves them by far more: the test checks that too, by
continuing the `.keras` file with the noise's seed state of a fresh model).
"""

import os
import shutil

import pytest
from conftest import REPO
from conftest import run_python

FIXTURES = os.path.join(REPO, "tests", "fixtures", "main_d3a0f41")

CONTINUE = """
import os, sys
import numpy as np
import tensorflow as tf
tf.config.experimental.enable_op_determinism()
# One thread, as the fixtures were written: CPU kernels sum in another order
# with more threads, which op determinism does not fix across thread counts.
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
import keras
import keras_gan
sys.path.insert(0, os.path.join(sys.argv[1], ".."))
import make_main_fixtures as fixtures

def continued(how, directory):
  if how == "keras":
    gan = keras.saving.load_model(os.path.join(directory, "gan.keras"))
    gan.fit(fixtures.dataset(), epochs=1, verbose=0)
  elif how == "weights":
    gan = fixtures.build()
    gan.load_weights(os.path.join(directory, "gan.weights.h5"))
    gan.fit(fixtures.dataset(), epochs=1, verbose=0)
  else:
    gan = fixtures.build()
    keras_gan.training.fit_resumable(
        gan, fixtures.dataset, epochs=2, verbose=0,
        backup=keras_gan.callbacks.BackupAndRestore(os.path.join(directory, "backup"), save_freq=2,
                                                    delete_checkpoint=False),
    )
  return gan

TOLERANCE = 1e-5

def relative(want, value):  # the largest difference, relative to the largest magnitude recorded
  return float(np.max(np.abs(want.astype(np.float64) - value)) / max(np.max(np.abs(want)), 1e-30))

states = {}
for how in ("keras", "weights", "backup"):
  gan = continued(how, sys.argv[2])
  # By position: layer names carry a per-process counter (dense_3), the order does not.
  expected = np.load(os.path.join(sys.argv[1], f"after_{how}.npz"))
  expected = [(key, expected[key]) for key in sorted(expected.files)]
  got = [value for _, value in sorted(fixtures.state(gan).items())]
  assert len(got) == len(expected), (how, len(got), len(expected))
  states[how] = got
  differences = {key: relative(want, value) for (key, want), value in zip(expected, got) if want.size}
  far = {key: r for key, r in differences.items() if r > TOLERANCE}
  assert not far, (how, far)
  exact = all(np.array_equal(want, value) for (_, want), value in zip(expected, got))
  print(how, "identical" if exact else "close", len(got), max(differences.values()))
for how in ("weights", "backup"):
  assert all(np.array_equal(a, b) for a, b in zip(states["keras"], states[how])), how
# The tolerance can fail: the noise of a fresh model's seed state instead of the saved one.
gan = keras.saving.load_model(os.path.join(sys.argv[2], "gan.keras"))
gan.seed_generator.state.assign(fixtures.build().seed_generator.state)
gan.fit(fixtures.dataset(), epochs=1, verbose=0)
worst = max(relative(a, b) for a, b in zip(states["keras"], [v for _, v in sorted(fixtures.state(gan).items())])
            if a.size)
assert worst > 100 * TOLERANCE, worst
print("redrawn", worst)
"""


@pytest.mark.slow
def test_files_written_by_main_before_the_redesign_continue_bit_identically(tmp_path):
    directory = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, directory)  # the backup is written to as it continues
    # oneDNN off, as the fixtures were written: its kernels are chosen by the
    # CPU's instruction set (AVX-512 or not), and their sums differ between
    # machines; TensorFlow's own kernels give the same bits on any x86 CPU.
    result = run_python(  # one process: TensorFlow starts once
        ["-c", CONTINUE, FIXTURES, str(directory)], env={"TF_ENABLE_ONEDNN_OPTS": "0"}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line.split() for line in result.stdout.splitlines()[-4:-1]]
    assert [line[0] for line in lines] == ["keras", "weights", "backup"]
    assert all(line[1] in ("identical", "close") for line in lines)
    assert result.stdout.splitlines()[-1].startswith("redrawn")
