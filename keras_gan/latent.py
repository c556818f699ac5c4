"""Paths through the latent space: linear and spherical interpolation.

Under a normal prior N(0, I) in d dimensions, latent vectors concentrate near
the sphere of radius sqrt(d), but the linear midpoint 0.5 a + 0.5 b of two
independent draws has norm about sqrt(d / 2): it lies where the generator
was almost never trained (seed 004's question of what G makes of
0.5 a + 0.5 b). Spherical interpolation stays at the endpoints' norm.

Reference:
    White 2016, "Sampling Generative Networks", arXiv:1609.04468, section 2.2
    (slerp); Shoemake 1985, "Animating rotation with quaternion curves".
"""

import tensorflow as tf

from keras_gan.validation import check_positive_int

METHODS = ("linear", "spherical")


def lerp(a, b, t):
    """Linear interpolation (1 - t) a + t b.

    Args:
        a, b: float tensors `(..., latent_dim)`.
        t: float tensor broadcastable to `(..., 1)`, 0 gives a, 1 gives b.

    Returns:
        float32 tensor of the broadcast shape of a, b and t.
    """
    a, b, t = (tf.cast(v, tf.float32) for v in (a, b, t))
    return (1.0 - t) * a + t * b


def slerp(a, b, t):
    """Spherical interpolation along the great circle from a to b.

        slerp(a, b, t) = sin((1 - t) w) / sin(w) a + sin(t w) / sin(w) b,

    with w the angle between a and b; for (anti)parallel vectors, where
    sin(w) is near 0, it falls back to `lerp`. Where |a| = |b|, every point
    has that norm.

    Args:
        a, b: float tensors `(..., latent_dim)`.
        t: float tensor broadcastable to `(..., 1)`, 0 gives a, 1 gives b.

    Returns:
        float32 tensor of the broadcast shape of a, b and t.

    Reference: White 2016, arXiv:1609.04468, section 2.2.
    """
    a, b, t = (tf.cast(v, tf.float32) for v in (a, b, t))
    cosine = tf.reduce_sum(
        tf.math.l2_normalize(a, axis=-1) * tf.math.l2_normalize(b, axis=-1),
        axis=-1,
        keepdims=True,
    )
    omega = tf.acos(tf.clip_by_value(cosine, -1.0, 1.0))
    sine = tf.sin(omega)
    degenerate = sine < 1e-6
    safe_sine = tf.where(degenerate, tf.ones_like(sine), sine)
    spherical = (tf.sin((1.0 - t) * omega) * a + tf.sin(t * omega) * b) / safe_sine
    return tf.where(degenerate, lerp(a, b, t), spherical)


def interpolate(a, b, num_steps, method="spherical"):
    """`num_steps` evenly spaced points from a to b, endpoints included.

    Args:
        a, b: float tensors `(num_pairs, latent_dim)`, the endpoints.
        num_steps: int >= 2, points per path (t = 0, 1/(n-1), ..., 1).
        method: "spherical" (`slerp`, default) or "linear" (`lerp`).

    Returns:
        float32 tensor `(num_pairs, num_steps, latent_dim)`.

    Raises:
        ValueError: for an unknown `method`, `num_steps` < 2, or endpoints
            of different shapes or not of rank 2.
    """
    if method not in METHODS:
        raise ValueError(
            f"Invalid value for argument `method`. Expected one of {METHODS}. "
            f"Received: method={method!r}"
        )
    check_positive_int("num_steps", num_steps, "both endpoints included", minimum=2)
    a, b = tf.convert_to_tensor(a, tf.float32), tf.convert_to_tensor(b, tf.float32)
    if len(a.shape) != 2 or a.shape != b.shape:
        raise ValueError(
            "Invalid endpoints `a` and `b`. Expected two tensors of one shape "
            f"(num_pairs, latent_dim). Received: shapes {tuple(a.shape)} and "
            f"{tuple(b.shape)}"
        )
    t = tf.reshape(tf.linspace(0.0, 1.0, num_steps), (1, num_steps, 1))
    path = slerp if method == "spherical" else lerp
    return path(a[:, None, :], b[:, None, :], t)
