"""Little data: how close each limited-data generator is to replaying its training images.

    python experiments/limited_data_memorisation.py ROOT [--count 500] [--data-dir DIR]

D's logit gap (`limited_data_report.py`) says whether D memorises its
training images; this says whether G does, and what a Frechet distance
can tell on so few images. For every run directory in ROOT with a `best/`
export (the generator of its lowest `fcd10k_test`), and for two
references:

- `fcd10k_test`: 10,000 of its samples against the first 10,000 test
  images, in the MNIST classifier's features (the training runs' metric);
- `nn_ratio_median`: for 1,000 samples, the pixel-space L2 distance to the
  nearest of the `count` training images (`train[:count]`) divided by that
  to the nearest of `count` real images the run never saw
  (`test[:count]`), its median, and `nn_closer_to_train`, the share of
  samples below 1. Real unseen images (`train[count:count + 1000]`) give
  the reference: about 1 and 50 %. A generator that copies its training
  images gives 0 and 100 %.

The references: `replay` is the generator that draws its 10,000 samples
uniformly from the `count` training images (each about 10,000 / count
times), the exact copier; `real` is 10,000 other training images
(`train[count:count + 10000]`), the best any generator can do.

Writes ROOT/memorisation.json.
"""

import argparse
import json
import os

import numpy as np
import tensorflow as tf

from keras_gan import data
from keras_gan.evaluation import features
from keras_gan.evaluation import reference
from keras_gan.evaluation import statistics
from keras_gan.evaluation.__main__ import draw

NUM_SAMPLES = 10_000
NEAREST = 1_000


def nearest_distances(images, references, batch_size=500):
    """`(n,)` L2 distance from each of `images` to its nearest of `references`, both `(n, 28, 28, 1)`."""
    flat = references.reshape(len(references), -1).astype(np.float64)
    norms = (flat**2).sum(axis=1)
    out = []
    for start in range(0, len(images), batch_size):
        batch = images[start : start + batch_size].reshape(-1, flat.shape[1]).astype(np.float64)
        squared = (batch**2).sum(axis=1)[:, None] - 2 * batch @ flat.T + norms[None, :]
        out.append(np.sqrt(np.clip(squared.min(axis=1), 0, None)))
    return np.concatenate(out)


def measure(images, train, held_out, model, test_stats):
    mean, covariance = statistics.mean_and_covariance(features.features_of(images, model))
    fcd = statistics.frechet_distance_from_statistics(mean, covariance, test_stats["mean"], test_stats["covariance"])
    probe = images[:NEAREST]
    ratio = nearest_distances(probe, train) / nearest_distances(probe, held_out)
    return {"fcd10k_test": fcd, "nn_ratio_median": float(np.median(ratio)),
            "nn_closer_to_train": float((ratio < 1).mean())}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", help="the directory of the limited-data run directories")
    parser.add_argument("--count", type=int, default=500, help="training images of the runs: train[:count]")
    parser.add_argument("--data-dir", default=None, help="TFDS data directory holding MNIST")
    args = parser.parse_args(argv)
    count = args.count
    train = data.images_of("mnist", f"train[:{count}]", count, args.data_dir)
    held_out = data.images_of("mnist", "test", count, args.data_dir)
    others = data.images_of("mnist", f"train[{count}:{count + NUM_SAMPLES}]", NUM_SAMPLES, args.data_dir)
    model = reference.feature_model("classifier")
    test_stats = reference.reference_statistics("mnist", "test", "classifier", NUM_SAMPLES, data_dir=args.data_dir,
                                                model=model)
    replay = train[np.random.default_rng(0).integers(0, count, NUM_SAMPLES)]
    result = {"count": count,
              "replay": measure(replay, train, held_out, model, test_stats),
              "real": measure(others, train, held_out, model, test_stats)}
    for name in sorted(os.listdir(args.root)):
        export = os.path.join(args.root, name, "best")
        if not os.path.exists(os.path.join(export, "saved_model.pb")):
            continue
        images = draw(tf.saved_model.load(export).signatures["sample"], NUM_SAMPLES, seed=0, num_classes=None)
        with open(os.path.join(args.root, name, "best.json")) as f:
            best = json.load(f)
        result[name] = {"step": best["step"], **measure(images, train, held_out, model, test_stats)}
    with open(os.path.join(args.root, "memorisation.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
