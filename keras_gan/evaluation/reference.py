"""Reference statistics for Frechet distances and KID, computed once and cached.

A Frechet distance compares the generator's features with a reference set's.
The reference side (its mean, covariance and features) depends only on the
protocol: the dataset, the split, the feature network (for the MNIST
classifier, its weights' digest), the resize mode and the image count.
`reference_statistics` computes it once per protocol and caches it as an
`.npz` under `$KERAS_HOME/keras_gan/reference_statistics` (else
`~/.keras/...`); every later evaluation with the same protocol reads the
file. A different protocol gets a different file.

Feature networks (`FEATURE_NETWORKS`):
- "classifier": the last hidden layer of the MNIST classifier shipped with
  keras_gan (128 features; 28x28x1 images only): the Frechet classifier
  distance (FCD);
- "fid_inception": the FID Inception-v3 (`fid_inception`, 2048 features,
  needs its converted weights file): FID, comparable with published FIDs
  at the same sample count, reference split and resize mode;
- "inception_imagenet": `keras.applications.InceptionV3` ImageNet weights
  (Keras downloads them once when asked): a Frechet distance that is NOT
  the standard FID; kept for comparison under its own name.

Build a cache from the command line:

    python -m keras_gan.evaluation.reference --dataset mnist --split test --features classifier --count 10000
    python -m keras_gan.evaluation.reference --dataset path/to/images --features fid_inception \
        --fid-weights fid_inception.weights.h5 --count 50000
"""

import argparse
import hashlib
import json
import os
import re

import numpy as np

from keras_gan.evaluation import classifier
from keras_gan.evaluation import statistics
from keras_gan.validation import check_positive_int

FEATURE_NETWORKS = ("classifier", "fid_inception", "inception_imagenet")
# Metric names per feature network: (Frechet distance, KID), as in
# StyleGAN2-ADA's registry (`fid50k_full`): the name says the protocol.
METRIC_PREFIXES = {
    "classifier": ("fcd", "kcd"),
    "fid_inception": ("fid", "kid"),
    "inception_imagenet": ("fd_imagenet", "kd_imagenet"),
}


def check_feature_network(name):
    if name not in FEATURE_NETWORKS:
        raise ValueError(
            f"Invalid value for argument `features`. Expected one of {FEATURE_NETWORKS}. Received: features={name!r}"
        )
    return name


def _count_name(count):
    """10000 -> "10k", 50000 -> "50k", 2500 -> "2.5k", 500 -> "500"."""
    if count >= 1000:
        return f"{count / 1000:g}k"
    return str(count)


def metric_names(features, num_samples, split, resize="legacy_tf", dataset="mnist"):
    """(Frechet name, KID name) encoding the protocol, e.g.
    ("fcd10k_test", "kcd10k_test"), ("fid50k_train_clean", ...)."""
    frechet, kid = METRIC_PREFIXES[features]
    where = "folder" if os.path.isdir(dataset) else split.replace("[", "_").replace(":", "_").rstrip("]")
    suffix = f"{_count_name(num_samples)}_{where}"
    if features == "fid_inception" and resize != "legacy_tf":
        suffix += f"_{resize}"
    return f"{frechet}{suffix}", f"{kid}{suffix}"


def feature_model(name, fid_weights=None, resize="legacy_tf"):
    """The feature network `name` as a callable from images in [-1, 1] to
    float `(batch, d)`, with its dimension d as `.dimension`.

    Raises:
        ValueError: for an unknown `name` or resize mode, or "fid_inception"
            without `fid_weights`.
        FileNotFoundError: if `fid_weights` is not a file.
    """
    check_feature_network(name)
    if name == "classifier":
        from keras_gan.evaluation.features import classifier_feature_model

        model = classifier_feature_model(classifier.mnist_classifier())
        model.dimension = int(model.outputs[0].shape[-1])
        return model
    if name == "fid_inception":
        from keras_gan.evaluation import fid_inception

        return fid_inception.FIDFeatures(fid_inception.check_weights_file(fid_weights, "fid_weights"), resize=resize)
    from keras_gan.evaluation.features import inception_feature_model

    model = inception_feature_model()
    model.dimension = 2048
    return model


def protocol_name(dataset, split, features, resize, count):
    """A file-name-safe key of the protocol; an image folder is named by
    its base name and a hash of its absolute path, the classifier by the
    first 12 hex digits of its weights' SHA-256 (new weights, new files)."""
    if os.path.isdir(dataset):
        path = os.path.abspath(dataset)
        dataset = f"{os.path.basename(path.rstrip(os.sep))}-{hashlib.sha1(path.encode()).hexdigest()[:8]}"
        split = "folder"
    if features == "classifier":
        features = f"classifier.{classifier.shipped_report()['sha256'][:12]}"
    resize = resize if features == "fid_inception" else "none"
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", f"{dataset}-{split}-{features}-{resize}-{count}")


def default_cache_dir():
    """`$KERAS_HOME/keras_gan`, else `~/.keras/keras_gan` (Keras's own rule)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "keras_gan")


def cache_directory(cache_dir=None):
    return os.path.join(cache_dir or default_cache_dir(), "reference_statistics")


def reference_images(dataset, split, count, image_size=None, data_dir=None):
    """The first `count` images of a TFDS split, or up to `count` of an
    image folder (all, when it holds fewer; in sorted path order), float32
    `(n, h, w, c)` in [-1, 1].

    Raises:
        ValueError: if a TFDS split holds fewer than `count` images.
    """
    from keras_gan import data

    if os.path.isdir(dataset):
        # One image per batch: no remainder dropped.
        single = data.load_image_folder(dataset, image_size=image_size, batch_size=1, shuffle=False)
        images = np.concatenate([batch.numpy() for batch in single.unbatch().batch(1000)])
        return images[:count]
    else:
        images = data.images_of(dataset, split, count, data_dir=data_dir)
    if len(images) < count:
        raise ValueError(
            f"Invalid value for argument `count`. Expected at most the {len(images)} images of {dataset} "
            f"({split}). Received: count={count}"
        )
    return images[:count]


def reference_statistics(
    dataset="mnist",
    split="test",
    features="classifier",
    count=10000,
    resize="legacy_tf",
    fid_weights=None,
    image_size=None,
    data_dir=None,
    cache_dir=None,
    model=None,
):
    """The reference side of a Frechet distance and KID, from the cache or computed and cached.

    Args:
        dataset: a TFDS name (prepared in `data_dir`; never downloaded) or an
            image folder.
        split: TFDS split (ignored for a folder), e.g. "test", "train".
        features: one of `FEATURE_NETWORKS`.
        count: int >= 2, images of the reference (the first `count`; of a
            folder, up to `count`).
        resize: the FID resize mode (`fid_inception.RESIZE_MODES`), part
            of the protocol for "fid_inception" only.
        fid_weights: the converted FID Inception weights, for
            "fid_inception".
        image_size: `(height, width)` to resize a folder's images to.
        data_dir: TFDS data directory.
        cache_dir: default `$KERAS_HOME/keras_gan` (or `~/.keras/keras_gan`).
        model: the feature callable, if already built (else built here).

    Returns:
        dict: `mean` float64 `(d,)`, `covariance` float64 `(d, d)`, `count`,
        `features` float32 `(count, d)` (for KID), `protocol` (a dict of the
        above arguments; for "classifier" also `classifier_sha256`, the
        weights' digest), `path` (the cache file), `computed` (False when
        read from the cache).

    Raises:
        ValueError: for an unknown feature network or resize mode, a bad
            count, or too few images.
        FileNotFoundError: for missing FID weights or an unprepared dataset.
    """
    check_feature_network(features)
    count = check_positive_int("count", count, minimum=2)
    name = protocol_name(dataset, split, features, resize, count)
    path = os.path.join(cache_directory(cache_dir), f"{name}.npz")
    protocol = {"dataset": dataset, "split": split, "features": features, "count": count,
                "resize": resize if features == "fid_inception" else None}
    if features == "classifier":  # which weights: the records say what measured them
        protocol["classifier_sha256"] = classifier.shipped_report()["sha256"]
    if os.path.exists(path):
        with np.load(path) as stored:
            stats = {key: stored[key] for key in ("mean", "covariance", "features")}
            stats["count"] = int(stored["count"])
        return {**stats, "protocol": protocol, "path": path, "computed": False}
    if model is None:
        model = feature_model(features, fid_weights, resize)
    from keras_gan.evaluation.features import features_of

    values = features_of(reference_images(dataset, split, count, image_size, data_dir), model)
    mean, covariance = statistics.mean_and_covariance(values)
    # A folder may hold fewer images than asked.
    stats = {"mean": mean, "covariance": covariance, "count": len(values), "features": values.astype(np.float32)}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # Written whole, then renamed: never half a file. The name is this
    # process's: workers of one machine (multi-worker training, pytest-xdist)
    # may compute the same reference at once; each renames its own copy.
    partial = f"{path}.{os.getpid()}.partial.npz"
    np.savez(partial, **stats, protocol=json.dumps(protocol))
    os.replace(partial, path)
    return {**stats, "protocol": protocol, "path": path, "computed": True}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default="mnist", help="TFDS name or image folder (default: mnist)")
    parser.add_argument("--split", default="test")
    parser.add_argument("--features", choices=FEATURE_NETWORKS, default="classifier")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--resize", default="legacy_tf", help="FID resize mode: legacy_tf, pytorch_fid or clean")
    parser.add_argument("--fid-weights", default=None, help="converted FID Inception weights (.weights.h5)")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    result = reference_statistics(args.dataset, args.split, args.features, args.count, args.resize,
                                  args.fid_weights, data_dir=args.data_dir)
    print(f"{'Computed' if result['computed'] else 'Found'} {result['path']}")


if __name__ == "__main__":
    main()
