"""Every setting of a training run: its flag, type, default and help, in one table.

The command line (`python train.py`) is built from `OPTIONS`, recipes state
their differences from `DEFAULTS` by the same names, and a run's
`config.json` holds one value per name. The choices a user can name come
from the library itself (`games.GAMES`, `penalties.PENALTIES`,
`architectures.BUILDERS`, ...), so the command line and the library cannot
disagree.
"""

import argparse
import collections

from keras_gan import architectures
from keras_gan import augment
from keras_gan import distribute
from keras_gan import games
from keras_gan import optimizers
from keras_gan import penalties
from keras_gan.evaluation import fid_inception
from keras_gan.evaluation import reference
from keras_gan.models.gan import LATENT_PRIORS
from keras_gan.models.adversarial import UPDATES

# Keras's dtype policies for mixed precision, and "off".
PRECISIONS = ("off", "mixed_float16", "mixed_bfloat16")
EVAL_FEATURES = ("auto", *reference.FEATURE_NETWORKS)


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an int >= 1, received {text}")
    return value


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an int >= 0, received {text}")
    return value


def positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a float > 0, received {text}")
    return value


def unit_interval(text):
    value = float(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a float in [0, 1), received {text}")
    return value


def non_negative_float(text):
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a float >= 0, received {text}")
    return value


def probability(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a float in [0, 1], received {text}")
    return value


def open_unit_interval(text):
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a float in (0, 1), received {text}")
    return value


def augment_probability(text):
    if text == "adaptive":
        return text
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a float in [0, 1] or 'adaptive', received {text}")
    return value


def augment_policy(text):
    names = text.split(",")
    if not all(name in augment.POLICIES for name in names):
        raise argparse.ArgumentTypeError(f"expected names from {', '.join(augment.POLICIES)} joined by commas, "
                                         f"received {text}")
    return text


def widths(text):
    """"64", or one width per stage for r3gan, "768,768,768,768,384"."""
    values = [positive_int(part) for part in text.split(",")]
    return values[0] if len(values) == 1 else values


def image_size(text):
    try:
        height, width = (int(side) for side in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HEIGHTxWIDTH, e.g. 64x64, received {text}")
    return [height, width]


Option = collections.namedtuple("Option", ["name", "default", "type", "choices", "metavar", "help"])
Option.__new__.__defaults__ = (None, None, None)  # type, choices, metavar


def flag(name, default, help, type=None, choices=None, metavar=None):  # noqa: A002 - argparse's names
    return Option(name, default, type, tuple(choices) if choices is not None else None, metavar, help)


# A bool default makes a switch (--name sets True). "(default: ...)" is
# added to each help from the default.
OPTIONS = (
    # The data.
    flag("dataset", "mnist", "a folder of images (PNG, JPEG, BMP, GIF, TIFF, WebP; --conditional: one subfolder per "
         "class), a TFDS dataset with an `image` feature, or stacked_mnist (three MNIST digits of --split as RGB, "
         "128,000 drawn with --seed); an existing path is a folder"),
    flag("split", "train", "TFDS split, slicing allowed"),
    flag("data_dir", None, "TFDS data directory (default: $TFDS_DATA_DIR or ~/tensorflow_datasets)"),
    flag("image_size", None, "resize images to HEIGHTxWIDTH, e.g. 64x64", type=image_size),
    flag("crop", False, "image folders: centre-crop each image to --image-size's aspect ratio before resizing "
         "(else it is stretched)"),
    flag("ignore_exif_orientation", False, "image folders: the pixels as stored, not turned upright by the photo's "
         "EXIF orientation tag"),
    flag("conditional", False, "class-conditional GAN on the dataset's `label` feature"),
    flag("targets", None, "image to image: a folder of target images y with the same file names as --dataset's "
         "inputs x; trains Pix2Pix (Isola et al. 2017: a U-Net G of --width, a 70x70 PatchGAN D) instead of a GAN "
         "(default: none)", metavar="FOLDER"),
    flag("l1_weight", 100.0, "--targets: lambda, the weight of G's L1 term (Isola et al. 2017, eq. 4)",
         type=non_negative_float),
    # The networks and the latent prior.
    flag("architecture", "dcgan", "networks", choices=architectures.BUILDERS),
    flag("width", None, "channels w of the networks (default: the builder's, 64 for dcgan and sngan, 32 for r3gan; "
         "resnet 256 in G and 128 in D up to 32x32, 64 above); r3gan also takes one per stage, base to image, e.g. "
         "768,768,768,768,384", type=widths),
    flag("latent_dim", 100, "size of z", type=positive_int),
    flag("latent_prior", "normal", "the prior of z: N(0, I) or U(-sqrt 3, sqrt 3) per dimension",
         choices=LATENT_PRIORS),
    flag("pack", 1, "PacGAN's packing: D judges m samples at once (Lin et al. 2018)", type=positive_int),
    flag("spectral_norm", False, "spectrally normalize every layer of D (Miyato et al. 2018)"),
    # The game.
    flag("loss", "non_saturating", "the game: a generator cost against D's cross-entropy (non_saturating, minimax, "
         "maximum_likelihood) or hinge, least_squares, wasserstein, relativistic_pairing (R3GAN), relativistic_average",
         choices=games.GAMES),
    flag("d_steps", 1, "discriminator updates per generator update, k", type=positive_int),
    flag("g_steps", 1, "generator updates after the k D updates of a step (2 in PacGAN's Stacked MNIST code)",
         type=positive_int),
    flag("update", "alternating", "alternating: k D updates, then G through the updated D (Algorithm 1); "
         "simultaneous: both from one forward pass (the 2014 code, PacGAN)", choices=UPDATES),
    flag("label_smoothing", 0.0, "one-sided: real targets become 1 - alpha; cross-entropy games only",
         type=unit_interval),
    flag("gradient_penalty", None, "a penalty on D's input gradient (default: none)", choices=penalties.PENALTIES),
    flag("gradient_penalty_weight", None, "lambda or gamma (default: 10 for wgan_gp; 0.0002 side^2 / 64 for r1, "
         "r2 and r1_r2)", type=non_negative_float),
    flag("gradient_penalty_every", 1, "lazy regularization: the penalty every N-th D update, N times the weight",
         type=positive_int, metavar="N"),
    flag("augment", None, "DiffAugment on every image D sees, e.g. color,translation,cutout (default: none)",
         type=augment_policy, metavar="POLICY"),
    flag("augment_probability", 1.0, "probability of each transformation, or adaptive (ADA's p, from 0, toward "
         "--ada-target)", type=augment_probability),
    flag("ada_target", 0.6, "target of ADA's r_t", type=open_unit_interval),
    flag("ema_decay", None, "keep an EMA of G's weights with this decay per G update, e.g. 0.999; samples and the "
         "export use it (default: none)", type=open_unit_interval),
    flag("ema_half_life", None, "instead of --ema-decay: the EMA's half-life in images (StyleGAN2-ADA's ema_kimg x "
         "1000; R3GAN's, with --final-ema-half-life)", type=non_negative_float, metavar="IMAGES"),
    # The optimisation.
    flag("epochs", 5, "epochs", type=positive_int),
    flag("steps_per_epoch", None, "generator updates per epoch (default: one pass over the data, examples // "
         "(batch size x d-steps))", type=positive_int),
    flag("batch_size", 128, "minibatch size m of each update", type=positive_int),
    flag("optimizer", "adam", "both players' optimizer: Adam, or SGD with momentum (the 2014 GAN's)",
         choices=optimizers.OPTIMIZERS),
    flag("d_learning_rate", 2e-4, "learning rate of D", type=positive_float),
    flag("g_learning_rate", 2e-4, "learning rate of G", type=positive_float),
    flag("beta_1", 0.5, "Adam beta_1 of both optimizers", type=unit_interval),
    flag("beta_2", 0.999, "Adam beta_2 of both optimizers", type=unit_interval),
    flag("momentum", 0.5, "--optimizer sgd: the momentum (its value in epoch 1 with --final-momentum)",
         type=unit_interval),
    flag("final_momentum", None, "--optimizer sgd: raise the momentum linearly to this, reached at epoch "
         "--momentum-saturate (pylearn2's MomentumAdjustor; 0.7 in the 2014 GAN) (default: constant)",
         type=unit_interval),
    flag("momentum_saturate", 250, "the first epoch at --final-momentum", type=positive_int, metavar="EPOCH"),
    flag("learning_rate_decay", None, "divide both learning rates by this after every update, e.g. 1.000004 (the "
         "2014 GAN's, down to --min-learning-rate) (default: constant)", type=positive_float),
    flag("min_learning_rate", 0.0, "the floor of --learning-rate-decay", type=non_negative_float),
    flag("seed", 0, "seed of weights, noise and shuffling", type=int),
    # R3GAN's schedules: from the value above to the final value over the burn-in, by half a cosine.
    flag("burn_in_images", None, "R3GAN's cosine burn-in over this many images: each --final-* setting goes from "
         "its base value to its final value, then stays (default: no schedule)", type=positive_float,
         metavar="IMAGES"),
    flag("final_learning_rate", None, "both players' learning rate after the burn-in", type=positive_float),
    flag("final_beta_2", None, "Adam beta_2 after the burn-in", type=unit_interval),
    flag("final_gradient_penalty_weight", None, "gamma after the burn-in", type=non_negative_float),
    flag("final_augment_probability", None, "--augment's probability after the burn-in (from "
         "--augment-probability; R3GAN's p schedule)", type=probability),
    flag("final_ema_half_life", None, "the EMA's half-life in images after the burn-in (from --ema-half-life, "
         "default 0)", type=non_negative_float, metavar="IMAGES"),
    # The run directory and how the run is carried out.
    flag("output_dir", None, "run directory (default: runs/<dataset>_<architecture>, or runs/<dataset>_<recipe> "
         "with --recipe)"),
    flag("tensorboard", False, "write TensorBoard scalars and sample grids to <output-dir>/tensorboard"),
    flag("backup_every", None, "back up every N generator updates as well as every epoch; a rerun resumes "
         "mid-epoch (default: every epoch)", type=positive_int, metavar="N"),
    flag("save_every", None, "save the whole GAN (.keras) to <output-dir>/checkpoints every N epochs",
         type=positive_int, metavar="N"),
    flag("strategy", "auto", "tf.distribute strategy: auto (all GPUs when more than one), default, mirrored, "
         "multi_worker (from TF_CONFIG), tpu", choices=distribute.STRATEGIES),
    flag("mixed_precision", "off", "compute dtype policy; mixed_float16 adds loss scaling", choices=PRECISIONS),
    flag("jit_compile", False, "compile each training step with XLA (the same update; other random numbers)"),
    flag("deterministic", False, "deterministic ops (tf.config.experimental.enable_op_determinism): reruns and "
         "resumed runs give bit-identical weights"),
    # Quality while training.
    flag("eval_every", None, "every N epochs, the Frechet distance and KID of --eval-samples generated images "
         "against the dataset's --eval-split, into the logs, metrics.jsonl, metrics.png and best/ (default: off)",
         type=positive_int, metavar="N"),
    flag("eval_samples", 10000, "images per evaluation", type=positive_int),
    flag("modes_every", None, "--dataset stacked_mnist: every N epochs, the modes captured (of 1,000) and KL to "
         "uniform of 26,000 generated samples (PacGAN's count), into the logs, history.csv and modes.jsonl (default: "
         "off)", type=positive_int, metavar="N"),
    flag("patience", None, "with --eval-every: stop when the last N evaluations are all above the lowest Frechet "
         "distance so far (and at least --min-epochs are done); a resumed run keeps counting (default: off)",
         type=positive_int, metavar="N"),
    flag("min_epochs", 0, "with --patience: epochs before training may stop", type=non_negative_int, metavar="N"),
    flag("eval_split", "test", "the reference split of a TFDS dataset"),
    flag("eval_features", "auto", "feature network: classifier (the MNIST classifier; fcd/kcd), fid_inception "
         "(FID's network, needs --fid-weights; fid/kid), inception_imagenet (Keras's ImageNet weights, not FID's); "
         "auto: classifier for 28x28x1 images, else fid_inception", choices=EVAL_FEATURES),
    flag("fid_weights", None, "the FID Inception weights converted by python -m keras_gan.evaluation.fid_inception "
         "(a .weights.h5 file)"),
    flag("overfitting_every", None, "every N epochs, D's mean logit and r_t on 1,000 training images beside 1,000 "
         "of --eval-split that D never sees (d_logit_gap grows as D memorises; TFDS datasets), into the logs and "
         "history.csv (default: off)", type=positive_int, metavar="N"),
    flag("fid_resize", "legacy_tf", "FID's resize to 299x299 (legacy_tf: TF's original bilinear)",
         choices=fid_inception.RESIZE_MODES),
)
DEFAULTS = {option.name: option.default for option in OPTIONS}
# Settings that may differ when an interrupted run is continued: where the
# data are, what is written beside the run, and how the step is carried out
# (the same update).
MAY_CHANGE = (
    "epochs", "patience", "min_epochs", "data_dir", "tensorboard", "save_every", "backup_every", "strategy",
    "jit_compile", "deterministic", "fid_weights", "modes_every",
)
# Derived from the data, not chosen: recorded in config.json.
DERIVED = ("class_names",)


def add_to(parser):
    """Adds every option to `parser` with the default `argparse.SUPPRESS`,
    so that the parsed namespace holds only the flags given (a recipe's
    values then stand unless a flag overrides them)."""
    for option in OPTIONS:
        name = "--" + option.name.replace("_", "-")
        if isinstance(option.default, bool):
            parser.add_argument(name, action="store_true", default=argparse.SUPPRESS, help=option.help)
            continue
        shown = "none" if option.default is None else option.default
        help_text = option.help if "(default:" in option.help else f"{option.help} (default: {shown})"
        parser.add_argument(name, type=option.type, choices=option.choices, metavar=option.metavar,
                            default=argparse.SUPPRESS, help=help_text)
