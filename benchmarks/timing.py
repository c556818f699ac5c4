"""What the benchmarks share: the DCGAN they time, steady-state `fit` timing, interleaved rounds, their flags.

A module, not a script: `benchmarks/*.py` import it from beside them.
"""

import argparse
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gan
from keras_gan import architectures


def make_gan(args, jit_compile=False):
    keras.utils.set_random_seed(0)
    shape = (args.image_size, args.image_size, args.channels)
    gan = keras_gan.GAN(
        architectures.dcgan_generator(shape, latent_dim=args.latent_dim, width=args.width),
        architectures.dcgan_discriminator(shape, width=args.width),
        seed=0,
    )
    gan.compile(
        keras.optimizers.Adam(2e-4, beta_1=0.5),
        keras.optimizers.Adam(2e-4, beta_1=0.5),
        jit_compile=jit_compile,
    )
    return gan


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of each epoch."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def time_fit(gan, dataset, steps):
    """Steady-state steps/s (second epoch), and the call's seconds outside epochs.

    Outside the epochs, `fit` sets up and tears down its epoch iterator and
    callbacks: a cost per `fit` call, not per step.
    """
    timer = EpochTimer()
    start = time.perf_counter()
    gan.fit(dataset, epochs=2, steps_per_epoch=steps, verbose=0, shuffle=False, callbacks=[timer])
    total = time.perf_counter() - start
    return steps / timer.seconds[1], total - sum(timer.seconds)


def interleaved_rates(gans, dataset, args):
    """{name: [steady-state steps/s of each round]}: every GAN traced once
    (`args.warmup` steps), then `args.repeats` rounds in which each takes
    its turn for `args.steps` steps, so that the machine's drift hits all
    alike."""
    for gan in gans.values():
        time_fit(gan, dataset, args.warmup)  # tracing
    rates = {name: [] for name in gans}
    for _ in range(args.repeats):
        for name, gan in gans.items():
            rates[name].append(time_fit(gan, dataset, args.steps)[0])
    return rates


def time_loop(step, iterator, steps):
    start = time.perf_counter()
    for _ in range(steps):
        d_loss, _ = step(next(iterator))
    d_loss.numpy()  # wait for the last step
    return steps / (time.perf_counter() - start)


def parse_args(description, steps, warmup, repeats):
    """The benchmarks' flags: the DCGAN and batch measured, and how long."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image-size", type=int, default=28)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--warmup", type=int, default=warmup)
    parser.add_argument("--repeats", type=int, default=repeats)
    return parser.parse_args()


def one_batch_forever(args):
    """The same in-memory batch of uniform noise images, repeated."""
    images = np.random.default_rng(0).uniform(
        -1, 1, (args.batch_size, args.image_size, args.image_size, args.channels)
    ).astype("float32")
    return tf.data.Dataset.from_tensors(images).repeat()
