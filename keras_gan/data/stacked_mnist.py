"""Stacked MNIST: three MNIST digits as the red, green and blue channels of one image.

Each sample stacks three digits drawn independently and uniformly from an
MNIST split, so the data has 10^3 = 1,000 equally likely modes, one per
triple of classes: mode = 100 d_R + 10 d_G + d_B. Counting the modes a
generator reaches (`keras_gan.evaluation.stacked_mnist`) measures mode
collapse on colour images.

Two ways to draw the training data, both reproducible by seed:

- a fixed set of `num_samples` triples (PacGAN's code draws 128,000 once
  and trains 50 epochs on them), shuffled every epoch;
- `fresh=True`: every epoch of `num_samples` draws new triples.

PacGAN's code draws its digits from MNIST's train and test images together
(`split="train+test"` does the same); the default here is the train split,
keeping the test images apart.

Reference:
    Srivastava et al. 2017 (VEEGAN), arXiv:1705.07761, section 5.2;
    Lin et al. 2018 (PacGAN), arXiv:1712.04086, section 5.2 and Table 2;
    fjxmlzn/PacGAN `stacked_MNIST_experiments/VEEGAN_experiment/model.py`
    (`load_mnist`).
"""

import numpy as np
import tensorflow as tf

from keras_gan.data.pipeline import DEFAULT_SHUFFLE_BUFFER
from keras_gan.data.pipeline import batched
from keras_gan.data.pipeline import check_batch_size
from keras_gan.data.pipeline import scale_images
from keras_gan.validation import check_positive_int

NAME = "stacked_mnist"
NUM_MODES = 1000
CHANNELS = 3
# PacGAN's training set (fjxmlzn/PacGAN, VEEGAN_experiment/config.py).
PACGAN_NUM_SAMPLES = 128_000


def mnist_digits(split="train", data_dir=None):
    """MNIST's images and labels of `split`, in TFDS order.

    Returns:
        (images, labels): uint8 NumPy array `(n, 28, 28)` in [0, 255] and
        int64 array `(n,)` in [0, 9].

    Raises:
        FileNotFoundError: if MNIST is not prepared in `data_dir` (or
            `$TFDS_DATA_DIR`); nothing is downloaded.
    """
    import tensorflow_datasets as tfds

    builder = tfds.builder("mnist", data_dir=data_dir)
    if not builder.is_prepared():
        raise FileNotFoundError(f"MNIST is not prepared in data_dir={builder.data_dir!r}: point TFDS_DATA_DIR "
                                "(or --data-dir) at a directory holding it")
    examples = tfds.as_numpy(builder.as_dataset(split=split, batch_size=-1, shuffle_files=False))
    return examples["image"][..., 0], examples["label"].astype(np.int64)


def draw_triples(num_samples, num_digits, seed):
    """Which digits each sample stacks: int64 `(num_samples, 3)`, each entry
    uniform in [0, num_digits), all independent, from NumPy's PCG64 seeded
    with `seed`."""
    return np.random.default_rng(seed).integers(0, num_digits, size=(num_samples, CHANNELS))


def stack(digits, labels, triples):
    """The stacked images and their modes for index triples.

    Args:
        digits: uint8 `(n, 28, 28)`; labels: ints `(n,)` in [0, 9].
        triples: ints `(m, 3)` in [0, n): the red, green and blue digit.

    Returns:
        (images, modes): uint8 `(m, 28, 28, 3)`, channel c the digit
        `triples[:, c]`; int64 `(m,)`, 100 d_R + 10 d_G + d_B in [0, 999].
    """
    triples = np.asarray(triples)
    images = np.stack([digits[triples[:, c]] for c in range(CHANNELS)], axis=-1)
    return images, mode_of(labels[triples])


def mode_of(classes):
    """`(..., 3)` digit classes (R, G, B) -> the mode 100 d_R + 10 d_G + d_B."""
    classes = np.asarray(classes, np.int64)
    return classes[..., 0] * 100 + classes[..., 1] * 10 + classes[..., 2]


def stacked_mnist_arrays(num_samples=PACGAN_NUM_SAMPLES, seed=0, split="train", data_dir=None):
    """A fixed Stacked MNIST set as NumPy arrays, e.g. real samples to evaluate.

    Args:
        num_samples: int >= 1, samples to draw. Default 128,000.
        seed: int, which triples are drawn (`draw_triples`).
        split: MNIST split the digits come from, TFDS slicing allowed
            ("train", "test", "train+test"). Default "train".
        data_dir: TFDS data directory (default: `$TFDS_DATA_DIR`).

    Returns:
        (images, modes): uint8 `(num_samples, 28, 28, 3)` in [0, 255] and
        int64 `(num_samples,)` in [0, 999].

    Raises:
        ValueError: for a bad `num_samples`.
        FileNotFoundError: if MNIST is not prepared.
    """
    num_samples = check_positive_int("num_samples", num_samples)
    digits, labels = mnist_digits(split, data_dir)
    return stack(digits, labels, draw_triples(num_samples, len(digits), seed))


def load_stacked_mnist(
    batch_size=64,
    num_samples=PACGAN_NUM_SAMPLES,
    seed=0,
    fresh=False,
    split="train",
    data_dir=None,
    shuffle=True,
    shuffle_buffer=DEFAULT_SHUFFLE_BUFFER,
):
    """Stacked MNIST as training batches, float32 `(batch, 28, 28, 3)` in [-1, 1].

    Only the MNIST digits and the index triples are held in memory; each
    batch gathers its digits.

    Args:
        batch_size: int >= 1, at most `num_samples` (the remainder of an
            epoch is dropped).
        num_samples: int >= 1, samples per epoch. Default 128,000 (PacGAN's).
        seed: int, the triples drawn and their order each epoch.
        fresh: bool. False (default): one fixed set of `num_samples`
            triples, reshuffled every epoch. True: new triples every epoch
            (the n-th epoch's the same for the same seed).
        split, data_dir: as in `stacked_mnist_arrays`.
        shuffle: bool, reshuffle the fixed set every epoch. Default True.
        shuffle_buffer: int >= 1, examples in the shuffle buffer.

    Returns:
        A `tf.data.Dataset` of float32 `(batch_size, 28, 28, 3)` in [-1, 1],
        `num_samples // batch_size` batches an epoch.

    Raises:
        ValueError: for a bad `batch_size` or `num_samples`.
        FileNotFoundError: if MNIST is not prepared.
    """
    num_samples = check_positive_int("num_samples", num_samples)
    check_batch_size(batch_size, num_samples)
    digits, _ = mnist_digits(split, data_dir)
    digits = tf.constant(digits)
    if fresh:
        # One stateless stream: each new iteration (epoch) continues it.
        draws = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).take(num_samples * CHANNELS)
        triples = draws.map(lambda x: tf.cast(x % len(digits), tf.int32)).batch(CHANNELS)
        shuffle = False  # every epoch is new already
    else:
        triples = tf.data.Dataset.from_tensor_slices(draw_triples(num_samples, len(digits), seed).astype(np.int32))

    def gather(batch):
        # (batch, 3) indices -> (batch, 28, 28, 3) uint8 -> [-1, 1].
        return scale_images(tf.stack([tf.gather(digits, batch[:, c]) for c in range(CHANNELS)], axis=-1))

    return batched(triples, batch_size, shuffle, seed, False, shuffle_buffer, gather, per_batch=True)
