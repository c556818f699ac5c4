"""Train a GAN on a TensorFlow Datasets dataset or an image folder; write a run directory.

    python train.py                      # DCGAN on MNIST, 5 epochs, runs/mnist_dcgan
    python train.py --architecture mlp --loss minimax --d-steps 2 --epochs 20
    python train.py --conditional        # one class per grid row, runs/mnist_dcgan_conditional
    python train.py --dataset path/to/images --image-size 64x64   # a folder of PNG/JPEG/BMP/GIF files
    python train.py --dataset path/to/classes --conditional       # one subfolder per class
    python train.py --architecture sngan --loss hinge --spectral-norm --d-steps 5 \
        --learning-rate 2e-4 --beta-1 0 --beta-2 0.9   # SNGAN (README: Recipes)
    python train.py --eval-every 1                 # FCD and KID of 10,000 samples every epoch

The run directory (--output-dir) receives:

    config.json         the resolved configuration (class_names: a conditional run's classes)
    samples/            epoch_NNNN.png, an 8x8 grid from fixed noise per epoch
                        (--conditional: one row of 8 per class), and
                        samples.gif, all of them animated
    interpolation/      epoch_NNNN.png, linear and spherical paths in z
    history.csv         d_loss, g_loss, d_real, d_fake, loss per epoch (CSVLogger)
    losses.png          the same, plotted
    backup/             while training: weights, both optimizers, random state,
    backup.previous/    epoch and batch (the newest backup, and the one before)
    generator/          the trained generator as a SavedModel
    checkpoints/        with --save-every N: epoch_NNNN.keras every N epochs
    tensorboard/        with --tensorboard: scalars (train/) and grids (samples/)
    metrics.jsonl       with --eval-every N: one JSON object per evaluation (step, images
                        seen, e.g. fcd10k_test and kcd10k_test, seconds it took)
    metrics.png         the same, plotted against generator updates
    best/, best.json    the generator export of the evaluation with the lowest Frechet
                        distance, and that evaluation's record

Rerunning the same command after an interruption resumes from the last
backup (every epoch, or every --backup-every N generator updates, or on
SIGTERM / SIGINT, after which train.py exits with 128 + the signal number),
both optimizers' state included; a damaged backup falls back to the one
before. A directory that holds a finished run, or a run with a different
configuration, is never overwritten. A file-system failure ends in one
`error:` line naming the path.
"""

import argparse
import csv
import json
import os
import sys
import warnings

# keras_gan.games.GAMES and .penalties.PENALTIES (train.py parses its flags
# before importing TensorFlow).
LOSSES = ("non_saturating", "minimax", "maximum_likelihood", "hinge", "least_squares", "wasserstein")
PENALTIES = ("wgan_gp", "r1", "r2")
ARCHITECTURES = ("dcgan", "mlp", "sngan", "resnet")
AUGMENT_POLICIES = ("color", "translation", "cutout")  # keras_gan.augment.POLICIES
# Keys that may differ when an interrupted run is resumed; keys derived from
# the data, not given as flags.
RESUMABLE_CHANGES = (
    "epochs", "data_dir", "tensorboard", "save_every", "backup_every", "strategy", "jit_compile", "deterministic",
    "fid_weights",
)
DERIVED = ("class_names",)
# keras_gan.callbacks.BackupAndRestore's directories: the newest backup, one
# being written, the one before, one being retired (listed here because the
# run directory is checked before TensorFlow is imported).
BACKUP_SUFFIXES = ("", ".partial", ".previous", ".retired")
STRATEGIES = ("auto", "default", "mirrored", "multi_worker", "tpu")
PRECISIONS = ("off", "mixed_float16", "mixed_bfloat16")
EVAL_FEATURES = ("auto", "classifier", "fid_inception", "inception_imagenet")  # evaluation.reference
FID_RESIZE_MODES = ("legacy_tf", "pytorch_fid", "clean")  # evaluation.fid_inception


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an int >= 1, received {text}")
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
    if not all(name in AUGMENT_POLICIES for name in names):
        raise argparse.ArgumentTypeError(f"expected names from {', '.join(AUGMENT_POLICIES)} joined by commas, "
                                         f"received {text}")
    return text


def image_size(text):
    try:
        height, width = (int(side) for side in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HEIGHTxWIDTH, e.g. 64x64, received {text}")
    return [height, width]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--dataset", default="mnist",
        help="a folder of images (PNG, JPEG, BMP, GIF, TIFF, WebP; --conditional: one subfolder per class), or a "
        "TFDS dataset with an `image` feature; an existing path is a folder (default: mnist)")
    add("--split", default="train", help="TFDS split, slicing allowed (default: train)")
    add("--data-dir", default=None, help="TFDS data directory (default: $TFDS_DATA_DIR or ~/tensorflow_datasets)")
    add("--image-size", type=image_size, default=None, help="resize images to HEIGHTxWIDTH, e.g. 64x64")
    add("--crop", action="store_true",
        help="image folders: centre-crop each image to --image-size's aspect ratio before resizing (default: "
        "stretch it)")
    add("--ignore-exif-orientation", action="store_true",
        help="image folders: the pixels as stored, not turned upright by the photo's EXIF orientation tag")
    add("--conditional", action="store_true", help="class-conditional GAN on the dataset's `label` feature")
    add("--architecture", choices=ARCHITECTURES, default="dcgan", help="networks (default: dcgan)")
    add("--width", type=positive_int, default=None,
        help="channels w of the dcgan, sngan or resnet networks (default: the builder's, 64 for dcgan and sngan; "
        "resnet 256 in G and 128 in D up to 32x32, 64 above)")
    add("--latent-dim", type=positive_int, default=100, help="size of z (default: 100)")
    add("--loss", choices=LOSSES, default="non_saturating",
        help="the game: a generator cost against D's cross-entropy (non_saturating, minimax, maximum_likelihood) "
        "or hinge, least_squares, wasserstein (default: non_saturating)")
    add("--d-steps", type=positive_int, default=1, help="discriminator updates per generator update, k (default: 1)")
    add("--label-smoothing", type=unit_interval, default=0.0,
        help="one-sided: real targets become 1 - alpha; cross-entropy games only (default: 0)")
    add("--gradient-penalty", choices=PENALTIES, default=None, help="a penalty on D's input gradient (default: none)")
    add("--gradient-penalty-weight", type=non_negative_float, default=None,
        help="lambda or gamma (default: 10 for wgan_gp; 0.0002 side^2 / 64 for r1 and r2)")
    add("--gradient-penalty-every", type=positive_int, default=1, metavar="N",
        help="lazy regularization: the penalty every N-th D update, N times the weight (default: 1)")
    add("--spectral-norm", action="store_true", help="spectrally normalize every layer of D (Miyato et al. 2018)")
    add("--augment", type=augment_policy, default=None, metavar="POLICY",
        help="DiffAugment on every image D sees, e.g. color,translation,cutout (default: none)")
    add("--augment-probability", type=augment_probability, default=1.0,
        help="probability of each transformation, or adaptive (ADA's p, from 0, toward --ada-target) (default: 1)")
    add("--ada-target", type=open_unit_interval, default=0.6, help="target of ADA's r_t (default: 0.6)")
    add("--ema-decay", type=open_unit_interval, default=None,
        help="keep an EMA of G's weights with this decay per G update, e.g. 0.999; samples and the export use it")
    add("--epochs", type=positive_int, default=5, help="epochs (default: 5)")
    add("--steps-per-epoch", type=positive_int, default=None,
        help="generator updates per epoch (default: one pass over the data, examples // (batch size x d-steps))")
    add("--batch-size", type=positive_int, default=128, help="minibatch size m of each update (default: 128)")
    add("--d-learning-rate", type=positive_float, default=2e-4, help="Adam learning rate of D (default: 2e-4)")
    add("--g-learning-rate", type=positive_float, default=2e-4, help="Adam learning rate of G (default: 2e-4)")
    add("--learning-rate", type=positive_float, default=None,
        help="Adam learning rate of both players (sets --d-learning-rate and --g-learning-rate)")
    add("--beta-1", type=unit_interval, default=0.5, help="Adam beta_1 of both optimizers (default: 0.5)")
    add("--beta-2", type=unit_interval, default=0.999, help="Adam beta_2 of both optimizers (default: 0.999)")
    add("--seed", type=int, default=0, help="seed of weights, noise and shuffling (default: 0)")
    add("--output-dir", default=None, help="run directory (default: runs/<dataset>_<architecture>)")
    add("--tensorboard", action="store_true",
        help="write TensorBoard scalars and sample grids to <output-dir>/tensorboard")
    add("--backup-every", type=positive_int, default=None, metavar="N",
        help="back up every N generator updates as well as every epoch; a rerun resumes mid-epoch (default: "
        "every epoch)")
    add("--save-every", type=positive_int, default=None, metavar="N",
        help="save the whole GAN (.keras) to <output-dir>/checkpoints every N epochs")
    add("--strategy", choices=STRATEGIES, default="auto",
        help="tf.distribute strategy: auto (all GPUs when more than one), default, mirrored, "
        "multi_worker (from TF_CONFIG), tpu (default: auto)")
    add("--mixed-precision", choices=PRECISIONS, default="off",
        help="compute dtype policy; mixed_float16 adds loss scaling (default: off)")
    add("--jit-compile", action="store_true", help="compile each training step with XLA")
    add("--deterministic", action="store_true",
        help="deterministic ops (tf.config.experimental.enable_op_determinism): reruns and resumed runs "
        "give bit-identical weights")
    add("--eval-every", type=positive_int, default=None, metavar="N",
        help="every N epochs, the Frechet distance and KID of --eval-samples generated images against the "
        "dataset's --eval-split, into the logs, metrics.jsonl, metrics.png and best/ (default: off)")
    add("--eval-samples", type=positive_int, default=10000, help="images per evaluation (default: 10000)")
    add("--eval-split", default="test", help="the reference split of a TFDS dataset (default: test)")
    add("--eval-features", choices=EVAL_FEATURES, default="auto",
        help="feature network: classifier (the MNIST classifier; fcd/kcd), fid_inception (FID's network, needs "
        "--fid-weights; fid/kid), inception_imagenet (Keras's ImageNet weights, not FID's) (default: auto, "
        "classifier for 28x28x1 images, else fid_inception)")
    add("--fid-weights", default=None, help="the FID Inception weights converted by "
        "python -m keras_gan.evaluation.fid_inception (a .weights.h5 file)")
    add("--fid-resize", choices=FID_RESIZE_MODES, default="legacy_tf",
        help="FID's resize to 299x299 (default: legacy_tf, TF's original bilinear)")
    add("--verbose", type=int, choices=(0, 1, 2), default=1, help="Keras fit verbosity (default: 1, a progress bar)")
    args = parser.parse_args(argv)
    if args.crop and args.image_size is None:
        parser.error("argument --crop: expected --image-size too (the aspect ratio to crop to)")
    if args.learning_rate is not None:
        args.d_learning_rate = args.g_learning_rate = args.learning_rate
    del args.learning_rate
    if args.output_dir is None:
        suffix = "_conditional" if args.conditional else ""
        name = os.path.basename(os.path.normpath(args.dataset)) if os.path.isdir(args.dataset) else args.dataset
        args.output_dir = os.path.join("runs", f"{name.split(':')[0]}_{args.architecture}{suffix}")
    return args


def run_config(args):
    """The resolved configuration written to config.json."""
    return {key: value for key, value in sorted(vars(args).items()) if key != "verbose"}


def prepare_run_directory(config):
    """Checks `output_dir` before anything is written; returns True to resume.

    Raises SystemExit with a message, writing nothing, when the directory holds
    a finished run or an interrupted run with another configuration.
    """
    directory = config["output_dir"]
    config_path = os.path.join(directory, "config.json")
    backup = os.path.join(directory, "backup")
    if not os.path.exists(config_path):
        if os.path.isdir(directory) and os.listdir(directory):
            sys.exit(f"error: --output-dir {directory} is not empty and holds no run; choose another directory.")
        return False
    if not any(os.path.isdir(f"{backup}{suffix}") for suffix in BACKUP_SUFFIXES):
        if os.path.exists(os.path.join(directory, "generator")):
            sys.exit(f"error: --output-dir {directory} holds a finished run; choose another directory.")
        return False  # stopped before its first backup: start again
    with open(config_path) as f:
        previous = json.load(f)
    changed = sorted(
        key
        for key in set(previous) | set(config)
        if key not in RESUMABLE_CHANGES + DERIVED and previous.get(key) != config.get(key)
    )
    if changed:
        details = ", ".join(f"{k}: {previous.get(k)!r} -> {config.get(k)!r}" for k in changed)
        sys.exit(
            f"error: --output-dir {directory} holds an interrupted run with another "
            f"configuration ({details}). Rerun it with the same flags, or choose another directory."
        )
    return True


def write_json(path, value):
    partial = f"{path}.partial"
    with open(partial, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
    os.replace(partial, path)


def every_n_epochs_checkpoint(keras, directory, every):
    """A ModelCheckpoint that saves `epoch_NNNN.keras` every `every` epochs."""

    class EveryNEpochs(keras.callbacks.ModelCheckpoint):
        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % every == 0:
                super().on_epoch_end(epoch, logs)

    return EveryNEpochs(os.path.join(directory, "epoch_{epoch:04d}.keras"))


def build_gan(args, image_shape, num_classes=None):
    import keras

    import keras_gan

    make_generator, make_discriminator = keras_gan.architectures.BUILDERS[args.architecture]
    options = {"width": args.width} if args.width and args.architecture != "mlp" else {}
    networks = (
        make_generator(image_shape, latent_dim=args.latent_dim, num_classes=num_classes, **options),
        make_discriminator(image_shape, num_classes=num_classes, spectral_norm=args.spectral_norm, **options),
    )
    augmentation = None
    if args.augment:
        augmentation = keras_gan.augment.DiffAugment(
            args.augment, probability=args.augment_probability, target=args.ada_target
        )
    options = {"seed": args.seed, "ema_decay": args.ema_decay, "augmentation": augmentation}
    if num_classes:
        gan = keras_gan.ConditionalGAN(*networks, num_classes=num_classes, **options)
    else:
        gan = keras_gan.GAN(*networks, **options)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(args.d_learning_rate, beta_1=args.beta_1, beta_2=args.beta_2),
        g_optimizer=keras.optimizers.Adam(args.g_learning_rate, beta_1=args.beta_1, beta_2=args.beta_2),
        loss=args.loss,
        d_steps=args.d_steps,
        label_smoothing=args.label_smoothing,
        gradient_penalty=args.gradient_penalty,
        gradient_penalty_weight=args.gradient_penalty_weight,
        gradient_penalty_every=args.gradient_penalty_every,
        jit_compile=args.jit_compile,
    )
    return gan


def quality_metrics(keras_gan, args, image_shape):
    """The QualityMetrics callback of --eval-every, or None; raises for bad
    evaluation flags before anything is written."""
    if args.eval_every is None:
        return None
    features = args.eval_features
    if features == "auto":
        features = "classifier" if image_shape == (28, 28, 1) else "fid_inception"
    if features == "classifier" and image_shape != (28, 28, 1):
        raise ValueError(f"--eval-features classifier needs 28x28x1 images (the MNIST classifier's); received "
                         f"images of shape {image_shape}. Use fid_inception with --fid-weights.")
    return keras_gan.callbacks.QualityMetrics(
        dataset=args.dataset,
        split=args.eval_split,
        features=features,
        num_samples=args.eval_samples,
        every_epochs=args.eval_every,
        resize=args.fid_resize,
        fid_weights=args.fid_weights,
        image_size=args.image_size,
        seed=args.seed,
        images_per_step=args.batch_size * args.d_steps,
        jsonl_path=os.path.join(args.output_dir, "metrics.jsonl"),
        best_export_dir=os.path.join(args.output_dir, "best"),
        data_dir=args.data_dir,
        verbose=int(args.verbose > 0),
    )


def load_dataset(keras_gan, args):
    """(dataset, class names, skipped files): a folder's or a TFDS dataset's
    batches of `batch_size * d_steps`; class names only with --conditional.

    --dataset names a folder when the path exists; a path that does not
    exist and is no TFDS name (one with a path separator, or starting with
    "." or "~") is "no such folder"; any other name goes to TFDS.
    """
    batch_size = args.batch_size * args.d_steps
    if os.path.isdir(args.dataset):
        dataset = keras_gan.data.load_image_folder(
            args.dataset,
            image_size=args.image_size,
            batch_size=batch_size,
            labels="inferred" if args.conditional else None,
            crop_to_aspect_ratio=args.crop,
            exif_orientation=not args.ignore_exif_orientation,
            seed=args.seed,
        )
        return dataset, dataset.class_names, dataset.skipped_files
    if os.path.exists(args.dataset):
        raise FileNotFoundError(
            f"Invalid value for --dataset. Expected a folder of images or a TFDS name. Received: {args.dataset!r}, "
            "which is a file, not a folder"
        )
    looks_like_path = args.dataset.startswith((".", "~")) or any(
        sep and sep in args.dataset for sep in (os.sep, os.altsep)
    )
    if looks_like_path and not keras_gan.data.tfds.is_tfds_name(args.dataset):
        raise FileNotFoundError(
            f"Invalid value for --dataset. Expected a folder of images or a TFDS name. Received: {args.dataset!r}: "
            "no such folder (the path does not exist), and no TFDS dataset of that name"
        )
    if args.crop:
        raise ValueError("Invalid value for --crop. Expected an image folder as --dataset. Received: a TFDS dataset")
    dataset = keras_gan.data.load_tfds(
        args.dataset,
        split=args.split,
        batch_size=batch_size,
        seed=args.seed,
        data_dir=args.data_dir,
        image_size=args.image_size,
        label_key="label" if args.conditional else None,
    )
    names = keras_gan.data.class_names(args.dataset, "label", args.data_dir) if args.conditional else []
    return dataset, names, []


def write_skipped(path, skipped):
    """One line per skipped image file, `path<TAB>reason`; said on stderr."""
    with open(path, "w") as f:
        f.writelines(f"{file}\t{reason}\n" for file, reason in skipped)
    print(f"train.py: skipped {len(skipped)} unreadable image files, all listed in {path}", file=sys.stderr)


def keep_finished_epochs(history_csv, epochs):
    """Drops CSV rows of epochs >= `epochs` (logged before a crash, but not
    backed up: the resumed run logs them again)."""
    if not os.path.exists(history_csv):
        return
    with open(history_csv, newline="") as f:
        rows = list(csv.reader(f))
    kept = rows[:1] + [row for row in rows[1:] if int(row[0]) < epochs]
    partial = f"{history_csv}.partial"
    with open(partial, "w", newline="") as f:
        csv.writer(f).writerows(kept)
    os.replace(partial, history_csv)


def main(argv=None):
    args = parse_args(argv)
    config = run_config(args)
    resume = prepare_run_directory(config)

    import keras_gan

    try:
        train(args, config, resume)
    except keras_gan.callbacks.Preempted as stop:
        print(f"train.py: {stop}", file=sys.stderr)
        sys.exit(128 + int(stop.signal_number))
    except keras_gan.callbacks.BackupError as error:
        sys.exit(f"error: {error}")
    except OSError as error:
        # A directory that cannot be created or written, a full disk: one
        # line naming the path; what was written before stays as it was.
        where = f"{error.filename}: " if error.filename else ""
        sys.exit(f"error: {where}{error.strerror or error}")


def train(args, config, resume):
    import keras
    import tensorflow as tf

    import keras_gan

    keras.utils.set_random_seed(args.seed)
    if args.deterministic:
        tf.config.experimental.enable_op_determinism()
    if args.mixed_precision != "off":
        keras.mixed_precision.set_global_policy(args.mixed_precision)
    directory = args.output_dir
    backup = os.path.join(directory, "backup")
    try:
        strategy = keras_gan.distribute.get_strategy(args.strategy)
        dataset, class_names, skipped = load_dataset(keras_gan, args)
        num_classes = len(class_names) if args.conditional else None
        images = dataset.element_spec[0] if args.conditional else dataset.element_spec
        with strategy.scope():
            gan = build_gan(args, tuple(images.shape[1:]), num_classes)
        quality = quality_metrics(keras_gan, args, tuple(images.shape[1:]))
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        sys.exit(f"error: {error}")  # before anything is written
    if args.conditional:
        config["class_names"] = class_names

    # The newest backup that loads (an older one if it is damaged, with a
    # warning); fit_resumable then skips the batches already done, in one
    # stream of reshuffled epochs, so that the run sees the batches an
    # uninterrupted run would.
    steps_per_epoch = args.steps_per_epoch or int(dataset.cardinality())
    backup_callback = keras_gan.callbacks.BackupAndRestore(
        backup, save_freq=args.backup_every or "epoch", delete_checkpoint=False
    )
    restored = backup_callback.restore(gan) if resume else None
    done = restored["epoch"] if restored else 0

    # Multi-worker: only the chief writes the run directory (Keras's convention).
    chief = keras_gan.distribute.is_chief(strategy)
    history_csv = os.path.join(directory, "history.csv")
    if chief:
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as error:
            raise OSError(error.errno, f"cannot create --output-dir: {error.strerror} ({error.filename})", directory)
        if not resume:
            write_json(os.path.join(directory, "config.json"), config)
        if skipped:
            write_skipped(os.path.join(directory, "skipped_files.txt"), skipped)
        keep_finished_epochs(history_csv, done)
    # Conditional: a row of 8 per class (ConditionalGAN.generate's labels).
    grid = {"num_samples": 8 * num_classes, "num_rows": num_classes} if num_classes else {}
    labelled = {"row_labels": class_names} if num_classes else {}
    # First: the callbacks after it (CSVLogger, TensorBoard) see its metrics.
    callbacks = [quality] if quality else []
    callbacks += [
        keras_gan.callbacks.SampleGrid(
            os.path.join(directory, "samples"), seed=args.seed, gif=True, **grid, **labelled
        ),
        keras_gan.callbacks.LatentInterpolation(os.path.join(directory, "interpolation"), seed=args.seed),
    ]
    if chief:
        # Before the backup: a row is never lost, and one logged after the
        # last backup is dropped on resume (keep_finished_epochs).
        callbacks.append(keras.callbacks.CSVLogger(history_csv, append=resume))
    if args.save_every and chief:
        callbacks.append(every_n_epochs_checkpoint(keras, os.path.join(directory, "checkpoints"), args.save_every))
    if args.tensorboard:
        log_dir = os.path.join(directory, "tensorboard")
        if chief:
            callbacks.append(keras.callbacks.TensorBoard(log_dir))
        callbacks.append(keras_gan.callbacks.TensorBoardImages(log_dir, seed=args.seed, **grid))
    # Each fit reads a dataset of its own (tf.data keeps its reshuffling
    # state in the dataset object): the one built above, then new ones.
    built = [dataset]

    def make_dataset():
        if built:
            return built.pop()
        with warnings.catch_warnings():  # warned of once already
            warnings.simplefilter("ignore")
            return load_dataset(keras_gan, args)[0]

    keras_gan.training.fit_resumable(
        gan,
        make_dataset,
        epochs=args.epochs,
        backup=backup_callback,  # last: CSV rows are written before a backup
        steps_per_epoch=steps_per_epoch,
        callbacks=callbacks,
        verbose=args.verbose,
        shuffle=False,  # the dataset shuffles itself
    )
    if not chief:
        return
    keras_gan.export.export_generator(gan, os.path.join(directory, "generator"))
    keras_gan.plotting.plot_history(history_csv, os.path.join(directory, "losses.png"))
    if quality:
        keras_gan.plotting.plot_metrics(quality.jsonl_path, os.path.join(directory, "metrics.png"))
    # The run is complete only now: a crash before this line resumes.
    backup_callback.delete_backups()
    print(f"Wrote {directory}: {', '.join(sorted(os.listdir(directory)))}")


if __name__ == "__main__":
    main()
