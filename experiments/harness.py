"""What the experiments share: the 1-D GAN of Figure 1 and Theorem 1, MNIST as arrays, a run's records.

A module, not a script: `experiments/*.py` import it from beside them.
"""

import csv
import json
import os

import keras
import numpy as np

import keras_gan

# The 1-D data N(MEAN, STD^2) and the GAN of the 2014 paper's Figure 1.
MEAN, STD = 2.0, 0.5
K = 5  # discriminator updates per generator update


def mlp(inputs, activation, units):
    x = inputs
    for _ in range(2):
        x = keras.layers.Dense(units, activation=activation)(x)
    return keras.layers.Dense(1)(x)


def build():
    keras.utils.set_random_seed(0)
    z, x = keras.Input((1,)), keras.Input((1,))
    # tanh keeps G's map smooth (a ReLU map has kinks, each a spike in p_g);
    # k = 5 D updates per G update keep D near its optimum D*, as Figure 1
    # assumes.
    generator = keras.Model(z, mlp(z, "tanh", 32))
    discriminator = keras.Model(x, mlp(x, "relu", 64))
    gan = keras_gan.GAN(generator, discriminator, seed=0)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5), d_steps=K)
    return gan


def mnist(data_dir):
    """MNIST's (train, test) splits as (images float32 (n, 28, 28, 1) in [-1, 1], labels), from TFDS, no download."""
    import tensorflow_datasets as tfds

    splits = tfds.as_numpy(
        tfds.load("mnist", split=["train", "test"], data_dir=data_dir, batch_size=-1, download=False)
    )
    return [(split["image"].astype(np.float32) / 127.5 - 1, split["label"]) for split in splits]


def write_run(directory, config, history):
    """`directory/config.json` and `directory/history.csv` (one row per epoch) of a training run."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(directory, "history.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        keys = sorted(history)
        writer.writerow(["epoch", *keys])
        for epoch in range(len(history[keys[0]])):
            writer.writerow([epoch, *(history[k][epoch] for k in keys)])


def read_evaluations(run_dir, name, flag):
    """The records of a run's JSONL file `name` (e.g. metrics.jsonl, which
    `flag`, e.g. --eval-every, writes), in order.

    Raises:
        FileNotFoundError: without the file; ValueError: for an empty one.
    """
    path = os.path.join(run_dir, name)
    if not os.path.exists(path):
        raise FileNotFoundError(f"Invalid run directory {run_dir!r}: no {name} (was it run with {flag}?)")
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    if not records:
        raise ValueError(f"Invalid run directory {run_dir!r}: {name} holds no evaluation yet")
    return records
