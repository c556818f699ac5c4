"""Argument checks shared by the architecture builders."""


def check_image_shape(image_shape):
    """Returns `image_shape` as a tuple of three positive ints.

    Raises:
        ValueError: if it is not `(height, width, channels)` of positive ints.
    """
    shape = tuple(image_shape) if hasattr(image_shape, "__iter__") else None
    if (
        shape is None
        or len(shape) != 3
        or not all(isinstance(d, int) and d > 0 for d in shape)
    ):
        raise ValueError(
            "Invalid value for argument `image_shape`. Expected "
            "(height, width, channels), three positive ints. "
            f"Received: image_shape={image_shape!r}"
        )
    return shape
