"""Pix2Pix: the U-Net and PatchGAN by shape and receptive field, the L1 term by
hand, one step of the one train_step by hand, paired data, export, errors."""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import keras_gan
from keras_gan import architectures
from keras_gan.models import AdversarialModel

LR_D, LR_G, LAMBDA = 0.5, 0.3, 2.0
A, B, C, C0 = 0.4, -0.7, 0.1, 0.25


@pytest.mark.parametrize("side, depth", [(28, 2), (32, 5), (64, 6), (256, 8)])
def test_unet_keeps_the_size_at_every_side_that_halves(side, depth):
    generator = architectures.unet_generator((side, side, 3), output_channels=1, width=2)
    assert generator.output_shape == (None, side, side, 1)
    strided = [layer for layer in generator.layers if isinstance(layer, keras.layers.Conv2D)
               and not isinstance(layer, keras.layers.Conv2DTranspose)]
    assert len(strided) == depth  # one halving per encoder layer
    dropouts = [layer for layer in generator.layers if isinstance(layer, keras.layers.Dropout)]
    assert len(dropouts) == min(3, depth - 1) and all(d.rate == 0.5 for d in dropouts)


@pytest.mark.parametrize("side, num_layers, patches", [(28, 2, 7), (32, 3, 4), (64, 3, 8), (256, 3, 32)])
def test_patchgan_gives_a_map_of_logits(side, num_layers, patches):
    discriminator = architectures.patchgan_discriminator((side, side, 1), target_channels=3, width=2,
                                                         num_layers=num_layers)
    assert discriminator.input_shape == (None, side, side, 4)
    assert discriminator.output_shape == (None, patches, patches, 1)


@pytest.mark.parametrize("num_layers", [1, 2])
def test_patchgan_receptive_field_is_the_support_of_one_logits_gradient(num_layers):
    """The pixels one logit depends on form a square of the documented side
    (16 for one stride-2 layer, 34 for two, 70 for the paper's three)."""
    assert [architectures.patchgan_receptive_field(n) for n in (1, 2, 3)] == [16, 34, 70]
    keras.utils.set_random_seed(0)
    discriminator = architectures.patchgan_discriminator((64, 64, 1), width=2, num_layers=num_layers)
    pairs = tf.random.normal((1, 64, 64, 2))
    with tf.GradientTape() as tape:
        tape.watch(pairs)
        logits = discriminator(pairs, training=False)
        middle = logits.shape[1] // 2
        value = logits[0, middle, middle, 0]
    support = np.abs(tape.gradient(value, pairs).numpy()[0]).sum(axis=-1) > 0
    rows, columns = np.nonzero(support.any(axis=1))[0], np.nonzero(support.any(axis=0))[0]
    field = architectures.patchgan_receptive_field(num_layers)
    assert rows[-1] - rows[0] + 1 == field and columns[-1] - columns[0] + 1 == field


def linear_pix2pix(**kwargs):
    """G(x) = c0 (a 1x1 convolution, kernel 0); D(x, y) = a x + b y + c per pixel."""
    x = keras.Input((2, 2, 1))
    generator = keras.Model(x, keras.layers.Conv2D(1, 1, kernel_initializer="zeros",
                                                   bias_initializer=keras.initializers.Constant(C0))(x))
    pairs = keras.Input((2, 2, 2))
    logits = keras.layers.Conv2D(1, 1, kernel_initializer=keras.initializers.Constant([[[[A], [B]]]]),
                                 bias_initializer=keras.initializers.Constant(C))(pairs)
    pix2pix = keras_gan.Pix2Pix(generator, keras.Model(pairs, logits), l1_weight=LAMBDA, seed=0, **kwargs)
    pix2pix.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(LR_G))
    return pix2pix


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def test_pix2pix_uses_the_gan_train_step():
    assert "train_step" not in keras_gan.Pix2Pix.__dict__
    assert keras_gan.Pix2Pix.train_step is AdversarialModel.train_step


def test_one_step_by_hand_d_on_pairs_g_on_gan_plus_lambda_l1():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (3, 2, 2, 1)).astype(np.float32)
    y = rng.uniform(-1, 1, (3, 2, 2, 1)).astype(np.float32)
    pix2pix = linear_pix2pix()
    logs = pix2pix.train_on_batch(x, y, return_dict=True)
    x64, y64 = x.astype(np.float64)[..., 0], y.astype(np.float64)[..., 0]
    # D on (x, y) against (x, G(x) = c0), each pixel a patch; costs averaged.
    real, fake = A * x64 + B * y64 + C, A * x64 + B * C0 + C
    grad_real, grad_fake = 0.5 * (sigmoid(real) - 1), 0.5 * sigmoid(fake)
    a = A - LR_D * np.mean(grad_real * x64 + grad_fake * x64)
    b = B - LR_D * np.mean(grad_real * y64 + grad_fake * C0)
    c = C - LR_D * np.mean(grad_real + grad_fake)
    # G: the paper's -log D = softplus(-f) (not the tutorial's 1/2 of it)
    # through the updated D, plus lambda |c0 - y|, per pixel.
    fake_after = a * x64 + b * C0 + c
    c0 = C0 - LR_G * np.mean(-(1 - sigmoid(fake_after)) * b + LAMBDA * np.sign(C0 - y64))
    kernel, bias = pix2pix.discriminator.get_weights()
    np.testing.assert_allclose([kernel[0, 0, 0, 0], kernel[0, 0, 1, 0], bias[0]], [a, b, c], rtol=1e-5)
    np.testing.assert_allclose(pix2pix.generator.get_weights()[1][0], c0, rtol=1e-5)
    np.testing.assert_allclose(logs["l1"], np.mean(np.abs(C0 - y64)), rtol=1e-5)
    np.testing.assert_allclose(logs["g_loss"], np.mean(np.log1p(np.exp(-fake_after))), rtol=1e-5)
    np.testing.assert_allclose(logs["d_loss"], np.mean(0.5 * np.log1p(np.exp(-real)) + 0.5 * np.log1p(np.exp(fake))),
                               rtol=1e-5)


def test_l1_term_value_and_gradient_by_hand():
    pix2pix = linear_pix2pix()
    fake = tf.constant([[[[0.5], [-0.5]], [[0.0], [1.0]]]])
    real = tf.constant([[[[0.0], [0.5]], [[0.25], [1.0]]]])
    logits = tf.zeros((1, 2, 2, 1))
    with tf.GradientTape() as tape:
        tape.watch(fake)
        g_loss, g_cost = pix2pix.generator_cost(pix2pix.objective.generator_loss(logits), fake, real)
    # |0.5| + |-1| + |-0.25| + |0| over 4 pixels = 0.4375; game part -log D = log 2.
    np.testing.assert_allclose(g_loss, [np.log(2)], rtol=1e-6)
    np.testing.assert_allclose(g_cost, [np.log(2) + LAMBDA * 0.4375], rtol=1e-6)
    # d|f - r| / df = sign(f - r) / 4 (tf's sign(0) = 0), times lambda;
    # the game's part: -(1 - D) d l/d f = 0 here (logits given).
    np.testing.assert_allclose(tape.gradient(g_cost, fake)[0, ..., 0], LAMBDA / 4 * np.array([[1, -1], [-1, 0]]))


@pytest.mark.parametrize(
    "loss, adversarial",
    [
        ("non_saturating", np.log1p(np.exp(-0.5))),  # -log D(l = 0.5): the paper's, twice the tutorial's
        ("minimax", -np.log1p(np.exp(0.5))),  # log(1 - D): twice the tutorial's 1/2 log(1 - D)
        ("hinge", -0.5),  # -l, as defined
        ("least_squares", 0.5 * 0.5**2),  # 1/2 (l - 1)^2, as defined (Mao et al.)
    ],
)
def test_adversarial_term_is_the_papers_for_each_game(loss, adversarial):
    pix2pix = linear_pix2pix()
    pix2pix.compile(keras.optimizers.SGD(LR_D), keras.optimizers.SGD(LR_G), loss=loss)
    fake = tf.constant([[[[0.5]]]])
    game_cost = pix2pix.objective.generator_loss(tf.fill((1, 2, 2, 1), 0.5))  # per sample: the mean over patches
    g_loss, g_cost = pix2pix.generator_cost(game_cost, fake, fake)  # L1 = 0
    np.testing.assert_allclose(g_loss, [adversarial], rtol=1e-6)
    np.testing.assert_allclose(g_cost, [adversarial], rtol=1e-6)


def test_export_takes_input_images_and_the_keras_file_round_trips(tmp_path):
    pix2pix = keras_gan.Pix2Pix(architectures.unet_generator((8, 8, 1), width=2),
                                architectures.patchgan_discriminator((8, 8, 1), width=2, num_layers=2), seed=0)
    pix2pix.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    x = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype(np.float32)
    pix2pix.fit(x, x[:, ::-1], batch_size=4, epochs=1, verbose=0)
    keras_gan.export.export_generator(pix2pix, tmp_path / "generator")
    serving = tf.saved_model.load(str(tmp_path / "generator")).signatures["serving_default"]
    outputs = serving(inputs=tf.constant(x[:3]))
    np.testing.assert_allclose(outputs["images"], pix2pix.translate(x[:3]), atol=1e-6)
    assert outputs["images_uint8"].dtype == tf.uint8
    pix2pix.save(tmp_path / "pix2pix.keras")
    restored = keras.saving.load_model(tmp_path / "pix2pix.keras")
    assert isinstance(restored, keras_gan.Pix2Pix) and restored.l1_weight == 100.0
    np.testing.assert_allclose(restored.translate(x[:3]), pix2pix.translate(x[:3]), atol=1e-6)
    # Stochastic translation (dropout on) differs between calls and leaves G as it was.
    before = [w.copy() for w in pix2pix.generator.get_weights()]
    assert not np.allclose(pix2pix.translate(x[:3], stochastic=True), pix2pix.translate(x[:3], stochastic=True))
    for a, b in zip(before, pix2pix.generator.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_paired_folders_pair_by_file_name(tmp_path):
    rng = np.random.default_rng(0)
    for name in ("a.png", "b.png", "c.png"):
        pixels = rng.integers(0, 256, (4, 4), dtype=np.uint8)
        for folder, image in (("x", pixels), ("y", 255 - pixels)):
            os.makedirs(tmp_path / folder, exist_ok=True)
            Image.fromarray(image, mode="L").save(tmp_path / folder / name)
    dataset = keras_gan.data.load_paired_folders(tmp_path / "x", tmp_path / "y", batch_size=3, seed=0)
    inputs, targets = next(iter(dataset))
    assert inputs.shape == targets.shape == (3, 4, 4, 1)
    # y = 255 - x: in [-1, 1], y = -x for every pair, whatever the shuffle.
    np.testing.assert_allclose(targets, -inputs, atol=1e-6)
    os.remove(tmp_path / "y" / "b.png")
    with pytest.raises(ValueError, match="Expected the same file names as `inputs_dir`.*'b.png' in inputs_dir only"):
        keras_gan.data.load_paired_folders(tmp_path / "x", tmp_path / "y", batch_size=2)


def test_bad_inputs_raise_before_training():
    with pytest.raises(ValueError, match="argument `l1_weight`. Expected a float >= 0.*Received: l1_weight=-1"):
        keras_gan.Pix2Pix(
            architectures.unet_generator((8, 8, 1), width=2),
            architectures.patchgan_discriminator((8, 8, 1), width=2, num_layers=2), l1_weight=-1)
    with pytest.raises(ValueError, match="targets of size \\(8, 4\\)"):
        keras_gan.data.paired_from_arrays(np.zeros((4, 8, 8)), np.zeros((4, 8, 4)), batch_size=2)
    pix2pix = linear_pix2pix()
    with pytest.raises(ValueError, match="Expected \\(inputs, targets\\) pairs.*without targets"):
        pix2pix.fit(np.zeros((4, 2, 2, 1), np.float32), batch_size=2, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="Invalid dataset inputs. Expected shape \\(batch, 2, 2, 1\\)"):
        pix2pix.fit(np.zeros((4, 4, 4, 1), np.float32), np.zeros((4, 2, 2, 1), np.float32), batch_size=2,
                    epochs=1, verbose=0)
    assert int(pix2pix.d_optimizer.iterations) == 0
    with pytest.raises(ValueError, match="Expected an input of \\(x, y\\) pairs, shape \\(None, 8, 8, 2\\)"):
        keras_gan.Pix2Pix(architectures.unet_generator((8, 8, 1), width=2),
                          architectures.patchgan_discriminator((8, 8, 1), target_channels=3, width=2, num_layers=2))
    # No z: none of GAN's noise members, and no inherited method that raises.
    noise_members = ("generate", "generate_from_latent", "sample_latent", "latent_dim")
    assert not any(hasattr(pix2pix, name) for name in noise_members)
    assert not {"latent_dim", "latent_prior", "pack"} & set(pix2pix.get_config())


@pytest.mark.slow
def test_train_py_trains_pix2pix_on_paired_folders(tmp_path, monkeypatch, capsys):
    """`train.py --dataset x --targets y`: Pix2Pix from grayscale x to RGB
    y, lambda from --l1-weight, grids of x, G(x), y, the export from x; and
    the flags a Pix2Pix run cannot use are refused before anything is
    written."""
    from keras_gan.run import cli

    rng = np.random.default_rng(0)
    for i in range(8):
        pixels = rng.integers(0, 256, (16, 16), dtype=np.uint8)
        for folder, image in (("x", Image.fromarray(pixels, mode="L")),
                              ("y", Image.fromarray(np.stack([pixels, 255 - pixels, pixels], -1), mode="RGB"))):
            os.makedirs(tmp_path / folder, exist_ok=True)
            image.save(tmp_path / folder / f"{i}.png")
    run = tmp_path / "run"
    flags = ["--dataset", str(tmp_path / "x"), "--targets", str(tmp_path / "y"), "--width", "4", "--batch-size", "4",
             "--epochs", "1", "--steps-per-epoch", "2", "--l1-weight", "10", "--output-dir", str(run)]
    monkeypatch.chdir(tmp_path)  # in-process: TensorFlow is imported already
    for extra, message in ((["--conditional"], "argument --conditional: not used with --targets"),
                           (["--eval-every", "1"], "argument --eval-every: not used with --targets")):
        with pytest.raises(SystemExit):
            cli.main(flags + extra)
        assert message in capsys.readouterr().err and not run.exists()
    with pytest.raises(SystemExit):
        cli.main(["--l1-weight", "10"])  # without --targets
    assert "argument --l1-weight: expected --targets too" in capsys.readouterr().err
    cli.main(flags + ["--verbose", "0"])
    assert json.loads((run / "config.json").read_text())["l1_weight"] == 10.0
    grid = np.asarray(Image.open(run / "samples" / "epoch_0001.png"))
    assert grid.ndim == 3  # RGB: the grayscale row x shown beside the colour rows
    assert not (run / "interpolation").exists()  # no z
    generator = tf.saved_model.load(str(run / "generator"))
    outputs = generator.signatures["serving_default"](tf.zeros((2, 16, 16, 1)))
    assert outputs["images"].shape == (2, 16, 16, 3)
