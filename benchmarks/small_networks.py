"""Steps per second on small networks: `fit`, with XLA, with steps_per_execution, and a bare loop.

    python benchmarks/small_networks.py                    # PacGAN's 2-D networks, batch 100
    python benchmarks/small_networks.py --model dcgan      # DCGAN on 28x28, batch 64: where XLA does not help
    python benchmarks/small_networks.py --model goodfellow2014 --steps 500   # the 2014 MLPs, batch 100, SGD

Every variant trains the same GAN (same networks, batch, optimizers and
update: simultaneous, as PacGAN's and the 2014 code) on one in-memory batch
(the 2014 networks with their own recipe: SGD with momentum, decaying
learning rate, dropout in D):
- `fit`: `GAN.fit`, one step per call of the traced function;
- `fit_xla`: `compile(jit_compile=True)`;
- `fit_spe50`: `compile(steps_per_execution=50)`;
- `fit_xla_spe50`: both (the default of experiments/mixtures.py);
- `bare_loop`: a `tf.function` that calls the same `train_step` in a Python
  loop, one call per step, without Keras's trainer.
Steps/s are taken in steady state (the second epoch of each `fit`), the
variants run in turn `--repeats` times (interleaved, since this machine's
speed drifts), and each round's rates are divided by that round's `fit`:
the ratios are reported as medians over rounds.

With `--peak-gflops`, each rate is also given as a share of that peak: the
FLOPs of a step are counted as 3 x (2 x multiply-adds) of every forward pass
the step runs (the backward pass twice the forward), from the networks'
Dense and Maxout kernels: a lower bound that ignores element-wise work.
"""

import argparse
import statistics
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gan
from keras_gan import architectures

import timing  # benchmarks/timing.py, beside this script

VARIANTS = {
    "fit": {},
    "fit_xla": {"jit_compile": True},
    "fit_spe50": {"steps_per_execution": 50},
    "fit_xla_spe50": {"jit_compile": True, "steps_per_execution": 50},
}


def experiment(name):
    """An experiments/ script as a module."""
    import importlib.util
    import os

    path = os.path.join(os.path.dirname(__file__), "..", "experiments", f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHAPES = {"pacgan": (2,), "dcgan": (28, 28, 1), "goodfellow2014": (28, 28, 1)}


def make_gan(model, jit_compile=False, steps_per_execution=1):
    keras.utils.set_random_seed(0)
    if model == "goodfellow2014":
        unit_pixels = np.random.default_rng(0).uniform(0, 1, (100, *SHAPES[model])).astype("float32")
        return experiment("goodfellow2014").build_gan(
            unit_pixels, seed=0, jit_compile=jit_compile, steps_per_execution=steps_per_execution
        )
    if model == "dcgan":
        shape = SHAPES[model]
        generator, discriminator = architectures.dcgan_generator(shape), architectures.dcgan_discriminator(shape)
    else:
        generator, discriminator = experiment("mixtures").pacgan_networks(1)
    gan = keras_gan.GAN(generator, discriminator, seed=0)
    gan.compile(
        keras.optimizers.Adam(1e-4, beta_1=0.8), keras.optimizers.Adam(1e-4, beta_1=0.8),
        update="simultaneous", jit_compile=jit_compile, steps_per_execution=steps_per_execution,
    )
    return gan


def step_flops(gan, batch):
    """A lower bound on a simultaneous step's FLOPs: 3 x 2 x the multiply-adds
    of the forward passes it runs (G once, D on the real and the generated
    batch), counted over Dense and Maxout kernels only."""

    def multiply_adds(model):
        return sum(
            int(np.prod(w.shape)) for w in model.trainable_weights if len(w.shape) == 2
        )

    return 3 * 2 * batch * (multiply_adds(gan.generator) + 2 * multiply_adds(gan.discriminator))


def time_fit(gan, dataset, steps):
    """Steady-state steps/s of `fit` (its second epoch), as timing.time_fit measures."""
    return timing.time_fit(gan, dataset, steps)[0]


def bare_loop(gan):
    @tf.function
    def step(batch):
        return gan.train_step(batch)["d_loss"]

    return step


def time_loop(step, iterator, steps):
    start = time.perf_counter()
    for _ in range(steps):
        d_loss = step(next(iterator))
    d_loss.numpy()
    return steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=tuple(SHAPES), default="pacgan")
    parser.add_argument("--batch-size", type=int, default=None, help="default: 100 (pacgan), 64 (dcgan)")
    parser.add_argument("--steps", type=int, default=None, help="steps per measurement (default: 1000 / 50)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peak-gflops", type=float, default=None, help="this machine's fp32 matmul peak (GFLOP/s)")
    args = parser.parse_args()
    batch = args.batch_size or (64 if args.model == "dcgan" else 100)
    steps = args.steps or (1000 if args.model == "pacgan" else 50)
    if steps % 50:
        parser.error(f"argument --steps: expected a multiple of 50 (steps_per_execution=50), received {steps}")
    shape = SHAPES[args.model]
    low = 0 if args.model == "goodfellow2014" else -1  # the 2014 recipe's pixels are in [0, 1]
    data = np.random.default_rng(0).uniform(low, 1, (batch, *shape)).astype("float32")
    dataset = tf.data.Dataset.from_tensors(data).repeat()
    gans = {name: make_gan(args.model, **kwargs) for name, kwargs in VARIANTS.items()}
    loop_gan = make_gan(args.model)
    step, iterator = bare_loop(loop_gan), iter(dataset)
    for gan in gans.values():  # tracing and compiling
        time_fit(gan, dataset, 50)
    time_loop(step, iterator, 10)
    rates = {name: [] for name in [*VARIANTS, "bare_loop"]}
    for _ in range(args.repeats):
        for name, gan in gans.items():
            rates[name].append(time_fit(gan, dataset, steps))
        rates["bare_loop"].append(time_loop(step, iterator, steps))
    device = tf.config.list_logical_devices()[0].device_type
    flops = step_flops(loop_gan, batch)
    print(f"{args.model}, batch {batch}, {steps} steps per measurement, {args.repeats} interleaved rounds, {device}")
    print(f"FLOPs per step (lower bound, see the docstring): {flops / 1e9:.3f} GFLOP")
    print(f"{'variant':<15} {'steps/s (median)':>17} {'ratio to fit (median of rounds)':>33} {'share of peak':>14}")
    for name, values in rates.items():
        ratios = [value / base for value, base in zip(values, rates["fit"])]
        rate = statistics.median(values)
        share = f"{rate * flops / 1e9 / args.peak_gflops:.1%}" if args.peak_gflops else "-"
        print(f"{name:<15} {rate:>17.1f} {statistics.median(ratios):>33.2f} {share:>14}")


if __name__ == "__main__":
    main()
