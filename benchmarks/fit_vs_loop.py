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

import statistics

import keras
import tensorflow as tf

from timing import make_gan
from timing import one_batch_forever
from timing import parse_args
from timing import time_fit
from timing import time_loop

from keras_gan import losses


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
