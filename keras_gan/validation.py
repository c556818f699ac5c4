"""Argument checks shared across keras_gan, raising with Keras's template:
"Invalid value for argument `x`. Expected ... Received: x=..."."""

import numbers

import keras
import numpy as np


def check_positive_int(name, value, meaning="", minimum=1):
    """Returns `value` as an int if it is an integer >= `minimum` (not a bool).

    Args:
        name: the argument's name, for the message.
        value: the value received.
        meaning: optional words on what the int counts, for the message.
        minimum: int, the smallest value allowed (default 1).

    Raises:
        ValueError: otherwise.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        expected = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        detail = f" ({meaning})" if meaning else ""
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected {expected}{detail}. "
            f"Received: {name}={value!r}"
        )
    return int(value)


def check_image_shape(image_shape):
    """Returns `image_shape` as a tuple of three positive ints.

    Raises:
        ValueError: if it is not `(height, width, channels)` of positive ints.
    """
    shape = tuple(image_shape) if hasattr(image_shape, "__iter__") else None
    if (
        shape is None
        or len(shape) != 3
        or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in shape)
    ):
        raise ValueError(
            "Invalid value for argument `image_shape`. Expected "
            "(height, width, channels), three positive ints. "
            f"Received: image_shape={image_shape!r}"
        )
    return tuple(int(d) for d in shape)


def check_image_batch(images, image_shape):
    """Raises when a batch of real images cannot be fed to a discriminator
    that judges `image_shape`.

    Args:
        images: a tensor, expected float `(batch, *image_shape)` in [-1, 1]
            (the range is not checked).
        image_shape: `(height, width, channels)`.

    Raises:
        ValueError: for another rank or shape, or a non-floating dtype.
    """
    dtype = keras.backend.standardize_dtype(images.dtype)
    expected = f"(batch, {', '.join(map(str, image_shape))})"
    if len(images.shape) != len(image_shape) + 1:
        raise ValueError(
            "Invalid dataset images. Expected a batch of rank "
            f"{len(image_shape) + 1}, shape {expected}. Received: "
            f"images of rank {len(images.shape)}, shape {tuple(images.shape)}"
        )
    if tuple(images.shape[1:]) != tuple(image_shape):
        raise ValueError(
            f"Invalid dataset images. Expected shape {expected}, the "
            "discriminator's input. Received: images of shape "
            f"{tuple(images.shape)}"
        )
    if not keras.backend.is_float_dtype(dtype):
        raise ValueError(
            "Invalid dataset images. Expected floating images in [-1, 1] "
            "(keras_gan.data scales uint8 pixels for you). Received: "
            f"images of dtype {dtype}"
        )


def check_callback(callback):
    """Raises for a Keras callback that would address `model.optimizer`.

    A GAN has `d_optimizer` and `g_optimizer` and no `model.optimizer`:
    `LearningRateScheduler`, `ReduceLROnPlateau` and a `TensorBoard` with
    `write_steps_per_second` would fail mid-training.

    Raises:
        ValueError: for such a callback, naming it and the wrapper to use.
    """
    uses_optimizer = isinstance(
        callback,
        (keras.callbacks.LearningRateScheduler, keras.callbacks.ReduceLROnPlateau),
    ) or (isinstance(callback, keras.callbacks.TensorBoard) and callback.write_steps_per_second)
    if uses_optimizer:
        raise ValueError(
            "Invalid callback for GAN.fit. Expected callbacks that leave "
            "`model.optimizer` alone: a GAN has `d_optimizer` and "
            "`g_optimizer` instead. Wrap it in keras_gan.callbacks.ForPlayer("
            "callback, 'discriminator' or 'generator'). Received: "
            f"{type(callback).__name__}"
        )


def first_non_finite_weight(model):
    """(path, value) of the first weight of `model` (trainable or not, in
    `model.weights` order) holding a NaN or inf, or None when all are
    finite."""
    for variable in model.weights:
        values = np.asarray(keras.ops.convert_to_numpy(variable.value))
        if np.issubdtype(values.dtype, np.floating) and not np.isfinite(values).all():
            return variable.path, float(values[~np.isfinite(values)].flat[0])
    return None
