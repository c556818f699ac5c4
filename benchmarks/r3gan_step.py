"""R3GAN's step (RpGAN + R1 + R2 on R3GAN's networks) against the DCGAN and SNGAN steps.

Three MNIST-sized GANs, each with its own recipe's game and networks, one D
update then one G update per step on one in-memory batch: the default DCGAN
(non-saturating), SNGAN's CNN with the hinge game and spectral
normalization (its d_steps 5 left out: one D update here, for a per-step
comparison), and R3GAN's small networks with the relativistic pairing game
and R1 + R2 (two double backprops per D update). They take turns,
`--repeats` times (`timing.time_fit`, steady state); the ratios are
medians of per-round ratios to the DCGAN step of the same round. Also
printed: each pair of networks' parameters and forward FLOPs per image
(multiply-adds x 2, from the convolutions and dense layers).

    python benchmarks/r3gan_step.py
    python benchmarks/r3gan_step.py --batch-size 64 --steps 5 --repeats 3 --r3gan-width 32
"""

import argparse
import statistics
import sys

import keras
import tensorflow as tf

import keras_gan
from timing import interleaved_rates
from timing import one_batch_forever
from timing import parse_args
from keras_gan import architectures


def forward_flops(model):
    """2 x multiply-adds of a functional model's convolutions and dense
    layers, per sample: kernel size x output positions (input positions for
    a transposed convolution). A grouped kernel is already 1/groups of a
    dense one; a depthwise kernel (kh, kw, C, 1) is kh kw C."""
    total = 0
    for layer in model.layers:
        kernel = getattr(layer, "kernel", None)
        if isinstance(layer, keras.layers.DepthwiseConv2D):
            kernel = layer.kernel if hasattr(layer, "kernel") else layer.depthwise_kernel
        if kernel is None or not isinstance(layer, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D,
                                                    keras.layers.Dense, keras.layers.Conv2DTranspose)):
            continue
        grid = layer.input.shape if isinstance(layer, keras.layers.Conv2DTranspose) else layer.output.shape
        positions = 1
        for side in grid[1:-1]:
            positions *= side
        total += 2 * positions * int(tf.size(kernel))
    return total


def make(args, name):
    keras.utils.set_random_seed(0)
    shape = (args.image_size, args.image_size, args.channels)
    adam = dict(learning_rate=2e-4, beta_1=0.5)
    if name == "DCGAN, non-saturating (baseline)":
        networks = (architectures.dcgan_generator(shape, latent_dim=100), architectures.dcgan_discriminator(shape))
        options = {}
    elif name == "SNGAN, hinge + spectral norm":
        networks = (architectures.sngan_generator(shape, latent_dim=128, width=args.sngan_width),
                    architectures.sngan_discriminator(shape, width=args.sngan_width, spectral_norm=True))
        options, adam = {"loss": "hinge"}, dict(learning_rate=2e-4, beta_1=0.0, beta_2=0.9)
    else:
        networks = (architectures.r3gan_generator(shape, latent_dim=64, width=args.r3gan_width),
                    architectures.r3gan_discriminator(shape, width=args.r3gan_width))
        options = {"loss": "relativistic_pairing", "gradient_penalty": "r1_r2", "gradient_penalty_weight": 1.0}
        adam = dict(learning_rate=2e-4, beta_1=0.0, beta_2=0.9)
    gan = keras_gan.GAN(*networks, seed=0)
    gan.compile(keras.optimizers.Adam(**adam), keras.optimizers.Adam(**adam), **options)
    return gan


def main():
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--r3gan-width", type=int, default=32)
    extra.add_argument("--sngan-width", type=int, default=32)
    own, rest = extra.parse_known_args()
    sys.argv = [sys.argv[0], *rest]
    args = parse_args(__doc__, steps=5, warmup=2, repeats=3)
    args.r3gan_width, args.sngan_width = own.r3gan_width, own.sngan_width
    dataset = one_batch_forever(args)
    names = ("DCGAN, non-saturating (baseline)", "SNGAN, hinge + spectral norm", "R3GAN, RpGAN + R1 + R2")
    gans = {name: make(args, name) for name in names}
    rates = interleaved_rates(gans, dataset, args)
    baseline = rates[names[0]]
    print(f"TF {tf.__version__}  Keras {keras.__version__}  {args.image_size}x{args.image_size}x{args.channels}, "
          f"batch {args.batch_size}, {args.steps} steps x {args.repeats} interleaved rounds (medians); "
          f"SNGAN width {args.sngan_width}, R3GAN width {args.r3gan_width}")
    print("| step | G / D parameters | G + D forward GFLOP per image | steps/s | relative to DCGAN |")
    print("|---|---|---|---|---|")
    for name, gan in gans.items():
        ratio = statistics.median(v / b for v, b in zip(rates[name], baseline))
        flops = (forward_flops(gan.generator) + forward_flops(gan.discriminator)) / 1e9
        print(f"| {name} | {gan.generator.count_params():,} / {gan.discriminator.count_params():,} | {flops:.3f} | "
              f"{statistics.median(rates[name]):.3f} | {ratio:.3f} |")


if __name__ == "__main__":
    main()
