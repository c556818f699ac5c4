"""GAN.train_step semantics against Algorithm 1 worked out by hand.

The networks are linear so that every update has a closed form:
G(z) = K z + c with K = 0 (every generated image is the constant c), and
D(x) = w x + b on 1x1x1 images. With plain SGD, one train step must give
exactly the weights computed below from the tutorial's costs.
"""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan import architectures

LATENT_DIM = 2
W, B, C = 0.5, 0.2, 0.3
LR_D, LR_G = 0.5, 0.7


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def linear_gan(w=W, b=B, c=C, **kwargs):
    z = keras.Input((LATENT_DIM,))
    x = keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(c))(z)
    generator = keras.Model(z, keras.layers.Reshape((1, 1, 1))(x))
    images = keras.Input((1, 1, 1))
    x = keras.layers.Flatten()(images)
    logits = keras.layers.Dense(
        1, kernel_initializer=keras.initializers.Constant(w), bias_initializer=keras.initializers.Constant(b)
    )(x)
    return keras_gan.GAN(generator, keras.Model(images, logits), seed=0, **kwargs)


def compile_sgd(gan, **kwargs):
    gan.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(LR_G), **kwargs)
    return gan


def reference_step(real, d_steps=1, alpha=0.0, g_cost_gradient=lambda d: -0.5 * (1 - d)):
    """Algorithm 1 in NumPy: k D updates (labels 1 real / 0 fake), one G update."""
    w, b, c = W, B, C
    d_losses, d_real, d_fake = [], [], []
    real = np.asarray(real, np.float64)
    for minibatch in (real[i::d_steps] for i in range(d_steps)):  # rows i, i+k, ...
        m = len(minibatch)
        real_d, fake_d = sigmoid(w * minibatch + b), sigmoid(w * c + b)
        d_losses += list(
            0.5 * -((1 - alpha) * np.log(real_d) + alpha * np.log(1 - real_d)) - 0.5 * np.log(1 - fake_d)
        )
        d_real += list(real_d)
        d_fake += [fake_d] * m
        # d/dl of 1/2 BCE(l, y) = 1/2 (D - y), averaged over the minibatch.
        grad_real = 0.5 * (real_d - (1 - alpha)) / m
        grad_fake = 0.5 * fake_d / m
        w, b = w - LR_D * (np.sum(grad_real * minibatch) + m * grad_fake * c), b - LR_D * (np.sum(grad_real) + m * grad_fake)
    # G step through the updated D: dJ/dc = J'(l) * w, the same for every sample.
    fake_d = sigmoid(w * c + b)
    c = c - LR_G * g_cost_gradient(fake_d) * w
    return dict(w=w, b=b, c=c, d_loss=np.mean(d_losses), d_real=np.mean(d_real), d_fake=np.mean(d_fake), g_fake_d=fake_d)


def weights(gan):
    (w, b), (_, c) = gan.discriminator.get_weights(), gan.generator.get_weights()
    return float(w[0, 0]), float(b[0]), float(c[0])


REAL = np.array([0.9, -0.4, 0.1, 0.7, -0.8, 0.5], np.float32)


def real_batch(values=REAL):
    return values.reshape(-1, 1, 1, 1)


@pytest.mark.parametrize(
    "loss, cost, g_cost_gradient",
    [
        ("non_saturating", lambda d: -0.5 * math.log(d), lambda d: -0.5 * (1 - d)),
        ("minimax", lambda d: 0.5 * math.log(1 - d), lambda d: -0.5 * d),
        ("maximum_likelihood", lambda d: -0.5 * d / (1 - d), lambda d: -0.5 * d / (1 - d)),
    ],
)
def test_one_step_is_algorithm_1(loss, cost, g_cost_gradient):
    logs = assert_one_step_matches({"loss": loss}, {"g_cost_gradient": g_cost_gradient})
    expected = reference_step(REAL, g_cost_gradient=g_cost_gradient)
    np.testing.assert_allclose(
        [logs["d_real"], logs["d_fake"], logs["g_loss"]],
        [expected["d_real"], expected["d_fake"], cost(expected["g_fake_d"])],
        rtol=1e-5,
    )


def assert_one_step_matches(compile_kwargs, reference_kwargs):
    """One train step against `reference_step`; returns the step's logs.

    D must have moved by the D steps alone (real labelled 1, generated 0), so
    the G step left it unchanged; G by the G step alone, through the updated D.
    """
    gan = compile_sgd(linear_gan(), **compile_kwargs)
    logs = gan.train_on_batch(real_batch(), return_dict=True)
    expected = reference_step(REAL, **reference_kwargs)
    np.testing.assert_allclose(weights(gan), [expected["w"], expected["b"], expected["c"]], rtol=1e-5)
    np.testing.assert_allclose(logs["d_loss"], expected["d_loss"], rtol=1e-5)
    k = compile_kwargs.get("d_steps", 1)
    assert gan.d_optimizer.iterations.numpy() == k and gan.g_optimizer.iterations.numpy() == 1
    return logs


def test_labels_are_not_inverted():
    # With inverted labels D would move towards the generated constant c.
    gan = compile_sgd(linear_gan(w=0.0, b=0.0, c=-1.0))
    gan.train_on_batch(real_batch(np.full(4, 1.0, np.float32)))
    w, _, c = weights(gan)
    assert w > 0  # D(x) = w x + b now prefers x = 1 (real) over x = -1
    assert c > -1.0  # and G moved its samples towards what D calls real


def test_d_steps_makes_k_updates_each_on_its_own_minibatch():
    assert_one_step_matches({"d_steps": 3}, {"d_steps": 3})


def test_label_smoothing_touches_real_targets_only():
    assert_one_step_matches({"label_smoothing": 0.1}, {"alpha": 0.1})


def small_dcgan(image_shape=(16, 16, 1), **kwargs):
    return keras_gan.GAN(
        architectures.dcgan_generator(image_shape, latent_dim=8, width=4),
        architectures.dcgan_discriminator(image_shape, width=4),
        seed=1,
        **kwargs,
    )


def values(variables):
    return [np.array(v.numpy()) for v in variables]


def assert_same(before, after):
    assert len(before) == len(after)
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)


def test_each_player_state_changes_only_in_its_own_step():
    gan = small_dcgan()
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    real = tf.random.stateless_uniform((8, 16, 16, 1), (1, 2), -1.0, 1.0)
    seed = tf.constant([3, 4], tf.int64)

    g_state, d_state = values(gan.generator.variables), values(gan.discriminator.variables)
    gan._d_step(real, None, seed)
    assert_same(g_state, values(gan.generator.variables))  # weights and BN statistics
    d_after_d_step = values(gan.discriminator.variables)
    assert any(not np.array_equal(a, b) for a, b in zip(d_state, d_after_d_step))

    gan._g_step(real, None, seed)
    assert_same(d_after_d_step, values(gan.discriminator.variables))
    g_after_g_step = values(gan.generator.variables)
    assert any(not np.array_equal(a, b) for a, b in zip(g_state, g_after_g_step))
    # Batch normalization ran in training mode: G's moving statistics moved.
    moving = [i for i, v in enumerate(gan.generator.variables) if "moving" in v.path]
    assert moving and all(not np.array_equal(g_state[i], g_after_g_step[i]) for i in moving)


def test_g_step_leaves_every_discriminator_weight_unchanged():
    gan = small_dcgan()
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2))
    before = values(gan.discriminator.weights)
    gan._g_step(tf.zeros((8, 16, 16, 1)), None, tf.constant([5, 6], tf.int64))
    assert_same(before, values(gan.discriminator.weights))


def test_frozen_discriminator_still_draws_fresh_dropout():
    image_shape = (4, 4, 1)
    gan = keras_gan.GAN(
        architectures.mlp_generator(image_shape, latent_dim=3, hidden_units=8),
        architectures.mlp_discriminator(image_shape, units=4, pieces=2),
        seed=0,
    )
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    seeds = [v for v in gan.discriminator.non_trainable_variables if "int" in v.dtype]
    weights_before = values(gan.discriminator.trainable_variables)
    seeds_before = values(seeds)
    gan._g_step(tf.zeros((4, 4, 4, 1)), None, tf.constant([1, 2], tf.int64))
    assert_same(weights_before, values(gan.discriminator.trainable_variables))
    assert all(not np.array_equal(a, b) for a, b in zip(seeds_before, values(seeds)))


def test_fit_reports_the_four_metrics_and_evaluate_the_same():
    gan = small_dcgan()
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    images = np.random.default_rng(0).uniform(-1, 1, (32, 16, 16, 1)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(8)
    history = gan.fit(dataset, epochs=2, verbose=0)
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss", "loss"]
    assert all(len(v) == 2 and all(np.isfinite(v)) for v in history.history.values())
    # `loss`, for callbacks such as TerminateOnNaN, is the sum of both costs.
    np.testing.assert_allclose(
        history.history["loss"], np.add(history.history["d_loss"], history.history["g_loss"]), rtol=1e-6
    )
    assert gan.d_optimizer.iterations.numpy() == 8 and gan.g_optimizer.iterations.numpy() == 8
    results = gan.evaluate(dataset, verbose=0, return_dict=True)
    assert sorted(results) == ["d_fake", "d_loss", "d_real", "g_loss", "loss"]
    assert 0.0 <= results["d_real"] <= 1.0 and 0.0 <= results["d_fake"] <= 1.0


def test_evaluate_metrics_are_the_costs_on_the_batch():
    gan = compile_sgd(linear_gan())
    results = gan.evaluate(real_batch(), batch_size=6, verbose=0, return_dict=True)
    real_d, fake_d = sigmoid(W * REAL.astype(np.float64) + B), sigmoid(W * C + B)
    expected_d_loss = np.mean(-0.5 * np.log(real_d) - 0.5 * np.log(1 - fake_d))
    np.testing.assert_allclose(
        [results["d_loss"], results["g_loss"], results["d_real"], results["d_fake"]],
        [expected_d_loss, -0.5 * math.log(fake_d), np.mean(real_d), fake_d],
        rtol=1e-5,
    )


def test_generate_is_deterministic_for_a_seed():
    gan = small_dcgan()
    first, again, other = gan.generate(5, seed=7), gan.generate(5, seed=7), gan.generate(5, seed=8)
    assert first.shape == (5, 16, 16, 1) and first.dtype == tf.float32
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    assert not np.array_equal(first.numpy(), other.numpy())
    assert float(tf.reduce_max(tf.abs(first))) <= 1.0
    # Batching does not change the samples.
    np.testing.assert_allclose(gan.generate(5, seed=7, batch_size=2).numpy(), first.numpy(), atol=1e-6)


def test_uniform_prior_has_unit_variance_bounds():
    gan = small_dcgan(latent_prior="uniform")
    z = gan.sample_latent(20000, tf.constant([1, 2], tf.int64)).numpy()
    assert z.shape == (20000, 8)
    assert np.abs(z).max() <= math.sqrt(3) and abs(z.var() - 1.0) < 0.03


def test_latent_dim_is_read_from_the_generator():
    assert small_dcgan().latent_dim == 8


class SubclassedGenerator(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(16)
        self.reshape = keras.layers.Reshape((4, 4, 1))

    def call(self, z):
        return self.reshape(self.dense(z))


def test_subclassed_generator_needs_latent_dim_and_is_shape_checked():
    discriminator = architectures.mlp_discriminator((4, 4, 1), units=2, pieces=2)
    with pytest.raises(ValueError, match="latent_dim.*cannot be read"):
        keras_gan.GAN(SubclassedGenerator(), discriminator)
    gan = keras_gan.GAN(SubclassedGenerator(), discriminator, latent_dim=3)
    assert gan.image_shape == (4, 4, 1) and gan.generate(2, seed=0).shape == (2, 4, 4, 1)
    with pytest.raises(ValueError, match=r"discriminator.*\(None, 4, 4, 1\).*\(None, 8, 8, 1\)"):
        keras_gan.GAN(SubclassedGenerator(), architectures.mlp_discriminator((8, 8, 1)), latent_dim=3)


# --- Bad input, each raised before any training step ------------------------


def test_generator_output_must_match_discriminator_input():
    with pytest.raises(ValueError, match=r"discriminator.*\(None, 28, 28, 1\).*\(None, 32, 32, 3\)"):
        keras_gan.GAN(architectures.dcgan_generator((28, 28, 1)), architectures.dcgan_discriminator((32, 32, 3)))


@pytest.mark.parametrize("latent_dim", [64, 0, "100"])
def test_latent_dim_must_match_the_generator(latent_dim):
    with pytest.raises(ValueError, match="latent_dim.*100"):
        keras_gan.GAN(architectures.dcgan_generator(), architectures.dcgan_discriminator(), latent_dim=latent_dim)


def test_unknown_latent_prior_raises():
    with pytest.raises(ValueError, match="latent_prior"):
        small_dcgan(latent_prior="cauchy")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"loss": "earth_mover"}, "Expected one of.*hinge.*wasserstein.*Received: loss='earth_mover'"),
        ({"loss": "hinge", "label_smoothing": 0.1}, "label_smoothing.*Expected 0 for the 'hinge' game"),
        ({"gradient_penalty": "r3"}, "gradient_penalty.*wgan_gp.*Received: gradient_penalty='r3'"),
        ({"gradient_penalty": "r1", "gradient_penalty_weight": -1.0}, "gradient_penalty_weight.*>= 0.*-1.0"),
        ({"gradient_penalty": "r1", "gradient_penalty_every": 0}, "gradient_penalty_every.*Received: gradient_penalty_every=0"),
        ({"gradient_penalty_weight": 5.0}, "gradient_penalty.*when gradient_penalty_weight.*is set"),
        ({"d_steps": 0}, "d_steps.*Received: d_steps=0"),
        ({"d_steps": 1.5}, "d_steps"),
        ({"label_smoothing": 1.0}, "label_smoothing.*Received: label_smoothing=1.0"),
        ({"label_smoothing": -0.1}, "label_smoothing"),
        ({"optimizer": "adam"}, "optimizer"),
    ],
)
def test_bad_compile_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        small_dcgan().compile(keras.optimizers.Adam(), keras.optimizers.Adam(), **kwargs)


def test_one_optimizer_for_both_players_raises():
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="g_optimizer.*distinct"):
        small_dcgan().compile(optimizer, optimizer)


def test_fit_before_compile_raises():
    with pytest.raises(ValueError, match="compile"):
        small_dcgan().fit(np.zeros((8, 16, 16, 1), "float32"), epochs=1, verbose=0)


@pytest.mark.parametrize(
    "images, match",
    [
        (np.zeros((8, 8, 8, 1), "float32"), r"Expected shape \(batch, 16, 16, 1\).*\(None, 8, 8, 1\)"),
        (np.zeros((8, 16, 16, 1), "uint8"), "floating.*uint8"),
        (np.zeros((8, 16, 16), "float32"), "rank 4.*rank 3"),
    ],
)
def test_bad_dataset_images_raise_before_any_update(images, match):
    gan = small_dcgan()
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
    before = values(gan.weights)
    with pytest.raises(ValueError, match=match):
        gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(4), epochs=1, verbose=0)
    assert_same(before, values(gan.weights))
    assert gan.d_optimizer.iterations.numpy() == 0


def test_batch_not_divisible_by_d_steps_raises_before_any_update():
    gan = small_dcgan(image_shape=(8, 8, 1))
    gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), d_steps=3)
    images = tf.data.Dataset.from_tensor_slices(np.zeros((16, 8, 8, 1), "float32"))
    with pytest.raises(ValueError, match="multiple of d_steps=3.*batch of 8 images"):
        gan.fit(images.batch(8, drop_remainder=True), verbose=0)
    # A batch size known only at run time is checked when the step runs.
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiple of d_steps=3"):
        gan.fit(images.batch(8), verbose=0)
    assert gan.d_optimizer.iterations.numpy() == 0


# --- Resuming -----------------------------------------------------------------


class Interrupt(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 1:
            raise KeyboardInterrupt


class Snapshot(keras.callbacks.Callback):
    """Records the state of both optimizers when called."""

    def __init__(self, when):
        super().__init__()
        self.when, self.state = when, None

    def _record(self):
        self.state = values(self.model.d_optimizer.variables) + values(self.model.g_optimizer.variables)

    def on_epoch_end(self, epoch, logs=None):
        if self.when == "epoch_end" and epoch == 0:
            self._record()

    def on_train_begin(self, logs=None):
        if self.when == "train_begin":
            self._record()


@pytest.mark.slow
def test_backup_and_restore_resumes_with_both_optimizers(tmp_path):
    images = np.random.default_rng(0).uniform(-1, 1, (32, 16, 16, 1)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(8)
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))

    keras.utils.set_random_seed(0)
    gan = small_dcgan()
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    after_first_epoch = Snapshot("epoch_end")
    with pytest.raises(KeyboardInterrupt):
        gan.fit(dataset, epochs=3, verbose=0, callbacks=[backup, after_first_epoch, Interrupt()])

    keras.utils.set_random_seed(1)  # a fresh process would start elsewhere
    resumed = small_dcgan()
    resumed.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    at_resume = Snapshot("train_begin")
    history = resumed.fit(dataset, epochs=3, verbose=0, callbacks=[backup, at_resume])
    # Both optimizers' iterations and Adam moments are the ones saved after epoch 1.
    assert_same(after_first_epoch.state, at_resume.state)
    assert at_resume.state[0] == 4  # d_optimizer.iterations after 4 steps
    assert len(history.history["d_loss"]) == 2  # epochs 2 and 3 only
    assert resumed.d_optimizer.iterations.numpy() == 12


@pytest.mark.parametrize("reduction", ["sum", "sum_over_batch_size", None])
def test_a_keras_loss_is_taken_per_sample_whatever_its_reduction(reduction):
    """BCE(1, l) = -log D(G(z)), twice the tutorial's non-saturating cost,
    so with SGD it must move G exactly as "non_saturating" at twice the
    learning rate, however the Loss would reduce on its own."""
    custom = compile_sgd(linear_gan(), loss=keras.losses.BinaryCrossentropy(from_logits=True, reduction=reduction))
    reference = linear_gan()
    reference.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(2 * LR_G), loss="non_saturating")
    for gan in (custom, reference):
        gan.fit(real_batch(), batch_size=6, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(weights(custom), weights(reference)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_a_cost_function_must_return_one_cost_per_sample():
    gan = compile_sgd(linear_gan(), loss=lambda logits: tf.reduce_mean(logits))
    with pytest.raises(ValueError, match=r"Expected one cost per sample.*Received: costs of shape \(\)"):
        gan.fit(real_batch(), batch_size=6, epochs=1, verbose=0)
