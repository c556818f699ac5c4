"""The project's MNIST classifier, FCD's feature network: fixed weights shipped with keras_gan.

The Frechet classifier distance (`fcd10k_test`) is only one metric if every
machine computes it with the same network, as FID uses one Inception graph.
Classifiers trained separately, unseeded, score the same samples up to
about 20 % apart (`experiments/fcd_classifier_spread.py`), so the weights
are part of the package (`mnist_classifier.weights.h5`, with its SHA-256 and test accuracy
in `mnist_classifier.json`), and `train_mnist_classifier` only makes new
ones: `python -m keras_gan.evaluation.classifier --out DIR`.
"""

import argparse
import hashlib
import json
import os

import keras

MIN_TEST_ACCURACY = 0.99
WEIGHTS = os.path.join(os.path.dirname(__file__), "mnist_classifier.weights.h5")
REPORT = os.path.join(os.path.dirname(__file__), "mnist_classifier.json")


def build_mnist_classifier():
    """A small CNN from images `(batch, 28, 28, 1)` in [-1, 1] to 10 logits.

    Two blocks of two 3x3 convolutions with batch normalization and 2x2
    max pooling (16 then 32 channels), a dense layer of 128 and dropout.
    """
    layers = [keras.Input((28, 28, 1))]
    for channels in (16, 32):
        for _ in range(2):
            layers += [
                keras.layers.Conv2D(channels, 3, padding="same", use_bias=False),
                keras.layers.BatchNormalization(),
                keras.layers.ReLU(),
            ]
        layers.append(keras.layers.MaxPooling2D())
    layers += [
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(10, name="logits"),
    ]
    return keras.Sequential(layers, name="mnist_classifier")


def train_mnist_classifier(data_dir=None, epochs=4, seed=0):
    """Trains `build_mnist_classifier` on MNIST's train split: Adam with a
    cosine decay of the learning rate from 1e-3 to 0, batches of 128.

    `seed` orders the data only: the initial weights and the dropout masks
    are not seeded, so two calls give two different classifiers.

    Returns:
        (model, test_accuracy), the accuracy on the 10,000 test images.
    """
    from keras_gan import data

    def split(name, batch_size, shuffle):
        return data.load_tfds(
            "mnist", split=name, batch_size=batch_size, shuffle=shuffle, seed=seed,
            data_dir=data_dir, download=False, label_key="label",
        )

    train = split("train", 128, True)
    model = build_mnist_classifier()
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, epochs * int(train.cardinality()))
    model.compile(
        keras.optimizers.Adam(schedule),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(train, epochs=epochs, verbose=0)
    _, accuracy = model.evaluate(split("test", 250, False), verbose=0)
    return model, float(accuracy)


def sha256_of(path):
    """The SHA-256 of a file, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shipped_report():
    """The shipped classifier's record: `test_accuracy` (float, on MNIST's
    10,000 test images), `sha256` (of `WEIGHTS`) and `provenance`."""
    with open(REPORT) as f:
        return json.load(f)


def mnist_classifier():
    """The MNIST classifier behind FCD, with the weights shipped in keras_gan.

    Needs neither MNIST nor training: every machine gets the same network,
    so `fcd10k_test` is one metric everywhere.

    Returns:
        A `keras.Model` from images, float32 `(batch, 28, 28, 1)` in [-1, 1],
        to logits `(batch, 10)`. Its `test_accuracy` attribute holds the
        accuracy on MNIST's 10,000 test images (0.993) and its `sha256`
        attribute the weights file's digest.
    """
    report = shipped_report()
    model = build_mnist_classifier()
    model.load_weights(WEIGHTS)
    model.test_accuracy = report["test_accuracy"]
    model.sha256 = report["sha256"]
    return model


def save_classifier(model, accuracy, directory, provenance):
    """Writes `model`'s weights (without optimizer state) and its record to
    `directory`, under the shipped files' names.

    Raises:
        ValueError: if `accuracy` is below 99 % (nothing is written then).
    """
    if accuracy < MIN_TEST_ACCURACY:
        raise ValueError(
            f"Invalid value for argument `accuracy`. Expected a test accuracy of at least {MIN_TEST_ACCURACY}. "
            f"Received: accuracy={accuracy:.4f}"
        )
    os.makedirs(directory, exist_ok=True)
    # A fresh copy: a compiled model would save its optimizer's variables too.
    weights_only = build_mnist_classifier()
    weights_only.set_weights(model.get_weights())
    weights = os.path.join(directory, os.path.basename(WEIGHTS))
    weights_only.save_weights(weights)
    with open(os.path.join(directory, os.path.basename(REPORT)), "w") as f:
        json.dump({"test_accuracy": accuracy, "sha256": sha256_of(weights), "provenance": provenance}, f, indent=1)
        f.write("\n")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Train a new MNIST classifier (about 2 minutes on two CPU cores) and write its weights "
        "and record to --out. The shipped one is replaced only by copying them into keras_gan/evaluation: "
        "every FCD measured before is then no longer comparable."
    )
    parser.add_argument("--out", required=True, help="directory for mnist_classifier.weights.h5 and .json")
    parser.add_argument("--data-dir", default=None, help="TFDS data directory holding MNIST")
    parser.add_argument("--seed", type=int, default=0, help="data order (default: 0)")
    args = parser.parse_args(argv)
    model, accuracy = train_mnist_classifier(args.data_dir, seed=args.seed)
    save_classifier(model, accuracy, args.out, f"train_mnist_classifier(epochs=4, seed={args.seed})")
    print(f"test accuracy {accuracy:.4f}; written to {args.out}")


if __name__ == "__main__":
    main()
