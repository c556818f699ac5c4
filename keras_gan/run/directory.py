"""A run directory: where runs live, who holds them, their recorded settings, atomic JSON.

A long run (hours, interrupted and resumed) keeps its state in a directory
of its own: the settings it was started with (`config.json`), its backups
and its results. Run again with the same settings, it continues; run with
other settings, it refuses and names what differs, so that one directory
never mixes two recipes. One process at a time trains it: `lock` takes an
exclusive OS lock (`fcntl.flock`) on its `train.lock` file, which the OS
releases when the process ends, however it ends.
"""

import datetime
import fcntl
import json
import os
import socket
import sys


class RunDirectoryError(ValueError):
    """A run directory that cannot be used with the settings given."""


class RunDirectoryLocked(RunDirectoryError):
    """A run directory that another process holds (`lock`)."""


LOCK_FILE = "train.lock"
# The lock files this process holds, by directory: open until the process ends.
_HELD = {}


def lock(directory, name=None):
    """Takes the run directory `directory` for this process, or raises.

    Creates the directory if needed, then takes an exclusive, non-blocking
    `fcntl.flock` on `directory/train.lock` and writes into that file who
    holds it: pid, host, command and start time (UTC). The lock lasts until
    the process ends (or the returned file is closed), and the OS drops it
    however the process ends, normally or by an exception, SIGTERM or
    SIGKILL: a rerun needs no cleanup, and the file left behind means
    nothing by its presence. A process that finds the lock taken reads the
    file and changes nothing.

    On a network file system the lock is only as good as the server's
    support for it: NFS v4 supports `flock` (as a POSIX lock), NFS v3
    needs a running lock daemon, and some FUSE and object-store mounts
    accept the call without locking anything across machines. Keep a
    run directory on a local disk, or on a file system whose locks are
    known to work across the machines that share it.

    Args:
        directory: the run directory.
        name: how messages call it, e.g. "--output-dir".

    Returns:
        The open lock file (this module keeps it open; closing it releases
        the lock).

    Raises:
        RunDirectoryLocked: when another process holds the directory; the
            message names the directory, the holder (pid, host, command,
            start) and what to do.
        OSError: when the directory or its lock file cannot be created.
    """
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, LOCK_FILE)
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        text = handle.read()
        handle.close()
        try:
            holder = json.loads(text)
            who = (f"pid {holder['pid']} on {holder['host']}, started {holder['started']}: "
                   f"{holder['command']}")
        except (ValueError, KeyError, TypeError):
            who = "another process (its record is not written yet)"
        called = f"{name} {directory}" if name else directory
        raise RunDirectoryLocked(
            f"{called} is being trained by {who}. Wait for it to end or stop it (its backup keeps its progress), "
            "then rerun; or choose another directory."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": " ".join(sys.argv),
        "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }) + "\n")
    handle.flush()
    _HELD[os.path.realpath(directory)] = handle
    return handle


def runs_root():
    """Where long runs live by default: `$KERAS_GAN_RUNS`, else
    `~/keras_gan_runs` (outside any work tree, so that a checkout can be
    replaced while a run continues)."""
    return os.environ.get("KERAS_GAN_RUNS") or os.path.join(os.path.expanduser("~"), "keras_gan_runs")


def write_json(path, value):
    """Writes `value` as JSON to `path` atomically: a reader sees the old
    file or the new one, never a part (a temporary file, then `os.replace`)."""
    partial = f"{path}.partial"
    with open(partial, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
    os.replace(partial, path)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def changed_settings(previous, config, may_change=()):
    """The settings that differ between two configurations, as
    `"key: old -> new"` strings, sorted; keys in `may_change` are ignored."""
    keys = sorted(key for key in set(previous) | set(config) if key not in may_change)
    return [
        f"{key}: {previous.get(key)!r} -> {config.get(key)!r}" for key in keys if previous.get(key) != config.get(key)
    ]


def check_resume(directory, config, may_change=(), defaults=None, name=None):
    """Whether `directory` continues a run with `config`; writes nothing.

    Args:
        directory: the run directory (may not exist yet).
        config: dict of JSON values, the settings of the run to start.
        may_change: keys that may differ from the recorded run's (how it
            runs, not what it computes: e.g. the data directory).
        defaults: dict or None: a setting the recorded run does not name
            (written by an earlier version) counts as `defaults[key]`.
        name: how messages call the directory, e.g. "--output-dir".

    Returns:
        True when `directory/config.json` records a run with the same
        settings (continue it), False when there is no run yet (start one).

    Raises:
        RunDirectoryError: when the directory records a run whose settings
            differ (the message names each, old -> new), or is not empty
            and holds no run.
    """
    called = f"{name} {directory}" if name else directory
    config_path = os.path.join(directory, "config.json")
    if not os.path.exists(config_path):
        if os.path.isdir(directory) and set(os.listdir(directory)) - {LOCK_FILE}:
            raise RunDirectoryError(f"{called} is not empty and holds no run; choose another directory.")
        return False
    changed = changed_settings({**(defaults or {}), **read_json(config_path)}, config, may_change)
    if changed:
        raise RunDirectoryError(
            f"{called} holds a run with another configuration ({', '.join(changed)}). Run it again with the same "
            "settings to continue it, or choose another directory."
        )
    return True


FINISHED = "finished.json"
# A run stopped by a non-finite cost or weight: where, and what (a rerun resumes from the last finite backup).
STOPPED = "stopped.json"


def prepare(config, may_change=(), defaults=None):
    """`check_resume` for `train.py`'s `config["output_dir"]`, which also
    knows backups: True to continue the run it holds, False to start one.

    An interrupted run continues only with the same settings (`may_change`
    aside; `defaults` for settings it does not name). A finished run (its
    `finished.json`, written once the generator is exported) keeps its last
    backup: it continues, with the same settings, only when `--epochs`
    exceeds the epochs it trained (train it further); otherwise it is
    refused, as is a finished run of an earlier version, which kept no
    backup. A run stopped before its first backup starts again, with any
    settings.

    Raises:
        RunDirectoryError: naming the directory and, for other settings,
            each one that differs (old -> new); for a finished run, the
            epochs it trained. Nothing is written.
    """
    from keras_gan.callbacks.backup_and_restore import backup_directories

    directory = config["output_dir"]
    backups = backup_directories(os.path.join(directory, "backup"))
    has_backup = any(os.path.isdir(d) for d in backups)
    if os.path.exists(os.path.join(directory, "config.json")) and not has_backup:
        if os.path.exists(os.path.join(directory, "generator")):
            raise RunDirectoryError(f"--output-dir {directory} holds a finished run whose training state was not "
                                    "kept; choose another directory.")
        return False  # stopped before its first backup: start again
    resume = check_resume(directory, config, may_change, defaults, name="--output-dir")
    finished_path = os.path.join(directory, FINISHED)
    if resume and os.path.exists(finished_path):
        finished = read_json(finished_path)
        if config["epochs"] <= finished["epochs_trained"]:
            raise RunDirectoryError(
                f"--output-dir {directory} holds a finished run ({finished['epochs_trained']} epochs, stopped by "
                f"{finished['stopped_by']}); pass --epochs above {finished['epochs_trained']} to train it further, "
                "or choose another directory."
            )
    return resume


def keep_finished_epochs(history_csv, epochs):
    """Drops the CSV rows of epochs >= `epochs` (logged before a crash but
    not backed up: the continued run logs them again)."""
    import csv

    if not os.path.exists(history_csv):
        return
    with open(history_csv, newline="") as f:
        rows = list(csv.reader(f))
    kept = rows[:1] + [row for row in rows[1:] if int(row[0]) < epochs]
    partial = f"{history_csv}.partial"
    with open(partial, "w", newline="") as f:
        csv.writer(f).writerows(kept)
    os.replace(partial, history_csv)
