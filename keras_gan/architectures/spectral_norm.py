"""Spectral normalization as Miyato et al. define it, with gradient through sigma.

`keras.layers.SpectralNormalization` (Keras 3.15) is not this: on every
training call it overwrites the kernel variable with W / sigma, so the
optimizer's next update starts from the normalized kernel, no gradient flows
through sigma, and inference uses whatever kernel the optimizer last left
(read `keras/src/layers/normalization/spectral_normalization.py`). Here, as
in `torch.nn.utils.spectral_norm`, the trainable parameter stays W, and each
call computes with W / sigma(W): the gradient reaches W through sigma too.
"""

import math

import keras
from keras import ops

from keras_gan.validation import check_positive_int


def _l2_normalize(x, epsilon):
    """x / max(||x||, epsilon), as torch.nn.functional.normalize."""
    return x / ops.maximum(ops.sqrt(ops.sum(ops.square(x))), epsilon)


@keras.saving.register_keras_serializable(package="keras_gan")
class SpectralNormalization(keras.layers.Wrapper):
    """Computes `layer` with its kernel divided by its largest singular value.

    With the kernel reshaped to a matrix W of shape (fan_in, units) (the last
    axis is the output: `Dense`, `Conv2D`, `Maxout`, and `Embedding`'s
    (classes, dim) table), the wrapped layer computes with W / sigma(W),
    where sigma is estimated by power iteration (Algorithm 1 of Miyato et
    al.): in training mode, `power_iterations` times,

        v <- W u / ||W u||,   u <- W^T v / ||W^T v||,

    then sigma = v^T W u, with u and v held constant in the gradient
    (stop-gradient), so d sigma / dW = v u^T flows back to W. u and v are
    non-trainable variables of this layer: they change only in training
    calls, are saved with the model, and in inference mode the stored ones
    give sigma without an iteration. This is `torch.nn.utils.spectral_norm`'s
    definition (eps = 1e-12 in the normalization).

    Power iteration runs in float32 under mixed precision (the layer does not
    autocast its own variables; the wrapped layer still computes in the
    policy's dtype).

    Args:
        layer: a `keras.layers.Layer` with a `kernel` (or, for `Embedding`,
            `embeddings`) weight whose last axis is the output.
        power_iterations: int >= 1, iterations per training call. Default 1,
            as in the paper (u persists across calls, so it converges over
            the training steps).
        epsilon: float > 0, the norm floor. Default 1e-12.

    Input and output shapes: those of `layer`.

    Raises:
        ValueError: if `layer` is not a Keras layer, `power_iterations` is
            not a positive int, or (when built) the layer has no kernel.

    Reference:
        Miyato et al. 2018, "Spectral Normalization for Generative
        Adversarial Networks", ICLR, section 2.1 and Algorithm 1.
    """

    def __init__(self, layer, power_iterations=1, epsilon=1e-12, **kwargs):
        if not isinstance(layer, keras.layers.Layer):
            raise ValueError(
                "Invalid value for argument `layer`. Expected a keras.layers.Layer "
                f"with a kernel. Received: layer={layer!r}"
            )
        # Power iteration in the variables' dtype (float32), not float16.
        kwargs.setdefault("autocast", False)
        super().__init__(layer, **kwargs)
        self.power_iterations = check_positive_int("power_iterations", power_iterations)
        self.epsilon = float(epsilon)

    def build(self, input_shape=None):
        super().build(input_shape)
        kernel = self._kernel()
        units = kernel.shape[-1]
        fan_in = math.prod(kernel.shape[:-1])
        self.u = self.add_weight(shape=(units,), initializer="random_normal", trainable=False, name="u")
        self.v = self.add_weight(shape=(fan_in,), initializer="random_normal", trainable=False, name="v")
        self.u.assign(_l2_normalize(self.u, self.epsilon))
        self.v.assign(_l2_normalize(self.v, self.epsilon))

    def _kernel(self):
        for name in ("kernel", "embeddings"):
            kernel = getattr(self.layer, name, None)
            if isinstance(kernel, keras.Variable):
                return kernel
        raise ValueError(
            "Invalid value for argument `layer`. Expected a layer with a "
            "`kernel` (or `embeddings`) weight. Received: "
            f"{type(self.layer).__name__} named {self.layer.name!r}"
        )

    def normalized_kernel(self, training=False):
        """W / sigma(W), the kernel's shape; updates u and v when training."""
        kernel = self._kernel()
        w = ops.reshape(ops.convert_to_tensor(kernel), (-1, kernel.shape[-1]))
        u, v = ops.convert_to_tensor(self.u), ops.convert_to_tensor(self.v)
        if training:
            for _ in range(self.power_iterations):
                v = _l2_normalize(ops.matmul(w, u), self.epsilon)
                u = _l2_normalize(ops.matmul(ops.transpose(w), v), self.epsilon)
            u, v = ops.stop_gradient(u), ops.stop_gradient(v)
            self.u.assign(u)
            self.v.assign(v)
        sigma = ops.sum(v * ops.matmul(w, u))
        return ops.convert_to_tensor(kernel) / sigma

    def call(self, inputs, training=None, **kwargs):
        kernel = self._kernel()
        # The wrapped layer reads W / sigma where it reads its kernel.
        with keras.StatelessScope([(kernel, self.normalized_kernel(bool(training)))]):
            return self.layer(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations, "epsilon": self.epsilon}


def maybe_spectral_norm(layer, spectral_norm):
    """`layer`, wrapped in `SpectralNormalization` when `spectral_norm`."""
    if not isinstance(spectral_norm, bool):
        raise ValueError(
            "Invalid value for argument `spectral_norm`. Expected True or "
            f"False. Received: spectral_norm={spectral_norm!r}"
        )
    return SpectralNormalization(layer) if spectral_norm else layer
