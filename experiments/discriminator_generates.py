"""Can a discriminator generate? Gradient ascent on D's logit from noise, on MNIST.

    python experiments/discriminator_generates.py --epochs 3

The lecture notes (this project's starting material, "Can
Discriminator generate?") answer: in principle yes, x~ = arg max_x D(x),
but the search is hard. This script trains a DCGAN on MNIST for `--epochs`
epochs (`train.py`'s defaults: Adam 2e-4, beta_1 0.5, batch 128) or loads
one (`--gan run.keras`), then starts 1,000 images from uniform noise in
[-1, 1] and follows the gradient of D's logit with respect to the pixels
(Adam, learning rate `--step-size`, `--steps` steps, D in inference mode):

- "free": the pixels may take any value;
- "pixel range": after every step the pixels are clipped back to [-1, 1],
  the data's range (projected gradient ascent).

It reports D's mean logit before and after (and on 1,000 real test digits
and 1,000 of G's samples, for scale), the project classifier's opinion of
the results (the share it assigns to each class, its mean confidence and
the share above 90 %), and their FCD to the test set; and writes
`docs/figures/discriminator_generates.png`: rows of the starting noise, the
free and the range-constrained results, and G's samples.
"""

import argparse
import json
import os

import keras
import numpy as np
import tensorflow as tf

import keras_gan
from keras_gan.evaluation import features as feature_models
from keras_gan.evaluation import statistics
from keras_gan.evaluation.classifier import mnist_classifier


def train_gan(args):
    keras.utils.set_random_seed(args.seed)
    gan = keras_gan.GAN(
        keras_gan.architectures.dcgan_generator((28, 28, 1)),
        keras_gan.architectures.dcgan_discriminator((28, 28, 1)),
        seed=args.seed,
    )
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(keras_gan.data.load_tfds("mnist", batch_size=128, seed=args.seed, download=False, data_dir=args.data_dir),
            epochs=args.epochs, verbose=2)
    return gan


def ascend(discriminator, start, steps, step_size, clip):
    """Gradient ascent on D's mean logit with respect to the images."""
    images = tf.Variable(start)
    optimizer = keras.optimizers.Adam(step_size)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = -tf.reduce_mean(discriminator(images, training=False))
        optimizer.apply_gradients([(tape.gradient(loss, images), images)])
        if clip:
            images.assign(tf.clip_by_value(images, -1.0, 1.0))

    for _ in range(steps):
        step()
    return images.numpy()


def opinion(images, discriminator, classifier, feature_model, test_features):
    probabilities = tf.nn.softmax(classifier.predict(images, batch_size=500, verbose=0)).numpy()
    confidence = probabilities.max(axis=1)
    return {
        "d_logit_mean": float(np.mean(discriminator.predict(images, batch_size=500, verbose=0))),
        "pixel_range": [float(images.min()), float(images.max())],
        "class_shares": np.round(np.bincount(probabilities.argmax(axis=1), minlength=10) / len(images), 3).tolist(),
        "mean_confidence": float(confidence.mean()),
        "share_above_90_percent": float(np.mean(confidence > 0.9)),
        "fcd_to_test": statistics.frechet_distance(
            feature_models.features_of(np.clip(images, -1, 1), feature_model), test_features
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--gan", default=None, help="a saved keras_gan GAN (.keras) instead of training one")
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--step-size", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/discriminator_generates")
    parser.add_argument("--docs", default="docs/figures")
    parser.add_argument("--data-dir", default=os.environ.get("TFDS_DATA_DIR"))
    args = parser.parse_args()
    gan = keras.saving.load_model(args.gan) if args.gan else train_gan(args)
    os.makedirs(args.out, exist_ok=True)
    if not args.gan:
        gan.save(os.path.join(args.out, "gan.keras"))
    classifier = mnist_classifier()
    feature_model = feature_models.classifier_feature_model(classifier)
    test = keras_gan.data.images_of("mnist", "test", 10000, data_dir=args.data_dir)
    test_features = feature_models.features_of(test, feature_model)
    start = np.random.default_rng(args.seed).uniform(-1, 1, (1000, 28, 28, 1)).astype(np.float32)
    results = {
        "noise": start,
        "free": ascend(gan.discriminator, start, args.steps, args.step_size, clip=False),
        "pixel range": ascend(gan.discriminator, start, args.steps, args.step_size, clip=True),
        "real test digits": test[:1000],
        "generator samples": gan.generate(1000, seed=args.seed).numpy(),
    }
    report = {"steps": args.steps, "step_size": args.step_size, "epochs": args.epochs,
              "results": {name: opinion(images, gan.discriminator, classifier, feature_model, test_features)
                          for name, images in results.items()}}
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    rows = ["noise", "free", "pixel range", "generator samples"]
    grid = np.concatenate([np.clip(results[name][:10], -1, 1) for name in rows])
    os.makedirs(args.docs, exist_ok=True)
    keras_gan.plotting.save_image_grid(grid, os.path.join(args.docs, "discriminator_generates.png"), num_rows=4,
                                       row_labels=rows)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
