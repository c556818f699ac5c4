"""A run from its resolved configuration: build, restore, train, export, in its run directory."""

import datetime
import os
import sys
import types
import warnings

import keras
import tensorflow as tf

from keras_gan import callbacks as gan_callbacks
from keras_gan import distribute
from keras_gan import export
from keras_gan import plotting
from keras_gan import training
from keras_gan.run import build
from keras_gan.run.directory import FINISHED
from keras_gan.run.directory import STOPPED
from keras_gan.run.directory import read_json
from keras_gan.run.directory import keep_finished_epochs
from keras_gan.run.directory import write_json


def write_skipped(path, skipped):
    """One line per skipped image file, `path<TAB>reason`; said on stderr."""
    with open(path, "w") as f:
        f.writelines(f"{file}\t{reason}\n" for file, reason in skipped)
    print(f"warning: skipped {len(skipped)} unreadable image files, all listed in {path}", file=sys.stderr)


def train(config, resume, verbose=1):
    """Trains the run of `config` (a dict of `options.OPTIONS` values) in
    `config["output_dir"]`, continuing it when `resume`.

    Raises:
        SystemExit: with one `error:` line for a bad setting found while
            building (before anything is written).
        keras_gan.callbacks.Preempted, BackupError, OSError: for the caller
            to turn into an exit status.
    """
    args = types.SimpleNamespace(**config)
    keras.utils.set_random_seed(args.seed)
    if args.deterministic:
        tf.config.experimental.enable_op_determinism()
    if args.mixed_precision != "off":
        keras.mixed_precision.set_global_policy(args.mixed_precision)
    directory = args.output_dir
    try:
        strategy = distribute.get_strategy(args.strategy)
        dataset, class_names, skipped = build.load_dataset(args)
        num_classes = len(class_names) if args.conditional else None
        paired = args.conditional or args.targets is not None  # (images, labels) or (inputs, targets)
        images = dataset.element_spec[0] if paired else dataset.element_spec
        targets = tuple(dataset.element_spec[1].shape[1:]) if args.targets is not None else None
        with strategy.scope():
            gan = build.build_gan(args, tuple(images.shape[1:]), num_classes, target_shape=targets)
        quality = build.quality_metrics(args, tuple(images.shape[1:]), verbose=int(verbose > 0))
        overfitting = build.discriminator_overfitting(args)
        stopping = build.stop_when_no_better(args, quality)
        modes = build.mode_count(args)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        sys.exit(f"error: {error}")  # before anything is written
    if args.conditional:
        config["class_names"] = class_names

    # The newest backup that loads (an older one if it is damaged, with a
    # warning); fit_resumable then skips the batches already done, in one
    # stream of reshuffled epochs, so that the run sees the batches an
    # uninterrupted run would.
    steps_per_epoch = args.steps_per_epoch or int(dataset.cardinality())
    backup = gan_callbacks.BackupAndRestore(
        os.path.join(directory, "backup"), save_freq=args.backup_every or "epoch", delete_checkpoint=False
    )
    if quality:
        quality.save_clock_with(backup)  # a resumed run counts the updates after its last evaluation
    restored = backup.restore(gan) if resume else None
    done = restored["epoch"] if restored else 0
    if restored:
        print(resume_line(directory, backup, steps_per_epoch, args.epochs))

    # Multi-worker: only the chief writes the run directory (Keras's convention).
    chief = distribute.is_chief(strategy)
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
        for record in (FINISHED, STOPPED):  # trained further or resumed: unfinished until it ends again
            if resume and os.path.exists(os.path.join(directory, record)):
                os.remove(os.path.join(directory, record))
    pairs = next(iter(dataset.take(1))) if args.targets is not None else None
    # First: a diverged update ends fit before any later callback writes.
    measures = [gan_callbacks.StopOnNonFinite()]
    measures += [callback for callback in (quality, modes, overfitting, stopping) if callback is not None]
    callbacks = run_callbacks(args, measures, class_names if num_classes else None, chief, resume, pairs)

    # Each fit reads a dataset of its own (tf.data keeps its reshuffling
    # state in the dataset object): the one built above, then new ones.
    built = [dataset]

    def make_dataset():
        if built:
            return built.pop()
        with warnings.catch_warnings():  # warned of once already
            warnings.simplefilter("ignore")
            return build.load_dataset(args)[0]

    training.fit_resumable(
        gan,
        make_dataset,
        epochs=args.epochs,
        backup=backup,  # last: CSV rows are written before a backup
        steps_per_epoch=steps_per_epoch,
        callbacks=callbacks,
        verbose=verbose,
        shuffle=False,  # the dataset shuffles itself
    )
    if stopping and stopping.stopped_epoch:
        print(f"Stopped after epoch {stopping.stopped_epoch}: none of the last {args.patience} evaluations "
              f"reached the lowest {quality.frechet_name} so far (--patience).")
    if not chief:
        return
    export.export_generator(gan, os.path.join(directory, "generator"))
    plotting.plot_history(history_csv, os.path.join(directory, "losses.png"))
    if quality:
        plotting.plot_metrics(quality.jsonl_path, os.path.join(directory, "metrics.png"))
    # The run is complete only now: a crash before this line resumes. Its
    # newest backup stays, so that a larger --epochs can train it further.
    stopped_by = "--patience" if stopping and stopping.stopped_epoch else "--epochs"
    trained = gan_callbacks.BackupAndRestore.restored_epoch(backup.backup_dir)
    write_json(os.path.join(directory, FINISHED), {"epochs_trained": trained, "stopped_by": stopped_by})
    backup.delete_backups(keep_newest=True)
    print(f"Wrote {directory}: {', '.join(sorted(os.listdir(directory)))}")


def resume_line(directory, backup, steps_per_epoch, epochs):
    """The line a resumed run prints before training: where it resumes, out
    of what, from which backup and when it was written (and, after a
    divergence, that it resumes from the last finite state)."""
    restored, source = backup.restored, backup.restored_from
    step = restored["epoch"] * steps_per_epoch + restored.get("batch", 0)
    written = datetime.datetime.fromtimestamp(os.path.getmtime(source), datetime.timezone.utc)
    line = (f"Resuming {directory} at epoch {restored['epoch'] + 1} of {epochs}, step {step} of "
            f"{epochs * steps_per_epoch} ({restored.get('step', 0)} generator updates done), from {source}, "
            f"written {written:%Y-%m-%d %H:%M:%S} UTC")
    stopped = os.path.join(directory, STOPPED)
    if os.path.exists(stopped):
        record = read_json(stopped)
        line += (f"; the last finite state before the divergence at epoch {record['epoch']}, generator update "
                 f"{record['generator_update']} ({record['name']} {record['value']})")
    return line + "."


def run_callbacks(args, measures, class_names, chief, resume, pairs=None):
    """The run's callbacks, in order: `measures` first (quality metrics, D's
    overfitting, early stopping: the ones after them see what they log), grids, then what
    only the chief writes. `pairs`:
    (inputs, targets) of an image-to-image run, whose first 8 make its
    grids."""
    directory = args.output_dir
    # Conditional: a row of 8 per class (ConditionalGAN.generate's labels).
    grid = {"num_samples": 8 * len(class_names), "num_rows": len(class_names)} if class_names else {}
    labelled = {"row_labels": class_names} if class_names else {}
    callbacks = list(measures)
    if args.final_momentum is not None:
        callbacks.append(gan_callbacks.MomentumRamp(args.final_momentum, saturate=args.momentum_saturate))
    if pairs is not None:
        inputs, targets = (part[:8].numpy() for part in pairs)
        callbacks.append(gan_callbacks.TranslationGrid(os.path.join(directory, "samples"), inputs, targets, gif=True))
    else:
        callbacks += [
            gan_callbacks.SampleGrid(os.path.join(directory, "samples"), seed=args.seed, gif=True, **grid,
                                     **labelled),
            gan_callbacks.LatentInterpolation(os.path.join(directory, "interpolation"), seed=args.seed),
        ]
    if chief:
        # Before the backup: a row is never lost, and one logged after the
        # last backup is dropped on resume (keep_finished_epochs).
        callbacks.append(keras.callbacks.CSVLogger(os.path.join(directory, "history.csv"), append=resume))
    if args.save_every and chief:
        callbacks.append(build.every_n_epochs_checkpoint(os.path.join(directory, "checkpoints"), args.save_every))
    if args.tensorboard:
        log_dir = os.path.join(directory, "tensorboard")
        if chief:
            callbacks.append(keras.callbacks.TensorBoard(log_dir))
        if pairs is None:  # an image-to-image run's grids are in samples/
            callbacks.append(gan_callbacks.TensorBoardImages(log_dir, seed=args.seed, **grid))
    return callbacks
