"""Train a GAN on a TensorFlow Datasets dataset, Stacked MNIST or an image folder; write a run directory.

The command is `keras-gan` (pip install), `python -m keras_gan`, or
`python train.py` in a clone: one program, one set of flags.

    keras-gan                            # DCGAN on MNIST, 5 epochs, runs/mnist_dcgan
    keras-gan --recipe sngan             # a paper's settings by name (--list-recipes), runs/mnist_sngan
    keras-gan --recipe wgan_gp --d-steps 3 --dry-run   # the resolved configuration, nothing written
    keras-gan --architecture mlp --loss minimax --d-steps 2 --epochs 20
    keras-gan --conditional              # one class per grid row, runs/mnist_dcgan_conditional
    keras-gan --dataset path/to/images --image-size 64x64   # a folder of PNG/JPEG/BMP/GIF/TIFF/WebP files
    keras-gan --dataset path/to/classes --conditional       # one subfolder per class
    keras-gan --eval-every 1             # FCD and KID of 10,000 samples every epoch
    keras-gan --dataset photos/A --targets photos/B --image-size 256x256  # Pix2Pix on paired folders
    keras-gan --recipe pacgan_pacdcgan2 --dataset stacked_mnist --batch-size 64 --modes-every 1

A run's settings are resolved once: the defaults, then the recipe's
differences (`--recipe`, default dcgan: none), then the flags given. The
run directory (--output-dir) receives:

    config.json         the resolved configuration (class_names: a conditional run's classes)
    samples/            epoch_NNNN.png, an 8x8 grid from fixed noise per epoch
                        (--conditional: one row of 8 per class; --targets: rows
                        x, G(x) and y of 8 fixed pairs), and samples.gif, all of
                        them animated
    interpolation/      epoch_NNNN.png, linear and spherical paths in z (not with --targets)
    history.csv         d_loss, g_loss, d_real, d_fake, loss per epoch (CSVLogger)
    losses.png          the same, plotted
    backup/             weights, both optimizers, random state, epoch and batch
    backup.previous/    (the newest backup, and while training the one before)
    generator/          the trained generator as a SavedModel
    finished.json       once the run ended: the epochs it trained, and what stopped it
    checkpoints/        with --save-every N: epoch_NNNN.keras every N epochs
    tensorboard/        with --tensorboard: scalars (train/) and grids (samples/)
    metrics.jsonl       with --eval-every N: one JSON object per evaluation (step, images
                        seen, e.g. fcd10k_test and kcd10k_test, seconds it took)
    metrics.png         the same, plotted against generator updates
    best/, best.json    the generator export of the evaluation with the lowest Frechet
                        distance, and that evaluation's record
    modes.jsonl         with --modes-every N (stacked_mnist): modes and KL per evaluation
    skipped_files.txt   image folders: each file that could not be read, and why
    stopped.json        a run that diverged: where, and the first non-finite value
    train.lock          who holds the run (pid, host, command, start); the OS's
                        lock on it ends with that process

One process trains a run directory at a time: a second command on it
exits at once, naming the first. A run whose d_loss or g_loss turns NaN
or infinite stops with one `error:` line and keeps its last finite backup,
checkpoints and export.

Rerunning the same command after an interruption resumes from the last
backup (and prints where it resumes) (every epoch, or every --backup-every N generator updates, or on
SIGTERM / SIGINT, after which train.py exits with 128 + the signal number),
both optimizers' state included; a damaged backup falls back to the one
before. A finished run keeps its newest backup: the same command with a
larger --epochs trains it further. A directory that holds a run with a
different configuration, or a finished run and no larger --epochs, is
never overwritten. A file-system failure ends in one
`error:` line naming the path.
"""

import argparse
import json
import os
import shutil
import sys
from types import SimpleNamespace

from keras_gan import distribute
from keras_gan.run import options
from keras_gan.run import recipes
from keras_gan.run.directory import LOCK_FILE
from keras_gan.run.directory import STOPPED
from keras_gan.run.directory import RunDirectoryError
from keras_gan.run.directory import RunDirectoryLocked
from keras_gan.run.directory import lock
from keras_gan.run.directory import prepare
from keras_gan.run.directory import write_json


def parser(prog=None):
    result = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add = result.add_argument
    add("--recipe", choices=tuple(recipes.RECIPES), default=argparse.SUPPRESS,
        help="start from a paper's settings (--list-recipes); flags given override them (default: dcgan)")
    add("--list-recipes", action="store_true", help="print the recipes, their sources and settings, and exit")
    add("--dry-run", action="store_true", help="print the resolved configuration as JSON and exit; writes nothing")
    add("--learning-rate", type=options.positive_float, default=argparse.SUPPRESS,
        help="learning rate of both players (sets --d-learning-rate and --g-learning-rate)")
    options.add_to(result)
    add("--verbose", type=int, choices=(0, 1, 2), default=1, help="Keras fit verbosity (default: 1, a progress bar)")
    return result


# The settings R3GAN's burn-in schedules (options "final_*").
FINALS = ("final_learning_rate", "final_beta_2", "final_gradient_penalty_weight", "final_ema_half_life",
          "final_augment_probability")


def resolve(argv=None, prog=None):
    """(config, args): the resolved configuration, a dict with one value per
    `options.OPTIONS` name plus `recipe`, and the parsed arguments.

    Order: `options.DEFAULTS`, then the recipe's settings, then the flags
    given. Exits (argparse's status 2) for a bad combination.
    """
    command = parser(prog)
    args = command.parse_args(argv)
    given = {k: v for k, v in vars(args).items() if k in options.DEFAULTS}
    recipe = getattr(args, "recipe", "dcgan")
    if hasattr(args, "learning_rate"):
        given = {"d_learning_rate": args.learning_rate, "g_learning_rate": args.learning_rate, **given}
    config = {**options.DEFAULTS, **recipes.RECIPES[recipe].settings, **given, "recipe": recipe}
    if config["crop"] and config["image_size"] is None:
        command.error("argument --crop: expected --image-size too (the aspect ratio to crop to)")
    finals = [name for name in FINALS if config[name] is not None]
    if finals and config["burn_in_images"] is None:
        flag = "--" + finals[0].replace("_", "-")
        command.error(f"argument {flag}: expected --burn-in-images too (the schedule's length)")
    if config["burn_in_images"] is not None and not finals:
        command.error("argument --burn-in-images: expected a --final-* setting to schedule")
    if config["final_gradient_penalty_weight"] is not None and config["gradient_penalty_weight"] is None:
        command.error("argument --final-gradient-penalty-weight: expected --gradient-penalty-weight too (its base)")
    if config["targets"] is not None:
        # Pix2Pix has no z, no classes and its own networks; it is judged by eye, not by FCD.
        gan_only = [name for name in ("conditional", "architecture", "latent_dim", "latent_prior", "pack",
                                      "spectral_norm", "eval_every") if config[name] != options.DEFAULTS[name]]
        if gan_only:
            flag = "--" + gan_only[0].replace("_", "-")
            command.error(f"argument {flag}: not used with --targets (Pix2Pix: a U-Net G of x, no z, no classes, "
                          "no packing, the paper's PatchGAN, no FCD); drop it")
    elif config["l1_weight"] != options.DEFAULTS["l1_weight"]:
        command.error("argument --l1-weight: expected --targets too (Pix2Pix's L1 term)")
    numeric_p = config["augment"] is not None and config["augment_probability"] != "adaptive"
    if config["final_augment_probability"] is not None and not numeric_p:
        command.error("argument --final-augment-probability: expected --augment with a numeric "
                      "--augment-probability (its base)")
    if config["optimizer"] != "sgd" and config["final_momentum"] is not None:
        command.error(f"argument --final-momentum: expected --optimizer sgd; received --optimizer "
                      f"{config['optimizer']}")
    if config["final_momentum"] is not None and config["momentum_saturate"] < 2:
        command.error("argument --momentum-saturate: expected an epoch >= 2 (epoch 1 has --momentum)")
    if config["optimizer"] != "adam" and config["final_beta_2"] is not None:
        command.error("argument --final-beta-2: expected --optimizer adam")
    if config["learning_rate_decay"] is not None and config["final_learning_rate"] is not None:
        command.error("argument --learning-rate-decay: expected either it or --final-learning-rate, not both")
    if config["ema_decay"] is not None and (config["ema_half_life"] is not None or config["final_ema_half_life"]):
        command.error("argument --ema-half-life: expected either --ema-decay or an EMA half-life, not both")
    if config["output_dir"] is None:
        dataset = config["dataset"]
        name = os.path.basename(os.path.normpath(dataset)) if os.path.isdir(dataset) else dataset
        kind = recipe if hasattr(args, "recipe") else "pix2pix" if config["targets"] else config["architecture"]
        suffix = "_conditional" if config["conditional"] else ""
        config["output_dir"] = os.path.join("runs", f"{name.split(':')[0]}_{kind}{suffix}")
    return dict(sorted(config.items())), args


def main(argv=None, prog=None):
    """The command `keras-gan` (also `python -m keras_gan` and a clone's
    `python train.py`): exits 0 when the run ends, 1 with one `error:` line
    for a run that cannot start or that diverged, 2 for bad flags,
    128 + N after signal N."""
    config, args = resolve(argv, prog)
    if args.list_recipes:
        print(recipes.describe())
        return
    if args.dry_run:
        from keras_gan.run import build

        try:
            build.check_dataset(SimpleNamespace(**config))
        except (ValueError, FileNotFoundError) as error:
            parser(prog).exit(2, f"error: {error}\n")
        print(json.dumps(config, indent=2))
        return
    directory = config["output_dir"]
    created = not os.path.isdir(directory)
    try:
        # The chief of a multi-worker run holds the directory for all its workers.
        if distribute.is_chief_task():
            lock(directory, name="--output-dir")  # held until this process ends
        # Settings added after a run was started count as their defaults.
        defaults = {**options.DEFAULTS, "recipe": "dcgan"}
        resume = prepare(config, options.MAY_CHANGE + options.DERIVED, defaults)
    except RunDirectoryLocked as error:
        sys.exit(f"error: {error}")
    except RunDirectoryError as error:
        _remove_if_unused(directory, created)
        sys.exit(f"error: {error}")
    except OSError as error:  # the directory or its lock file cannot be created
        sys.exit(f"error: {directory}: cannot create --output-dir: {error.strerror or error} ({error.filename})")

    from keras_gan import callbacks
    from keras_gan.run.trainer import train

    try:
        train(config, resume, verbose=args.verbose)
    except SystemExit:
        _remove_if_unused(directory, created)  # a bad setting found while building: nothing was written
        raise
    except callbacks.Preempted as stop:
        print(f"{parser(prog).prog}: {stop}", file=sys.stderr)
        sys.exit(128 + int(stop.signal_number))
    except callbacks.NonFiniteError as error:
        sys.exit(f"error: {diverged(directory, error)}")
    except callbacks.BackupError as error:
        sys.exit(f"error: {error}")
    except OSError as error:
        # A directory that cannot be created or written, a full disk: one
        # line naming the path; what was written before stays as it was.
        where = f"{error.filename}: " if error.filename else ""
        sys.exit(f"error: {where}{error.strerror or error}")


def diverged(directory, error):
    """Records a run stopped by `NonFiniteError` in `stopped.json` and
    returns the line that says so."""
    from keras_gan.callbacks import BackupAndRestore

    epoch, batch = BackupAndRestore.resume_point(os.path.join(directory, "backup"))
    if distribute.is_chief_task():  # only the chief writes the run directory
        write_json(os.path.join(directory, STOPPED), {
            "stopped_by": "non-finite value", "epoch": error.epoch, "generator_update": error.update,
            "name": error.name, "value": str(error.value), "last_finite_backup": {"epoch": epoch, "batch": batch},
        })
    if (epoch, batch) == (0, 0):
        return (f"{error}. The run stopped before its first backup: the same command starts it again; try other "
                "settings (e.g. a lower learning rate).")
    return (f"{error}. The run stopped; its last finite backup (epoch {epoch}, batch {batch}) and the checkpoints "
            "and exports written before are kept. Rerun the same command to resume from that backup, or start a new "
            "--output-dir with other settings (e.g. a lower learning rate).")


def _remove_if_unused(directory, created):
    """Removes a run directory this process created when it holds nothing but its lock file."""
    if created and os.path.isdir(directory) and set(os.listdir(directory)) <= {LOCK_FILE}:
        shutil.rmtree(directory, ignore_errors=True)
