"""The maxout unit of Goodfellow et al. 2013, used by the 2014 GAN discriminator."""

import keras

from keras_gan.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gan")
class Maxout(keras.layers.Layer):
    """A dense maxout layer: the maximum over `pieces` affine pieces per unit.

        h_j(x) = max_{k < pieces} (x W_{:, j, k} + b_{j, k})

    Args:
        units: int >= 1, number of output units.
        pieces: int >= 1, number of affine pieces each unit takes the maximum
            of (k in the paper).
        kernel_initializer, bias_initializer: Keras initializers.

    Input shape: `(batch, input_dim)`. Output shape: `(batch, units)`.

    Raises:
        ValueError: if `units` or `pieces` is not a positive int.

    Reference:
        Goodfellow et al. 2013, "Maxout Networks", ICML, equation 1;
        the 2014 GAN MNIST discriminator (goodfeli/adversarial `mnist.yaml`)
        uses 240 units of 5 pieces.
    """

    def __init__(
        self,
        units,
        pieces,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.pieces = check_positive_int("pieces", pieces)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units * self.pieces),
            initializer=self.kernel_initializer,
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.units * self.pieces,),
            initializer=self.bias_initializer,
            name="bias",
        )

    def call(self, inputs):
        pieces = keras.ops.matmul(inputs, self.kernel) + self.bias
        pieces = keras.ops.reshape(pieces, (-1, self.units, self.pieces))
        return keras.ops.max(pieces, axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "pieces": self.pieces,
            "kernel_initializer": keras.initializers.serialize(
                self.kernel_initializer
            ),
            "bias_initializer": keras.initializers.serialize(
                self.bias_initializer
            ),
        }
