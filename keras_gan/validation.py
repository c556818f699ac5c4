"""Argument checks shared across keras_gan, raising with Keras's template:
"Invalid value for argument `x`. Expected ... Received: x=..."."""

import numbers


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
