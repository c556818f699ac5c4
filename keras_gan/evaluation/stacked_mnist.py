"""Mode collapse on Stacked MNIST: modes captured (of 1,000) and KL to uniform.

Each channel of a generated `(28, 28, 3)` sample is classified by the
MNIST classifier shipped with keras_gan (`mnist_classifier`, 99.3 % on
MNIST's test digits); the three classes (R, G, B) name the sample's mode,
100 d_R + 10 d_G + d_B. Over 26,000 samples (PacGAN's count) the metrics
are those of PacGAN's `log_metrics`:

- `modes`: how many of the 1,000 modes hold at least one sample;
- `kl`: KL(p || q) in nats, p the samples' histogram over modes, q the
  uniform 1/1,000; bins with p = 0 contribute nothing (their `JSD.KLD`).
  0 when every mode holds the same share, log(1000) = 6.908 when every
  sample falls in one mode.

Every sample counts, however poor (PacGAN's protocol has no quality
threshold): a blurry channel is still given its likeliest class. A
misclassified channel moves its sample to a neighbouring mode; with a
per-digit accuracy a, a real sample keeps its mode with probability about
a^3 (0.979 at a = 0.993), which spreads a collapsed generator's mass over a
few extra modes and barely changes a uniform one's histogram.

Real Stacked MNIST samples give the floor of the protocol: all 1,000
modes, and a KL of 0.025 nats at 26,000 samples (`--real`, test or train
digits, seed 0), of which about (1000 - 1) / (2 x 26,000) = 0.019 comes from
sampling alone (`expected_sampling_kl`) and the rest from MNIST's unequal
class frequencies (ones are 11 % of the digits, fives 9 %), so that even
the true modes are not exactly uniform.

Command line:

    python -m keras_gan.evaluation.stacked_mnist GENERATOR_DIR [--samples 26000] [--seed 0]
    python -m keras_gan.evaluation.stacked_mnist --real [--split test]

Reference:
    Lin et al. 2018, "PacGAN", arXiv:1712.04086, section 5.2 and Table 2;
    fjxmlzn/PacGAN `stacked_MNIST_experiments/VEEGAN_experiment/model.py`
    (`log_metrics`, `JSD.KLD`); Srivastava et al. 2017 (VEEGAN).
"""

import argparse
import json
import math

import numpy as np

NUM_MODES = 1000
NUM_SAMPLES = 26_000  # PacGAN's num_test_sample


def mode_histogram(modes, num_modes=NUM_MODES):
    """Counts per mode: int64 `(num_modes,)` from modes, ints `(n,)` in
    [0, num_modes).

    Raises:
        ValueError: for an empty `modes` or a mode outside [0, num_modes).
    """
    modes = np.asarray(modes, np.int64).reshape(-1)
    if modes.size == 0 or modes.min() < 0 or modes.max() >= num_modes:
        raise ValueError(f"Invalid value for argument `modes`. Expected a non-empty array of modes in [0, "
                         f"{num_modes}). Received: {modes.size} values"
                         + (f" in [{modes.min()}, {modes.max()}]" if modes.size else ""))
    return np.bincount(modes, minlength=num_modes)


def mode_metrics(counts):
    """Modes captured and KL(p || uniform) from a histogram over modes.

    Args:
        counts: non-negative numbers `(num_modes,)`, not all 0: samples per
            mode (`mode_histogram`).

    Returns:
        dict: `modes` (int, bins with a count > 0) and `kl` (float, nats,
        sum over p > 0 of p log(p num_modes), p = counts / total), as
        PacGAN's `JSD().KLD(p, q)` with q uniform.

    Raises:
        ValueError: for a negative count or an all-zero histogram.
    """
    counts = np.asarray(counts, np.float64)
    if counts.ndim != 1 or (counts < 0).any() or counts.sum() <= 0:
        raise ValueError("Invalid value for argument `counts`. Expected non-negative counts per mode, not all 0. "
                         f"Received: an array of shape {counts.shape} summing to {counts.sum()}")
    p = counts / counts.sum()
    present = p > 0
    return {"modes": int(present.sum()), "kl": float(np.sum(p[present] * np.log(p[present] * len(p))))}


def classify_channels(images, classifier=None, batch_size=1000):
    """The MNIST class of each channel: int64 `(n, 3)` for images, float
    `(n, 28, 28, 3)` in [-1, 1], from `classifier` (default: the shipped
    MNIST classifier, which takes `(batch, 28, 28, 1)` in [-1, 1])."""
    if classifier is None:
        from keras_gan.evaluation.classifier import mnist_classifier

        classifier = mnist_classifier()
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or images.shape[1:] != (28, 28, 3):
        raise ValueError("Invalid value for argument `images`. Expected Stacked MNIST images of shape (n, 28, 28, "
                         f"3) in [-1, 1]. Received: shape {images.shape}")
    # (n, 28, 28, 3) -> (3 n, 28, 28, 1), sample by sample.
    channels = np.transpose(images, (0, 3, 1, 2)).reshape(-1, 28, 28, 1)
    logits = classifier.predict(channels, batch_size=batch_size, verbose=0)
    return np.argmax(logits, axis=-1).reshape(-1, 3).astype(np.int64)


def modes_of(images, classifier=None):
    """Each image's mode, int64 `(n,)`: 100 d_R + 10 d_G + d_B of its
    channels' classes (`classify_channels`)."""
    classes = classify_channels(images, classifier)
    return classes[:, 0] * 100 + classes[:, 1] * 10 + classes[:, 2]


def evaluate_images(images, classifier=None):
    """`mode_metrics` of images, float `(n, 28, 28, 3)` in [-1, 1]."""
    return mode_metrics(mode_histogram(modes_of(images, classifier)))


def expected_sampling_kl(num_samples=NUM_SAMPLES, num_modes=NUM_MODES):
    """The KL, in nats, of the histogram of `num_samples` draws from the
    uniform distribution over `num_modes`, to first order:
    (num_modes - 1) / (2 num_samples) (the empirical KL is about half a
    chi-squared with num_modes - 1 degrees of freedom over num_samples)."""
    return (num_modes - 1) / (2 * num_samples)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m keras_gan.evaluation.stacked_mnist",
        description="Modes captured (of 1,000) and KL(generated mode histogram || uniform) on Stacked MNIST, as "
        "PacGAN's log_metrics counts them, with keras_gan's MNIST classifier on each channel.",
    )
    parser.add_argument("generator", nargs="?", help="a train.py run directory or an exported generator (its "
                        "`sample` signature draws the images, as python -m keras_gan.evaluation does)")
    parser.add_argument("--real", action="store_true", help="real Stacked MNIST samples instead: the floor")
    parser.add_argument("--samples", type=int, default=NUM_SAMPLES, help="samples (default: 26000, PacGAN's)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the samples, or of the real triples "
                        "(default: 0)")
    parser.add_argument("--split", default="test", help="--real: MNIST split of the digits (default: test)")
    parser.add_argument("--data-dir", default=None, help="--real: TFDS data directory")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.real == (args.generator is not None):
        parser.error("expected a generator directory or --real, not both")
    if args.samples < 1:
        parser.error(f"argument --samples: expected an int >= 1, received {args.samples}")
    if args.real:
        from keras_gan.data.stacked_mnist import stacked_mnist_arrays

        images, true_modes = stacked_mnist_arrays(args.samples, args.seed, args.split, args.data_dir)
        images = images.astype(np.float32) / 127.5 - 1.0
        result = {"source": f"real Stacked MNIST ({args.split} digits)", **evaluate_images(images),
                  "true_labels": mode_metrics(mode_histogram(true_modes))}
    else:
        import tensorflow as tf

        from keras_gan.evaluation.__main__ import draw
        from keras_gan.evaluation.__main__ import generator_directory

        try:
            directory = generator_directory(args.generator)
            sample = tf.saved_model.load(directory).signatures["sample"]
            images = draw(sample, args.samples, args.seed, None)
        except ValueError as error:
            parser.exit(2, f"error: {error}\n")
        result = {"source": directory, **evaluate_images(images)}
    result.update(samples=args.samples, seed=args.seed)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['source']}: {result['modes']} modes of {NUM_MODES}, KL {result['kl']:.4f} nats "
          f"({args.samples} samples; sampling alone gives about {expected_sampling_kl(args.samples):.4f}, all in one mode "
          f"{math.log(NUM_MODES):.3f})")


if __name__ == "__main__":
    main()
