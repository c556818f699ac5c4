"""Evaluate a run directory or an exported generator; write metrics.json.

    python -m keras_gan.evaluation runs/mnist_dcgan              # a train.py run directory
    python -m keras_gan.evaluation runs/mnist_dcgan/generator    # or its SavedModel
    python -m keras_gan.evaluation runs/mnist_dcgan --num-samples 2000 --skip parzen two_sample

Draws `--num-samples` images from the export's `sample` signature (for a
conditional generator, the classes in turn) and writes `metrics.json` in the
run directory (for a run, or a run's `generator/`), or else inside the
exported generator's own directory, with the metrics that apply:

- MNIST-shaped images (28x28x1), against MNIST's 10,000 test images, in the
  features of the project's MNIST classifier (its last hidden layer):
  `frechet_classifier_distance`, `kid` (mean and std), `classifier_score`
  (mean and std over 10 splits), `precision` and `recall` (k = 3), the
  classifier two-sample test (`two_sample`), the 2014 Parzen-window
  log-likelihood (`parzen`), and for a conditional generator
  `label_fidelity` (`--samples-per-class` of every class);
- other images: FID (e.g. `fid10k_test`, the FID network of every
  published FID) when `--fid-weights` gives its converted weights (there is
  no download here), else none.
"""

import argparse
import json
import os
import sys

import numpy as np
import tensorflow as tf

from keras_gan import data
from keras_gan.evaluation import features
from keras_gan.evaluation import fid_inception
from keras_gan.evaluation import parzen
from keras_gan.evaluation import reference
from keras_gan.evaluation import scores
from keras_gan.evaluation import statistics
from keras_gan.evaluation import two_sample
from keras_gan.evaluation.classifier import mnist_classifier
from keras_gan.evaluation.label_fidelity import label_fidelity

METRICS = ("frechet_classifier_distance", "kid", "classifier_score", "precision_recall", "two_sample", "parzen")


def generator_directory(path):
    """The SavedModel directory of `path`, a run directory or the export itself."""
    for candidate in (os.path.join(path, "generator"), path):
        if os.path.exists(os.path.join(candidate, "saved_model.pb")):
            return candidate
    raise ValueError(
        "Invalid value for argument `path`. Expected a train.py run directory "
        "(holding generator/) or an exported generator (holding saved_model.pb). "
        f"Received: path={path!r}"
    )


def default_output(directory):
    """Where metrics.json goes by default for the SavedModel `directory` (as
    `generator_directory` found it): the run directory when it is a run's
    `generator/`, else inside the export itself, so that exports kept side by
    side (docs/reference_generators/*) each keep their own."""
    directory = os.path.abspath(directory)
    if os.path.basename(directory) == "generator":
        return os.path.join(os.path.dirname(directory), "metrics.json")
    return os.path.join(directory, "metrics.json")


# `draw` gives batch b of seed s the stateless seed s * MAX_BATCHES + b: one
# int32 for every (seed, batch) pair in range, no two pairs alike, so two
# seeds never share a batch, and seed 0 draws what it always drew (0, 1, ...).
MAX_BATCHES = 2048
MAX_SEED = (2**31 - 1) // MAX_BATCHES  # 1,048,575


def batch_seeds(seed, num_samples, batch_size=500):
    """The stateless seed of each batch of `draw(..., num_samples, seed)`:
    `seed * MAX_BATCHES + b` for batch b = 0, 1, ... (ints in [0, 2**31)).

    Raises ValueError, naming the argument, unless 0 <= seed <= MAX_SEED
    (1,048,575) and num_samples <= MAX_BATCHES * batch_size (1,024,000 at
    500 a batch)."""
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(
            f"Invalid value for argument `seed`. Expected an integer in [0, {MAX_SEED}]. Received: seed={seed}"
        )
    if not 0 < num_samples <= MAX_BATCHES * batch_size:
        raise ValueError(
            "Invalid value for argument `num_samples`. Expected an integer in "
            f"[1, {MAX_BATCHES * batch_size}]. Received: num_samples={num_samples}"
        )
    return [seed * MAX_BATCHES + batch for batch in range(-(-num_samples // batch_size))]


def draw(sample, num_samples, seed, num_classes, batch_size=500):
    """`num_samples` images from the export's `sample` signature, in batches
    of `batch_size` with the stateless seeds of `batch_seeds` (disjoint for
    different seeds); a conditional generator draws the classes in turn
    (sample i has class i % num_classes). Returns the images as one numpy
    array (num_samples, height, width, channels). Raises ValueError as
    `batch_seeds` does."""
    images = []
    for batch, batch_seed in enumerate(batch_seeds(seed, num_samples, batch_size)):
        start = batch * batch_size
        count = min(batch_size, num_samples - start)
        arguments = {"num_samples": tf.constant(count), "seed": tf.constant(batch_seed)}
        if num_classes:
            arguments["labels"] = tf.constant((np.arange(start, start + count) % num_classes).astype(np.int32))
        images.append(sample(**arguments)["images"].numpy())
    return np.concatenate(images)


def mnist_metrics(sample, fake, num_classes, args, skip):
    real = data.images_of("mnist", "test", 10_000, args.data_dir)
    classifier = mnist_classifier()
    extractor = features.classifier_feature_model(classifier)
    real_features, fake_features = features.features_of(real, extractor), features.features_of(fake, extractor)
    result = {"classifier_test_accuracy": classifier.test_accuracy}
    if "frechet_classifier_distance" not in skip:
        result["frechet_classifier_distance"] = statistics.frechet_distance(real_features, fake_features)
    if "kid" not in skip:
        result["kid"] = dict(zip(("mean", "std"), statistics.kernel_distance(real_features, fake_features)))
    if "classifier_score" not in skip:
        probabilities = tf.nn.softmax(classifier.predict(fake, batch_size=1000, verbose=0)).numpy()
        result["classifier_score"] = dict(zip(("mean", "std"), scores.classifier_score(probabilities)))
    if "precision_recall" not in skip:
        result.update(scores.precision_recall(real_features, fake_features))
    if "two_sample" not in skip:
        count = min(len(real_features), len(fake_features))
        result["two_sample"] = two_sample.classifier_two_sample_test(
            real_features[:count], fake_features[:count], seed=args.seed
        )
    if "parzen" not in skip:
        validation = data.images_of("mnist", "train[50000:51000]", 1_000, args.data_dir)
        points = (parzen.unit_pixels(images) for images in (fake, validation, real))
        result["parzen"] = parzen.parzen_evaluation(*points)
    if num_classes:
        def generate(labels, seed):
            return sample(num_samples=tf.size(labels), seed=tf.constant(seed), labels=labels)["images"]

        result["label_fidelity"] = label_fidelity(
            generate, classifier, num_classes, args.samples_per_class, seed=args.seed
        )
    return result


def fid(directory, fake, args):
    """FID (the FID network, `--fid-weights`) against the run's dataset's test
    split, as many reference images as samples: {name: value, "fid_protocol": ...}."""
    config = os.path.join(os.path.dirname(os.path.abspath(directory)), "config.json")
    if not os.path.exists(config):
        sys.exit(f"error: FID needs the run's config.json (its dataset) beside {directory}")
    with open(config) as f:
        dataset = json.load(f)["dataset"]
    model = fid_inception.FIDFeatures(args.fid_weights, resize=args.fid_resize)
    stats = reference.reference_statistics(dataset, "test", "fid_inception", len(fake), args.fid_resize,
                                           args.fid_weights, data_dir=args.data_dir, model=model)
    mean, covariance = statistics.mean_and_covariance(features.features_of(fake, model))
    name, _ = reference.metric_names("fid_inception", len(fake), "test", args.fid_resize, dataset)
    value = statistics.frechet_distance_from_statistics(mean, covariance, stats["mean"], stats["covariance"])
    return {name: value, "fid_protocol": stats["protocol"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="a train.py run directory, or an exported generator")
    parser.add_argument("--num-samples", type=int, default=10_000, help="generated samples (default: 10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--samples-per-class", type=int, default=1000,
                        help="conditional generators: samples per class for label fidelity (default: 1000)")
    parser.add_argument("--data-dir", default=None, help="TFDS data directory holding MNIST")
    parser.add_argument("--skip", nargs="*", choices=METRICS, default=[], help="metrics not to compute")
    parser.add_argument("--fid-weights", default=None,
                        help="the FID Inception weights converted by python -m keras_gan.evaluation.fid_inception")
    parser.add_argument("--fid-resize", choices=fid_inception.RESIZE_MODES, default="legacy_tf",
                        help="FID's resize to 299x299 (default: legacy_tf)")
    parser.add_argument("--output", default=None,
                        help="default: metrics.json in the run directory, or inside a standalone export")
    args = parser.parse_args(argv)
    try:
        batch_seeds(args.seed, args.num_samples)
        directory = generator_directory(args.path)
    except ValueError as error:
        sys.exit(f"error: {error}")
    try:
        sample = tf.saved_model.load(directory).signatures["sample"]
    except Exception as error:  # TF raises several types for a damaged SavedModel
        sys.exit(f"error: {directory} is not a readable exported generator (damaged or incomplete): "
                 f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
    inputs = sample.structured_input_signature[1]
    image_shape = tuple(sample.structured_outputs["images"].shape[1:])
    mnist = image_shape == (28, 28, 1)
    if "labels" in inputs and not mnist:
        sys.exit("error: conditional generators are evaluated on MNIST only (their classes are MNIST's 10)")
    num_classes = 10 if "labels" in inputs else None
    fake = draw(sample, args.num_samples, args.seed, num_classes)
    result = {"generator": os.path.abspath(directory), "num_samples": args.num_samples, "seed": args.seed}
    if mnist:
        result.update(mnist_metrics(sample, fake, num_classes, args, set(args.skip)))
    elif args.fid_weights:
        result.update(fid(directory, fake, args))
    output = args.output or default_output(directory)
    with open(f"{output}.partial", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    os.replace(f"{output}.partial", output)
    print(json.dumps(result, indent=2))
    print(f"Wrote {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
