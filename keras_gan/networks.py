"""Helpers on the two networks that every adversarial model and its users need.

`frozen_call` runs a network as in training without changing its state (the
other player's step), `static_shape` reads a functional network's input or
output shape, and `fold` derives a step's independent random streams, each
by a named index (`PENALTY_SEED`, ...), from its one stateless seed;
`split_minibatches` cuts a step's batch into its k minibatches, after
`minibatch_checks`.
"""

import tensorflow as tf

# The streams folded from a step's seed (`stateless_split` of the same seed
# gives the noise and the generated samples' labels).
PENALTY_SEED = 2  # WGAN-GP's eps
AUGMENT_SEED = 3  # the augmentation of the images a step shows D first: real ones in D's step, generated in G's
FAKE_AUGMENT_SEED = 4  # the augmentation of the generated images in D's step
REAL_AUGMENT_SEED = 5  # the augmentation of the real images in G's step (relativistic games)


def frozen_call(model, inputs):
    """Calls `model` in training mode without changing its state.

    The forward pass is the training one (batch statistics, dropout), but the
    model's weights and moving statistics stay as they are: in the adversarial
    game each player's state changes only in its own update. Random-seed
    states (integer variables) do advance, so the next call draws fresh
    dropout masks.

    Args:
        model: a built `keras.Model`.
        inputs: what `model` takes.

    Returns:
        `model`'s outputs, as a training call gives them.
    """
    outputs, state = model.stateless_call(
        model.trainable_variables,
        model.non_trainable_variables,
        inputs,
        training=True,
    )
    for variable, value in zip(model.non_trainable_variables, state):
        if "int" in variable.dtype:
            variable.assign(value)
    return outputs


def fold(seed, index):
    """An independent stateless seed, int tensor `(2,)`, derived from a
    step's `seed` by one of the named indices above."""
    return tf.random.experimental.stateless_fold_in(seed, index, alg="philox")


def static_shape(model, which, count=1):
    """The shape, without the batch axis, of the model's first input
    (`which="input"`) or output (`"output"`), as a tuple; None when it is
    unknown or the model has not `count` of them."""
    try:
        tensors = model.inputs if which == "input" else model.outputs
    except (AttributeError, ValueError):
        return None
    if not tensors or len(tensors) != count:
        return None
    return tuple(tensors[0].shape[1:])


def split_minibatches(tensor, k):
    """The k minibatches of a batch: minibatch i holds rows i, i + k, ...

    A strided split, not k contiguous blocks: each replica holds a
    contiguous block of the global batch whose length is a multiple of k,
    so the global minibatch i is the same on any number of replicas.

    Args:
        tensor: `(batch, ...)` with batch a multiple of k, or None.
        k: int >= 1.

    Returns:
        A list of k tensors `(batch / k, ...)`; k `None`s for None.
    """
    if tensor is None:
        return [None] * k
    rows = tf.reshape(tensor, tf.concat([[-1, k], tf.shape(tensor)[1:]], 0))
    return tf.unstack(rows, num=k, axis=1)


def minibatch_checks(images, k, pack=1):
    """Checks a batch of `images` holds k minibatches of whole packs.

    A static batch size is checked now (a ValueError while tracing); one
    known only when the step runs gives an assertion that the whole step
    must wait for, so that no update happens on a bad batch.

    Args:
        images: `(batch, ...)`.
        k: int >= 1, the discriminator steps (`d_steps`) the batch feeds.
        pack: int >= 1, samples per pack D judges.

    Returns:
        A list of run-time assertion ops, empty when the size is static.

    Raises:
        ValueError: for a static batch size that is not a multiple of
            `k * pack`.
    """
    multiple = k * pack
    factor = f"d_steps * pack={multiple}" if pack > 1 else f"d_steps={multiple}"
    message = (
        f"Invalid dataset batch size. Expected a multiple of {factor} "
        "(each batch holds one real minibatch per discriminator step"
        f"{', of whole packs' if pack > 1 else ''}). Received: a batch of"
    )
    batch = images.shape[0]
    if batch is None and multiple > 1:
        remainder = tf.math.floormod(tf.shape(images)[0], multiple)
        return [tf.debugging.assert_equal(remainder, 0, message=f"{message} size")]
    if batch is not None and batch % multiple:
        raise ValueError(f"{message} {batch} images")
    return []
