"""Evaluate an exported conditional MNIST generator: its label fidelity.

    python -m keras_gan.evaluation runs/mnist_dcgan_conditional/generator

Prints JSON: `label_fidelity`, `per_class`, `num_samples` and the MNIST
classifier's `classifier_test_accuracy`.
"""

import argparse
import json

import tensorflow as tf

from keras_gan.evaluation.classifier import mnist_classifier
from keras_gan.evaluation.label_fidelity import label_fidelity


def main(argv=None):
    parser = argparse.ArgumentParser(description="Label fidelity of an exported conditional MNIST generator.")
    parser.add_argument("generator", help="SavedModel directory written by train.py --conditional")
    parser.add_argument("--samples-per-class", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="TFDS data directory holding MNIST")
    args = parser.parse_args(argv)
    sample = tf.saved_model.load(args.generator).signatures["sample"]
    if "labels" not in sample.structured_input_signature[1]:
        parser.error(f"{args.generator} is not a conditional generator (its `sample` takes no labels)")

    def generate(labels, seed):
        return sample(num_samples=tf.size(labels), seed=tf.constant(seed), labels=labels)["images"]

    classifier = mnist_classifier(data_dir=args.data_dir)
    result = label_fidelity(generate, classifier, 10, args.samples_per_class, args.seed)
    result["classifier_test_accuracy"] = classifier.test_accuracy
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
