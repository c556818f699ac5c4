"""Does the input pipeline slow training? `fit` on real data against one batch.

The same DCGAN `fit`, in steady state (`timing.time_fit`), on:

- memory: one in-memory batch, repeated (no input pipeline at all);
- tfds: real MNIST through `keras_gan.data.load_tfds`;
- folder: MNIST's test split as PNG files in class folders, through
  `keras_gan.data.load_image_folder` (written once to a temporary folder by
  `experiments/tfds_to_folder.py`).

They take turns, `--repeats` times, and each real-data rate is reported as a
ratio to the memory rate of the same round (median over rounds). Before the
rounds, each dataset is read once in full, so that its cache holds the
prepared images. Needs MNIST in TFDS_DATA_DIR.

    python benchmarks/input_pipeline.py
    python benchmarks/input_pipeline.py --steps 60 --repeats 3
"""

import os
import statistics
import subprocess
import sys
import tempfile

import keras
import tensorflow as tf

from timing import make_gan
from timing import one_batch_forever
from timing import parse_args
from timing import time_fit

import keras_gan

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    args = parse_args(__doc__, steps=60, warmup=0, repeats=3)
    folder = os.path.join(tempfile.mkdtemp(), "mnist_test_png")
    subprocess.run(
        [sys.executable, os.path.join(REPO, "experiments", "tfds_to_folder.py"), "mnist", "--split", "test",
         "--output", folder],
        check=True,
    )
    datasets = {
        "memory": one_batch_forever(args),
        "tfds": keras_gan.data.load_tfds("mnist", batch_size=args.batch_size, seed=0, download=False).repeat(),
        "folder": keras_gan.data.load_image_folder(folder, batch_size=args.batch_size, seed=0).repeat(),
    }
    gans = {name: make_gan(args) for name in datasets}
    for name, dataset in datasets.items():
        passes = 60_000 if name == "tfds" else 10_000
        time_fit(gans[name], dataset, passes // args.batch_size + 1)  # tracing, and a full pass to fill the cache
    rates = {name: [] for name in datasets}
    for _ in range(args.repeats):
        for name, dataset in datasets.items():
            rates[name].append(time_fit(gans[name], dataset, args.steps)[0])

    devices = [d.name for d in tf.config.list_logical_devices() if d.device_type != "CPU"] or ["CPU"]
    print(f"device: {', '.join(devices)}  TF {tf.__version__}  Keras {keras.__version__}  cores: {os.cpu_count()}")
    print(f"DCGAN 28x28x1, width {args.width}, batch {args.batch_size}, {args.steps} steps x {args.repeats} rounds")
    for name, values in rates.items():
        ratio = statistics.median(v / m for v, m in zip(values, rates["memory"]))
        print(f"{name:7} {statistics.median(values):6.2f} steps/s   ratio to memory {ratio:.3f}")


if __name__ == "__main__":
    main()
