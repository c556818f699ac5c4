"""DCGAN (Radford et al. 2015 section 3) and the 2014 MLP, layer by layer."""

import copy

import keras
import numpy as np
import pytest

from keras_gan import architectures
from keras_gan.architectures import Maxout


CONVOLUTIONS = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)


def layers_of(model, kind):
    return [layer for layer in model.layers if isinstance(layer, kind)]


@pytest.mark.parametrize(
    "image_shape, steps", [((28, 28, 1), 2), ((32, 32, 3), 3), ((64, 64, 3), 4)]
)
def test_dcgan_shapes(image_shape, steps):
    generator = architectures.dcgan_generator(image_shape, latent_dim=16, width=8)
    discriminator = architectures.dcgan_discriminator(image_shape, width=8)
    assert architectures.resolution_steps(image_shape) == steps
    z = np.random.default_rng(0).normal(size=(3, 16)).astype("float32")
    images = generator(z, training=False)
    assert images.shape == (3, *image_shape)
    assert float(np.max(np.abs(images))) <= 1.0  # tanh
    assert discriminator(images, training=False).shape == (3, 1)
    assert len(layers_of(generator, keras.layers.Conv2DTranspose)) == steps
    assert len(layers_of(discriminator, keras.layers.Conv2D)) == steps


def test_dcgan_follows_the_architecture_guidelines():
    generator = architectures.dcgan_generator((64, 64, 3), width=128)
    discriminator = architectures.dcgan_discriminator((64, 64, 3), width=128)
    # The paper's 64x64 generator: a matmul to 4x4x1024, then 512, 256, 128, 3.
    assert generator.layers[1].units == 4 * 4 * 1024
    assert [l.filters for l in layers_of(generator, keras.layers.Conv2DTranspose)] == [512, 256, 128, 3]
    assert [l.filters for l in layers_of(discriminator, keras.layers.Conv2D)] == [128, 256, 512, 1024]
    for model in (generator, discriminator):
        pooling = [l for l in model.layers if "pooling" in type(l).__name__.lower()]
        assert not pooling
        assert all(l.strides == (2, 2) for l in layers_of(model, CONVOLUTIONS))
        for layer in layers_of(model, CONVOLUTIONS) + layers_of(model, keras.layers.Dense):
            assert layer.kernel_initializer.stddev == 0.02
    # Batch normalization everywhere but G's output layer and D's input layer.
    assert len(layers_of(generator, keras.layers.BatchNormalization)) == 4
    assert len(layers_of(discriminator, keras.layers.BatchNormalization)) == 3
    assert generator.layers[-1].activation.__name__ == "tanh"
    assert isinstance(discriminator.layers[2], keras.layers.LeakyReLU)  # right after the first conv
    assert all(l.negative_slope == pytest.approx(0.2) for l in layers_of(discriminator, keras.layers.LeakyReLU))
    assert len(layers_of(generator, keras.layers.ReLU)) == 4
    # One fully connected layer each: G's input matmul, D's logit (linear).
    assert len(layers_of(generator, keras.layers.Dense)) == 1
    (logit,) = layers_of(discriminator, keras.layers.Dense)
    assert logit.units == 1 and logit.activation.__name__ == "linear"


@pytest.mark.parametrize("image_shape", [(27, 27, 1), (6, 6, 1), (28, 28), (28, 28, 0)])
def test_dcgan_rejects_shapes_it_cannot_produce(image_shape):
    with pytest.raises(ValueError, match="image_shape"):
        architectures.dcgan_generator(image_shape)


def test_dcgan_rejects_bad_width():
    with pytest.raises(ValueError, match="width.*Received: width=0"):
        architectures.dcgan_discriminator(width=0)


def test_mlp_is_the_2014_mnist_model():
    generator = architectures.mlp_generator()
    discriminator = architectures.mlp_discriminator()
    dense = layers_of(generator, keras.layers.Dense)
    assert [l.units for l in dense] == [1200, 1200, 784]
    assert [l.activation.__name__ for l in dense] == ["relu", "relu", "tanh"]
    assert generator.output.shape == (None, 28, 28, 1)
    maxouts = layers_of(discriminator, Maxout)
    assert [(l.units, l.pieces) for l in maxouts] == [(240, 5), (240, 5)]
    # Keep probabilities 0.8 on the input and 0.5 on the hidden layers.
    assert [l.rate for l in layers_of(discriminator, keras.layers.Dropout)] == [0.2, 0.5, 0.5]
    assert discriminator.output.shape == (None, 1)
    assert discriminator.layers[-1].activation.__name__ == "linear"


def test_mlp_dropout_is_active_only_in_training():
    discriminator = architectures.mlp_discriminator((4, 4, 1), units=3, pieces=2)
    x = np.ones((2, 4, 4, 1), "float32")
    np.testing.assert_array_equal(discriminator(x, training=False), discriminator(x, training=False))
    samples = [discriminator(x, training=True).numpy() for _ in range(5)]
    assert any(not np.array_equal(samples[0], s) for s in samples[1:])


def test_maxout_takes_the_max_over_pieces():
    layer = Maxout(2, 3)
    layer.build((None, 2))
    kernel = np.array([[1, -1, 0, 2, 0, -2], [0, 1, 1, 0, -1, 1]], "float32")
    bias = np.array([0, 0, 0.5, 0, 0, 0], "float32")
    layer.set_weights([kernel, bias])
    x = np.array([[1.0, 2.0]], "float32")
    # Pieces of unit 0: x W[:, 0:3] + b = [1, 1, 2.5]; of unit 1: [2, -2, 0].
    np.testing.assert_allclose(layer(x), [[2.5, 2.0]])


@pytest.mark.parametrize("units, pieces", [(0, 5), (240, 0), (2.5, 2)])
def test_maxout_rejects_bad_sizes(units, pieces):
    with pytest.raises(ValueError, match="Expected a positive int"):
        Maxout(units, pieces)


@pytest.mark.parametrize(
    "build",
    [
        lambda: architectures.dcgan_generator((32, 32, 3), latent_dim=8, width=4),
        lambda: architectures.dcgan_discriminator((32, 32, 3), width=4),
        lambda: architectures.mlp_generator((8, 8, 1), latent_dim=4, hidden_units=6),
        lambda: architectures.mlp_discriminator((8, 8, 1), units=3, pieces=2),
    ],
)
def test_architectures_round_trip_through_config(build):
    model = build()
    config = model.get_config()
    # Keras's Functional.from_config consumes its argument: pass a copy.
    restored = keras.Model.from_config(copy.deepcopy(config))
    assert restored.get_config() == config  # exactly
    restored.set_weights(model.get_weights())
    x = np.random.default_rng(0).uniform(-1, 1, (2, *model.input.shape[1:])).astype("float32")
    np.testing.assert_allclose(model(x, training=False), restored(x, training=False), rtol=1e-6)
