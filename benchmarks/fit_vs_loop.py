"""Steps per second of `GAN.fit` against a bare `tf.function` training loop.

Both train the same DCGAN (same architecture, batch size and optimizers) on
the same in-memory batch, one D update then one G update per step. The bare
loop is what a hand-written custom training loop does: plain network calls,
no Keras trainer, no callbacks, no metrics.

This machine's speed drifts (the same steps can take 25 % longer a minute
later), so the two are measured alternately, `--repeats` times, and compared
by their medians. `fit` is timed in steady state: the second epoch of a
2-epoch `fit` call, from `on_epoch_begin` to `on_epoch_end` (whose logs are
Python floats, so the work is done). What a `fit` call spends outside its
epochs (setting up and tearing down its epoch iterator and callbacks), paid
once per call however many epochs follow, is reported separately.

    python benchmarks/fit_vs_loop.py                  # MNIST-sized DCGAN, batch 128
    python benchmarks/fit_vs_loop.py --width 32 --steps 100
"""

import argparse
import statistics
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gan
from keras_gan import architectures
from keras_gan import losses


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


def bare_loop(gan):
    """One D and one G update as a plain tf.function, the usual custom loop."""
    generator, discriminator = gan.generator, gan.discriminator
    d_optimizer, g_optimizer = gan.d_optimizer, gan.g_optimizer

    @tf.function
    def step(real):
        batch = tf.shape(real)[0]
        z = tf.random.normal((batch, gan.latent_dim))
        fake = generator(z, training=True)
        with tf.GradientTape() as tape:
            d_loss = tf.reduce_mean(
                losses.discriminator_loss(
                    discriminator(real, training=True), discriminator(fake, training=True)
                )
            )
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        d_optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))
        z = tf.random.normal((batch, gan.latent_dim))
        with tf.GradientTape() as tape:
            g_loss = tf.reduce_mean(
                losses.non_saturating_generator_loss(discriminator(generator(z, training=True), training=True))
            )
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss

    return step


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


def main():
    args = parse_args(__doc__, steps=40, warmup=5, repeats=7)
    dataset = one_batch_forever(args)

    fit_gan, loop_gan = make_gan(args), make_gan(args)
    step, iterator = bare_loop(loop_gan), iter(dataset)
    time_fit(fit_gan, dataset, args.warmup)  # tracing
    time_loop(step, iterator, args.warmup)
    fit_rates, loop_rates, setups = [], [], []
    for _ in range(args.repeats):
        rate, setup = time_fit(fit_gan, dataset, args.steps)
        fit_rates.append(rate)
        setups.append(setup)
        loop_rates.append(time_loop(step, iterator, args.steps))

    fit_rate, loop_rate = statistics.median(fit_rates), statistics.median(loop_rates)
    ratios = sorted(f / b for f, b in zip(fit_rates, loop_rates))
    devices = [d.name for d in tf.config.list_logical_devices() if d.device_type != "CPU"] or ["CPU"]
    print(f"device: {', '.join(devices)}  TF {tf.__version__}  Keras {keras.__version__}")
    print(
        f"DCGAN {args.image_size}x{args.image_size}x{args.channels}, width {args.width}, "
        f"batch {args.batch_size}, {args.steps} steps x {args.repeats} repeats (medians)"
    )
    print(f"GAN.fit:          {fit_rate:8.2f} steps/s")
    print(f"bare tf.function: {loop_rate:8.2f} steps/s")
    print(f"ratio fit / bare: {fit_rate / loop_rate:8.3f}  (per repeat: {ratios[0]:.3f} to {ratios[-1]:.3f})")
    print(f"per fit call, outside its epochs: {statistics.median(setups):.2f} s")


if __name__ == "__main__":
    main()
