"""How much `fcd10k_test` depends on which MNIST classifier computes it.

    python experiments/fcd_classifier_spread.py [--data-dir DIR] [--retrain 2] [--out docs/run_records/fcd_classifier_spread.json]

A classifier trained on each machine (unseeded initial weights) would
score runs on different machines with different networks; keras_gan
ships one (`keras_gan.evaluation.classifier.mnist_classifier`). This scores the
same samples (10,000 of each exported generator in
`docs/reference_generators/mnist_*`, and 10,000 real training images,
`train[500:10500]`) against the 10,000 test images with the shipped
classifier and with `--retrain` freshly trained ones, and writes the
distances, one dict per classifier.
"""

import argparse
import glob
import json
import os

import tensorflow as tf

from keras_gan import data
from keras_gan.evaluation import classifier
from keras_gan.evaluation import features
from keras_gan.evaluation import statistics
from keras_gan.evaluation.__main__ import draw


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=None, help="TFDS data directory holding MNIST")
    parser.add_argument("--retrain", type=int, default=2, help="freshly trained classifiers beside the shipped one")
    parser.add_argument("--out", default="docs/run_records/fcd_classifier_spread.json")
    args = parser.parse_args(argv)
    models = {"shipped": classifier.mnist_classifier()}
    for seed in range(1, args.retrain + 1):
        model, accuracy = classifier.train_mnist_classifier(args.data_dir, seed=seed)
        print(f"classifier {seed}: test accuracy {accuracy:.4f}", flush=True)
        models[f"retrained_{seed}"] = model
    test = data.images_of("mnist", "test", 10_000, args.data_dir)
    sets = {"real train[500:10500]": data.images_of("mnist", "train[500:10500]", 10_000, args.data_dir)}
    for export in sorted(glob.glob("docs/reference_generators/mnist_*")):
        sample = tf.saved_model.load(export).signatures["sample"]
        sets[os.path.basename(export)] = draw(sample, 10_000, seed=0, num_classes=None)
    result = {}
    for name, model in models.items():
        feature_model = features.classifier_feature_model(model)
        reference = features.features_of(test, feature_model)
        result[name] = {key: statistics.frechet_distance(features.features_of(images, feature_model), reference)
                        for key, images in sets.items()}
        print(name, json.dumps({key: round(value, 2) for key, value in result[name].items()}), flush=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
