"""A run's parts from its resolved configuration: the data, the GAN, the quality callback.

Each function takes the configuration as a namespace (`config.loss`, ...)
with one attribute per `options.OPTIONS` name, and raises ValueError,
FileNotFoundError or RuntimeError with a message for the user before
anything is written.
"""

import os

import keras
import numpy as np

from keras_gan import architectures
from keras_gan import augment
from keras_gan import callbacks
from keras_gan import data
from keras_gan import optimizers
from keras_gan import packing
from keras_gan import schedules
from keras_gan.models import ConditionalGAN
from keras_gan.models import GAN
from keras_gan.models import Pix2Pix


def check_dataset(config):
    """Raises, before anything is read or written, for a `dataset` (and
    `targets`) that cannot be loaded: a path that is a file or does not
    exist, or a name that is neither stacked_mnist nor a dataset TFDS
    registers. Returns the kind: "paired", "folder", "stacked_mnist" or
    "tfds". What it cannot see without reading the data (a TFDS dataset
    not prepared locally, unreadable images) fails when the run loads it.

    Raises:
        FileNotFoundError, ValueError: naming --dataset (or --targets),
            what was expected and what was received.
    """
    if config.targets is not None:
        for flag, role, folder in (("--dataset", "input", config.dataset), ("--targets", "target", config.targets)):
            if not os.path.isdir(folder):
                raise FileNotFoundError(f"Invalid value for {flag}. Expected a folder of {role} images with "
                                        f"--targets. Received: {folder!r}, which is no folder")
        return "paired"
    if os.path.isdir(config.dataset):
        return "folder"
    if os.path.exists(config.dataset):
        raise FileNotFoundError(
            f"Invalid value for --dataset. Expected a folder of images or a TFDS name. Received: {config.dataset!r}, "
            "which is a file, not a folder"
        )
    if config.dataset == data.stacked_mnist.NAME:
        if config.conditional:
            raise ValueError("Invalid value for --conditional. Expected an unconditional run on stacked_mnist "
                             "(its 1,000 modes are what the generator must find). Received: --conditional")
        return "stacked_mnist"
    if not data.tfds.is_tfds_name(config.dataset):
        looks_like_path = config.dataset.startswith((".", "~")) or any(
            sep and sep in config.dataset for sep in (os.sep, os.altsep)
        )
        what = "no such folder (the path does not exist), and" if looks_like_path else "no folder of that name and"
        raise FileNotFoundError(
            f"Invalid value for --dataset. Expected a folder of images, stacked_mnist or a TFDS name. Received: "
            f"{config.dataset!r}: {what} no TFDS dataset of that name"
        )
    if config.crop:
        raise ValueError("Invalid value for --crop. Expected an image folder as --dataset. Received: a TFDS dataset")
    return "tfds"


def load_dataset(config):
    """(dataset, class names, skipped files): a folder's, Stacked MNIST's
    or a TFDS dataset's batches of `batch_size * d_steps`; class names only
    when conditional. `check_dataset` says which, or raises.
    """
    batch_size = config.batch_size * config.d_steps
    kind = check_dataset(config)
    if kind == "paired":
        dataset = data.load_paired_folders(config.dataset, config.targets, image_size=config.image_size,
                                           batch_size=batch_size, seed=config.seed,
                                           exif_orientation=not config.ignore_exif_orientation)
        return dataset, [], []
    if kind == "stacked_mnist":
        dataset = data.load_stacked_mnist(batch_size, seed=config.seed, split=config.split, data_dir=config.data_dir)
        return dataset, [], []
    if kind == "folder":
        dataset = data.load_image_folder(
            config.dataset,
            image_size=config.image_size,
            batch_size=batch_size,
            labels="inferred" if config.conditional else None,
            crop_to_aspect_ratio=config.crop,
            exif_orientation=not config.ignore_exif_orientation,
            seed=config.seed,
        )
        return dataset, dataset.class_names, dataset.skipped_files
    dataset = data.load_tfds(
        config.dataset,
        split=config.split,
        batch_size=batch_size,
        seed=config.seed,
        data_dir=config.data_dir,
        image_size=config.image_size,
        label_key="label" if config.conditional else None,
    )
    names = data.class_names(config.dataset, "label", config.data_dir) if config.conditional else []
    return dataset, names, []


def _scheduled(config, base, final):
    """`base`, or with a final value R3GAN's cosine burn-in from it (by the
    images of D's updates, the batch size)."""
    if final is None:
        return base
    return schedules.CosineBurnIn(base, final, config.burn_in_images, images_per_step=config.batch_size)


def _ema_half_life(config):
    """None, or the EMA's half-life in images (scheduled from 0 when only
    its final value is given)."""
    if config.ema_half_life is None and config.final_ema_half_life is None:
        return None
    return _scheduled(config, config.ema_half_life or 0.0, config.final_ema_half_life)


def _optimizer(config, learning_rate):
    """Keras's Adam (keras_gan's when beta_2 follows a schedule), or
    keras_gan's SGD, whose momentum a `MomentumRamp` can raise; the
    learning rate scheduled by R3GAN's burn-in or decayed per update."""
    if config.learning_rate_decay is not None:
        learning_rate = optimizers.FlooredExponentialDecay(learning_rate, 1, 1 / config.learning_rate_decay,
                                                           floor=config.min_learning_rate)
    learning_rate = _scheduled(config, learning_rate, config.final_learning_rate)
    if config.optimizer == "sgd":
        return optimizers.SGD(learning_rate, momentum=config.momentum)
    if config.final_beta_2 is None:
        return keras.optimizers.Adam(learning_rate, beta_1=config.beta_1, beta_2=config.beta_2)
    return optimizers.Adam(learning_rate, beta_1=config.beta_1, beta_2=_scheduled(config, config.beta_2,
                                                                                  config.final_beta_2))


def build_gan(config, image_shape, num_classes=None, target_shape=None):
    """The compiled `GAN` (or `ConditionalGAN`) of `config` for images of
    `image_shape`; with `target_shape` (`config.targets`), `Pix2Pix` from
    inputs of `image_shape` to targets of `target_shape`. Build it in the
    strategy's scope."""
    if target_shape is not None:
        width = {"width": config.width} if config.width else {}
        networks = (
            architectures.unet_generator(image_shape, output_channels=target_shape[-1], **width),
            architectures.patchgan_discriminator(image_shape, target_channels=target_shape[-1],
                                                 num_layers=_patchgan_layers(image_shape), **width),
        )
    else:
        make_generator, make_discriminator = architectures.BUILDERS[config.architecture]
        options = {"width": config.width} if config.width and config.architecture != "mlp" else {}
        networks = (
            make_generator(image_shape, latent_dim=config.latent_dim, num_classes=num_classes, **options),
            make_discriminator(packing.packed_shape(image_shape, config.pack), num_classes=num_classes,
                               spectral_norm=config.spectral_norm, **options),
        )
    augmentation = None
    if config.augment:
        probability = config.augment_probability
        if config.final_augment_probability is not None:
            probability = _scheduled(config, probability, config.final_augment_probability)
        augmentation = augment.DiffAugment(config.augment, probability=probability, target=config.ada_target)
    options = {"seed": config.seed, "ema_decay": config.ema_decay, "augmentation": augmentation,
               "ema_half_life": _ema_half_life(config)}
    if target_shape is not None:
        gan = Pix2Pix(*networks, l1_weight=config.l1_weight, **options)
    elif num_classes:
        gan = ConditionalGAN(*networks, num_classes=num_classes, **options)
    else:
        gan = GAN(*networks, latent_prior=config.latent_prior, pack=config.pack, **options)
    gan.compile(
        d_optimizer=_optimizer(config, config.d_learning_rate),
        g_optimizer=_optimizer(config, config.g_learning_rate),
        loss=config.loss,
        d_steps=config.d_steps,
        g_steps=config.g_steps,
        update=config.update,
        label_smoothing=config.label_smoothing,
        gradient_penalty=config.gradient_penalty,
        gradient_penalty_weight=_scheduled(config, config.gradient_penalty_weight,
                                           config.final_gradient_penalty_weight),
        gradient_penalty_every=config.gradient_penalty_every,
        jit_compile=config.jit_compile,
    )
    return gan


def _patchgan_layers(image_shape):
    """The paper's 3 stride-2 layers (a 70x70 PatchGAN), fewer where the
    sides do not halve 3 times."""
    layers = 0
    while layers < 3 and all(side % 2 ** (layers + 1) == 0 for side in image_shape[:2]):
        layers += 1
    if not layers:
        raise ValueError(f"Invalid value for --image-size. Expected sides that halve at least once for the "
                         f"PatchGAN. Received: images of size {tuple(image_shape[:2])}")
    return layers


def quality_metrics(config, image_shape, verbose=1):
    """The `QualityMetrics` callback of `eval_every`, or None; raises for bad
    evaluation settings before anything is written."""
    if config.eval_every is None:
        return None
    features = config.eval_features
    if features == "auto":
        features = "classifier" if image_shape == (28, 28, 1) else "fid_inception"
    if features == "classifier" and image_shape != (28, 28, 1):
        raise ValueError(f"--eval-features classifier needs 28x28x1 images (the MNIST classifier's); received "
                         f"images of shape {image_shape}. Use fid_inception with --fid-weights.")
    return callbacks.QualityMetrics(
        dataset=config.dataset,
        split=config.eval_split,
        features=features,
        num_samples=config.eval_samples,
        every_epochs=config.eval_every,
        resize=config.fid_resize,
        fid_weights=config.fid_weights,
        image_size=config.image_size,
        seed=config.seed,
        images_per_step=config.batch_size * config.d_steps,
        jsonl_path=os.path.join(config.output_dir, "metrics.jsonl"),
        best_export_dir=os.path.join(config.output_dir, "best"),
        data_dir=config.data_dir,
        verbose=verbose,
    )


def mode_count(config):
    """The `ModeCount` callback of `modes_every`, or None; raises for a
    dataset other than stacked_mnist."""
    if config.modes_every is None:
        return None
    if config.dataset != data.stacked_mnist.NAME:
        raise ValueError("Invalid value for --modes-every. Expected it with --dataset stacked_mnist (the modes are "
                         f"triples of MNIST classes). Received: --dataset {config.dataset}")
    return callbacks.ModeCount(config.modes_every, seed=config.seed,
                               jsonl_path=os.path.join(config.output_dir, "modes.jsonl"), verbose=1)


def stop_when_no_better(config, quality):
    """The `StopWhenNoBetter` callback of `patience`, or None; raises
    without `eval_every` (nothing to watch) and for `min_epochs` alone."""
    if config.patience is None:
        if config.min_epochs:
            raise ValueError(f"Invalid value for --min-epochs. Expected it with --patience. "
                             f"Received: --min-epochs {config.min_epochs} without --patience")
        return None
    if quality is None:
        raise ValueError("Invalid value for --patience. Expected it with --eval-every (the Frechet distance it "
                         f"watches). Received: --patience {config.patience} without --eval-every")
    return callbacks.StopWhenNoBetter(quality, config.patience, config.min_epochs)


OVERFITTING_IMAGES = 1000


def discriminator_overfitting(config):
    """The `DiscriminatorOverfitting` callback of `overfitting_every`, or
    None: the first 1,000 images of `split` (unshuffled) beside the first
    1,000 of `eval_split`; raises before anything is written for a folder."""
    if config.overfitting_every is None:
        return None
    if os.path.isdir(config.dataset):
        raise ValueError("Invalid value for --overfitting-every. Expected a TFDS dataset, whose --eval-split holds "
                         f"the held-out images. Received: the folder {config.dataset!r}")

    def first_images(split):
        loaded = data.load_tfds(
            config.dataset, split=split, batch_size=1, shuffle=False, data_dir=config.data_dir,
            image_size=config.image_size, label_key="label" if config.conditional else None,
        ).take(OVERFITTING_IMAGES)
        if config.conditional:
            pairs = list(loaded.as_numpy_iterator())
            return np.concatenate([x for x, _ in pairs]), np.concatenate([y for _, y in pairs])
        return np.concatenate(list(loaded.as_numpy_iterator())), None

    (train, train_labels), (held_out, held_out_labels) = first_images(config.split), first_images(config.eval_split)
    return callbacks.DiscriminatorOverfitting(
        train, held_out, train_labels=train_labels, held_out_labels=held_out_labels,
        every_epochs=config.overfitting_every, seed=config.seed,
    )


def every_n_epochs_checkpoint(directory, every):
    """A ModelCheckpoint that saves `epoch_NNNN.keras` every `every` epochs."""

    class EveryNEpochs(keras.callbacks.ModelCheckpoint):
        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % every == 0:
                super().on_epoch_end(epoch, logs)

    return EveryNEpochs(os.path.join(directory, "epoch_{epoch:04d}.keras"))
