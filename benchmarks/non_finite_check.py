"""What does `StopOnNonFinite` cost a healthy step? `fit` with it against `fit` without.

The check reads `d_loss` and `g_loss` from the logs the step already
returns, after every batch (and every weight after every epoch). The same
DCGAN trains in turns, with and without the callback, `--repeats` rounds of
`--steps` steps each after a warm-up; the ratio of the two rates is taken
within each round and its median reported (1.00: no cost).

    python benchmarks/non_finite_check.py
    python benchmarks/non_finite_check.py --width 64 --batch-size 64 --steps 100
"""

import argparse
import os
import statistics
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gan


def make_gan(width, seed):
    gan = keras_gan.GAN(keras_gan.architectures.dcgan_generator((28, 28, 1), width=width),
                        keras_gan.architectures.dcgan_discriminator((28, 28, 1), width=width), seed=seed)
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    return gan


def steps_per_second(gan, dataset, steps, callbacks):
    start = time.perf_counter()
    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=callbacks)
    return steps / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    images = np.random.default_rng(0).uniform(-1, 1, (args.batch_size, 28, 28, 1)).astype(np.float32)
    dataset = tf.data.Dataset.from_tensors(images).repeat()
    variants = {"without": (make_gan(args.width, 0), []),
                "with": (make_gan(args.width, 0), [keras_gan.callbacks.StopOnNonFinite()])}
    for gan, callbacks in variants.values():
        steps_per_second(gan, dataset, 20, callbacks)  # tracing
    rates = {name: [] for name in variants}
    for _ in range(args.repeats):
        for name, (gan, callbacks) in variants.items():
            rates[name].append(steps_per_second(gan, dataset, args.steps, callbacks))
    ratio = statistics.median(w / wo for w, wo in zip(rates["with"], rates["without"]))
    print(f"TF {tf.__version__}  Keras {keras.__version__}  cores: {os.cpu_count()}")
    print(f"DCGAN 28x28x1, width {args.width}, batch {args.batch_size}, {args.steps} steps x {args.repeats} rounds")
    for name, values in rates.items():
        print(f"{name:8} StopOnNonFinite {statistics.median(values):7.2f} steps/s")
    print(f"rate with / without, median of rounds: {ratio:.3f}")


if __name__ == "__main__":
    main()
