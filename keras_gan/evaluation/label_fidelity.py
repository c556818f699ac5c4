"""Label fidelity: does a conditional generator draw the class asked for?

    python -m keras_gan.evaluation.label_fidelity runs/mnist_dcgan_conditional/generator
"""

import argparse
import json

import numpy as np
import tensorflow as tf

from keras_gan.validation import check_positive_int


def label_fidelity(generate, classifier, num_classes, samples_per_class=100, seed=0, batch_size=500):
    """The fraction of generated samples classified as the label requested.

        fidelity = 1/N sum_i [argmax classifier(G(z_i, y_i)) = y_i],

    with `samples_per_class` samples of every class 0 .. num_classes - 1.
    A generator that ignores its labels scores about 1 / num_classes; one
    that draws exactly the right class scores the classifier's accuracy on
    real images of those classes. It measures conditioning, not quality.

    Args:
        generate: callable `(labels, seed) -> images`, labels int32 `(n,)`,
            images float `(n, height, width, channels)` in [-1, 1]; e.g.
            `lambda labels, seed: gan.generate(len(labels), labels=labels,
            seed=seed)`.
        classifier: a `keras.Model` from such images to class logits or
            probabilities `(n, num_classes)`, e.g. `mnist_classifier()`.
        num_classes: int >= 2.
        samples_per_class: int >= 1.
        seed: int, seed of the first batch of noise (batch b uses seed + b).
        batch_size: int >= 1, samples per generate call.

    Returns:
        dict: `label_fidelity`, float in [0, 1]; `per_class`, list of
        num_classes floats; `num_samples`, int.

    Reference:
        The class-accuracy measure of conditional generation, e.g. Odena et
        al. 2017 (AC-GAN), section 4.
    """
    samples_per_class = check_positive_int("samples_per_class", samples_per_class)
    batch_size = check_positive_int("batch_size", batch_size)
    labels = np.repeat(np.arange(num_classes, dtype=np.int32), samples_per_class)
    correct = np.zeros(len(labels), bool)
    for batch, start in enumerate(range(0, len(labels), batch_size)):
        wanted = labels[start : start + batch_size]
        images = generate(tf.constant(wanted), seed + batch)
        predicted = np.argmax(classifier.predict_on_batch(images), axis=-1)
        correct[start : start + batch_size] = predicted == wanted
    per_class = correct.reshape(num_classes, samples_per_class).mean(axis=1)
    return {
        "label_fidelity": float(correct.mean()),
        "per_class": [float(v) for v in per_class],
        "num_samples": int(len(labels)),
    }


def main(argv=None):
    from keras_gan.evaluation.classifier import mnist_classifier

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
