"""DCGAN (Radford et al. 2015 section 3), the 2014 MLP, SNGAN's standard CNN and
the ResNets (Miyato et al. 2018, appendix B.4), layer by layer."""

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
        lambda: architectures.sngan_generator((16, 16, 1), latent_dim=4, width=2),
        lambda: architectures.sngan_discriminator((16, 16, 1), width=2, spectral_norm=True),
        lambda: architectures.resnet_generator((16, 16, 1), latent_dim=4, width=2),
        lambda: architectures.resnet_discriminator((16, 16, 1), width=2, spectral_norm=True),
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


def unwrapped(model, kind):
    """Layers of `kind`, spectral-norm wrappers looked through, in order."""
    layers = [layer.layer if isinstance(layer, architectures.SpectralNormalization) else layer for layer in model.layers]
    return [layer for layer in layers if isinstance(layer, kind)]


@pytest.mark.parametrize("name", ["sngan", "resnet"])
@pytest.mark.parametrize("image_shape", [(28, 28, 1), (32, 32, 3), (64, 64, 3)])
@pytest.mark.parametrize("num_classes", [None, 10])
def test_sngan_and_resnet_shapes(name, image_shape, num_classes):
    make_generator, make_discriminator = architectures.BUILDERS[name]
    generator = make_generator(image_shape, latent_dim=8, width=4, num_classes=num_classes)
    discriminator = make_discriminator(image_shape, width=4, num_classes=num_classes, spectral_norm=True)
    z = keras.random.normal((3, 8), seed=0)
    labels = keras.ops.convert_to_tensor(np.array([0, 4, 9], "int32"))
    images = generator([z, labels] if num_classes else z, training=True)
    assert images.shape == (3, *image_shape) and float(np.max(np.abs(images))) <= 1.0
    logits = discriminator([images, labels] if num_classes else images, training=True)
    assert logits.shape == (3, 1)


def test_sngan_standard_cnn_is_table_3_at_32x32():
    generator = architectures.sngan_generator()
    discriminator = architectures.sngan_discriminator(spectral_norm=True)
    assert generator.input.shape == (None, 128)
    assert unwrapped(generator, keras.layers.Reshape)[0].target_shape == (4, 4, 512)
    deconvolutions = unwrapped(generator, keras.layers.Conv2DTranspose)
    assert [(c.filters, c.kernel_size, c.strides) for c in deconvolutions] == [(256, (4, 4), (2, 2)), (128, (4, 4), (2, 2)), (64, (4, 4), (2, 2))]
    assert [(c.filters, c.kernel_size) for c in unwrapped(generator, keras.layers.Conv2D)] == [(3, (3, 3))]
    convolutions = unwrapped(discriminator, keras.layers.Conv2D)
    assert [(c.filters, c.kernel_size[0], c.strides[0]) for c in convolutions] == [
        (64, 3, 1), (64, 4, 2), (128, 3, 1), (128, 4, 2), (256, 3, 1), (256, 4, 2), (512, 3, 1)
    ]
    assert all(r.negative_slope == pytest.approx(0.1) for r in unwrapped(discriminator, keras.layers.LeakyReLU))
    assert not unwrapped(discriminator, keras.layers.BatchNormalization)


def test_resnet_cifar_layout_at_32x32():
    generator = architectures.resnet_generator()
    discriminator = architectures.resnet_discriminator()
    # G: dense to 4x4x256, three up blocks of 256 channels (2 convs + a 1x1 shortcut each), a 3x3 conv to RGB.
    assert unwrapped(generator, keras.layers.Reshape)[0].target_shape == (4, 4, 256)
    assert [c.filters for c in unwrapped(generator, keras.layers.Conv2D)] == [256] * 9 + [3]
    assert len(unwrapped(generator, keras.layers.UpSampling2D)) == 6  # main path and shortcut of 3 blocks
    # D: 2 down blocks and 2 plain ones, 128 channels, 32 -> 8x8 before the sum pooling.
    assert {c.filters for c in unwrapped(discriminator, keras.layers.Conv2D)} == {128}
    assert len(unwrapped(discriminator, keras.layers.AveragePooling2D)) == 4  # main path and shortcut
    # Sum pooling: the features are the sum over the 8x8 = 64 positions.
    assert unwrapped(discriminator, keras.layers.Rescaling)[0].scale == 64.0
    # The papers' sizes: ~4.3M parameters in G, ~1.0M in D (Miyato et al.'s CIFAR-10 ResNet).
    assert 4.2e6 < generator.count_params() < 4.4e6 and 0.9e6 < discriminator.count_params() < 1.1e6


def test_conditional_batch_normalization_starts_as_batch_normalization():
    generator = architectures.sngan_generator((16, 16, 1), latent_dim=4, width=2, num_classes=3)
    z = np.random.default_rng(0).normal(size=(4, 4)).astype("float32")
    same = [generator([z, np.full(4, label, "int32")], training=True) for label in range(3)]
    # gamma_y = 1 and beta_y = 0 for every class at initialization: labels change nothing yet.
    np.testing.assert_allclose(same[0], same[1], atol=1e-6)
    tables = [v for v in generator.trainable_variables if "embedding" in v.path]
    assert tables and all(v.shape[0] == 3 for v in tables)
    tables[0].assign(tables[0] + np.arange(3, dtype="float32")[:, None])  # gamma differs per class now
    apart = [generator([z, np.full(4, label, "int32")], training=True) for label in range(2)]
    assert not np.allclose(apart[0], apart[1])
