"""The step of PacGAN's Stacked MNIST networks: seconds per step, DCGAN and PacDCGAN2.

One step is one D update and two G updates at batch 64 (the recipes
`pacgan_dcgan` and `pacgan_pacdcgan2`). Both models train in turns on
random images, `--repeats` rounds of `--steps` steps after a warm-up; the
medians are reported with their ratio, and the hours the paper's 100,000
steps would take. Run it with the setting under test, e.g. oneDNN on or
off (read by TensorFlow when it starts):

    TF_ENABLE_ONEDNN_OPTS=1 taskset -c 0 python benchmarks/stacked_mnist_step.py
    TF_ENABLE_ONEDNN_OPTS=0 taskset -c 0 python benchmarks/stacked_mnist_step.py --steps 5
"""

import argparse
import os
import statistics
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gan
from keras_gan.run import recipes

PAPER_STEPS = 100_000


def make_gan(recipe):
    settings = recipes.RECIPES[recipe].settings
    pack = settings.get("pack", 1)
    gan = keras_gan.GAN(
        keras_gan.architectures.pacgan_dcgan_generator(),
        keras_gan.architectures.pacgan_dcgan_discriminator(keras_gan.packing.packed_shape((28, 28, 3), pack)),
        pack=pack, latent_prior=settings["latent_prior"], seed=0,
    )
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_steps=settings["g_steps"])
    return gan


def seconds_per_step(gan, dataset, steps):
    start = time.perf_counter()
    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    return (time.perf_counter() - start) / steps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    models = {recipe: make_gan(recipe) for recipe in ("pacgan_dcgan", "pacgan_pacdcgan2")}
    data = {recipe: tf.data.Dataset.from_tensors(np.random.default_rng(0).uniform(
        -1, 1, (64 * gan.pack, 28, 28, 3)).astype(np.float32)).repeat() for recipe, gan in models.items()}
    for recipe, gan in models.items():
        seconds_per_step(gan, data[recipe], 3)  # tracing
    times = {recipe: [] for recipe in models}
    for _ in range(args.repeats):
        for recipe, gan in models.items():
            times[recipe].append(seconds_per_step(gan, data[recipe], args.steps))
    print(f"TF {tf.__version__}  Keras {keras.__version__}  cores: {os.cpu_count()}  "
          f"TF_ENABLE_ONEDNN_OPTS={os.environ.get('TF_ENABLE_ONEDNN_OPTS', '(unset)')}")
    for recipe, values in times.items():
        seconds = statistics.median(values)
        print(f"{recipe:17} {seconds:6.2f} s/step   {PAPER_STEPS} steps: {seconds * PAPER_STEPS / 3600:5.1f} h")
    ratio = statistics.median(p / d for p, d in zip(times["pacgan_pacdcgan2"], times["pacgan_dcgan"]))
    print(f"pacdcgan2 / dcgan, median of rounds: {ratio:.2f}")


if __name__ == "__main__":
    main()
