"""Steps per second of each toolkit option, relative to the plain DCGAN step.

One MNIST-sized DCGAN (the same networks, batch and optimizers throughout),
one D update then one G update per step, on one in-memory batch. Each
configuration adds one option, or a recipe's combination, to the baseline
(non-saturating, d_steps 1): the cost of a game, of a gradient penalty
(every D update, or lazily every 16th), of spectral normalization in D, of
the EMA generator. The configurations take turns, `--repeats` times
(`timing.time_fit`, steady state), so that this machine's drift hits
them alike; the ratios are medians of per-round ratios to the baseline of
the same round. A recipe's `--d-steps 5` multiplies the D side of the step
on top of these ratios.

    python benchmarks/toolkit_costs.py
    python benchmarks/toolkit_costs.py --width 32 --steps 30 --repeats 5
"""

import statistics

import keras
import tensorflow as tf

import keras_gan
from timing import interleaved_rates
from timing import one_batch_forever
from timing import parse_args
from keras_gan import architectures

# name: (GAN options, D builder options, compile options)
CONFIGURATIONS = {
    "non_saturating (baseline)": ({}, {}, {}),
    "hinge": ({}, {}, {"loss": "hinge"}),
    "wgan_gp": ({}, {}, {"loss": "wasserstein", "gradient_penalty": "wgan_gp"}),
    "r1": ({}, {}, {"gradient_penalty": "r1"}),
    "r1, lazy every 16": ({}, {}, {"gradient_penalty": "r1", "gradient_penalty_every": 16}),
    "spectral_norm": ({}, {"spectral_norm": True}, {}),
    "ema 0.999": ({"ema_decay": 0.999}, {}, {}),
    "SNGAN: hinge + spectral_norm": ({}, {"spectral_norm": True}, {"loss": "hinge"}),
    "StyleGAN2-style: lazy r1 + ema": (
        {"ema_decay": 0.999}, {}, {"gradient_penalty": "r1", "gradient_penalty_every": 16}
    ),
}


def make(args, gan_options, d_options, compile_options):
    keras.utils.set_random_seed(0)
    shape = (args.image_size, args.image_size, args.channels)
    gan = keras_gan.GAN(
        architectures.dcgan_generator(shape, latent_dim=args.latent_dim, width=args.width),
        architectures.dcgan_discriminator(shape, width=args.width, **d_options),
        seed=0,
        **gan_options,
    )
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5), **compile_options)
    return gan


def main():
    args = parse_args(__doc__, steps=30, warmup=3, repeats=5)
    dataset = one_batch_forever(args)
    gans = {name: make(args, *options) for name, options in CONFIGURATIONS.items()}
    rates = interleaved_rates(gans, dataset, args)

    baseline = rates["non_saturating (baseline)"]
    devices = [d.name for d in tf.config.list_logical_devices() if d.device_type != "CPU"] or ["CPU"]
    print(f"device: {', '.join(devices)}  TF {tf.__version__}  Keras {keras.__version__}")
    print(
        f"DCGAN {args.image_size}x{args.image_size}x{args.channels}, width {args.width}, batch {args.batch_size}, "
        f"{args.steps} steps x {args.repeats} interleaved rounds (medians)"
    )
    print(f"| {'configuration':32} | steps/s | relative to baseline |")
    print(f"|{'-' * 34}|---------|----------------------|")
    for name, values in rates.items():
        ratio = statistics.median(v / b for v, b in zip(values, baseline))
        print(f"| {name:32} | {statistics.median(values):7.2f} | {ratio:20.2f} |")


if __name__ == "__main__":
    main()
