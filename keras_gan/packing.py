"""Packing (PacGAN, Lin et al. 2018): D judges m samples at once.

The discriminator sees packs of m samples, all real or all generated,
concatenated along the last axis: features for vectors, channels for
images. A generator that collapses to a few modes makes packs whose members
look alike, which D learns to spot; this is how packing penalises mode
collapse (Lin et al. 2018, section 3).

A GAN with `pack=m` groups each minibatch's consecutive samples: samples
0 .. m-1 form pack 0, m .. 2m-1 pack 1, and so on. Real packs hold only
real samples (a minibatch of real data), generated packs only generated
ones, never a mix. A minibatch of b samples gives b / m packs, so b must
be a multiple of m; PacGAN's D sees 100 packs per minibatch, i.e.
minibatches of 100 m samples.
"""

import tensorflow as tf

from keras_gan.validation import check_positive_int


def check_pack(pack):
    """Returns `pack` (m, an int >= 1) or raises a ValueError naming it."""
    return check_positive_int("pack", pack, "samples per packed discriminator input")


def packed_shape(sample_shape, pack):
    """The shape, without the batch axis, of one pack of `pack` samples.

    Args:
        sample_shape: tuple of ints, one sample's shape without the batch
            axis: `(features,)` or `(height, width, channels)`.
        pack: int >= 1, m.

    Returns:
        `sample_shape` with its last axis multiplied by m, e.g.
        `(2,) -> (2 m,)`, `(28, 28, 1) -> (28, 28, m)`.
    """
    return tuple(sample_shape[:-1]) + (sample_shape[-1] * pack,)


def pack_samples(samples, pack):
    """Concatenates each run of `pack` consecutive samples along the last axis.

    Args:
        samples: tensor `(batch, ..., features)`; batch a multiple of m.
        pack: int >= 1, m.

    Returns:
        tensor `(batch / m, ..., m * features)`: pack i is samples
        i m, ..., i m + m - 1 concatenated along the last axis, in that
        order. With m = 1, `samples` unchanged.
    """
    if pack == 1:
        return samples
    rank = len(samples.shape)
    shape = tf.shape(samples)
    # (packs, m, ..., features) -> (packs, ..., m, features): the last two
    # axes then flatten to m blocks of features, sample by sample.
    grouped = tf.reshape(samples, tf.concat([[-1, pack], shape[1:]], 0))
    order = [0] + list(range(2, rank)) + [1, rank]
    moved = tf.transpose(grouped, order)
    return tf.reshape(moved, tf.concat([[-1], shape[1:-1], [shape[-1] * pack]], 0))
