"""`tf.distribute` strategies by name, for `train.py --strategy` and user code.

    strategy = keras_gan.distribute.get_strategy("auto")
    with strategy.scope():
        gan = keras_gan.GAN(...)
        gan.compile(...)
    gan.fit(dataset)   # batched by the global batch size

The GAN itself works under any strategy scope: `get_strategy` only names
the usual ones.
"""

import json
import os

import tensorflow as tf

STRATEGIES = ("auto", "default", "mirrored", "multi_worker", "tpu")


def get_strategy(name="auto", tpu=None):
    """Returns the `tf.distribute.Strategy` called `name`.

    Args:
        name: one of
            "auto": MirroredStrategy over all GPUs when there are more than
                one, else the default strategy (one device);
            "default": the default strategy (one device, no distribution);
            "mirrored": MirroredStrategy over all local GPUs (the CPU when
                there is none), one replica per device;
            "multi_worker": MultiWorkerMirroredStrategy, from the cluster
                described in the `TF_CONFIG` environment variable;
            "tpu": TPUStrategy, via TPUClusterResolver(tpu).
        tpu: for "tpu": the TPU's name or address, or None to let the
            resolver find it (Cloud TPU VMs).

    Returns:
        A `tf.distribute.Strategy`.

    Raises:
        ValueError: for an unknown `name`, or "multi_worker" without a
            `TF_CONFIG` that names a cluster and this task.
    """
    if name not in STRATEGIES:
        raise ValueError(
            f"Invalid value for argument `name`. Expected one of {STRATEGIES}. "
            f"Received: name={name!r}"
        )
    if name == "auto":
        gpus = tf.config.list_logical_devices("GPU")
        return tf.distribute.MirroredStrategy() if len(gpus) > 1 else tf.distribute.get_strategy()
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker":
        _check_tf_config()
        return tf.distribute.MultiWorkerMirroredStrategy()
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def _check_tf_config():
    text = os.environ.get("TF_CONFIG")
    try:
        config = json.loads(text) if text else {}
    except json.JSONDecodeError:
        config = {}
    if not config.get("cluster") or not config.get("task"):
        raise ValueError(
            "Invalid environment for the multi_worker strategy. Expected "
            "TF_CONFIG to hold JSON with a 'cluster' and this process's "
            "'task', e.g. {\"cluster\": {\"worker\": [\"host1:12345\", "
            "\"host2:12345\"]}, \"task\": {\"type\": \"worker\", \"index\": 0}}. "
            f"Received: TF_CONFIG={text!r}"
        )


def is_chief(strategy=None):
    """True for the one process that writes files (samples, exports, logs).

    Keras's multi-worker convention: the "chief" task, or worker 0 when the
    cluster has no chief. Always True without a multi-worker cluster.
    """
    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    cluster = resolver.cluster_spec().as_dict()
    if "chief" in cluster:
        return resolver.task_type == "chief"
    return resolver.task_type == "worker" and resolver.task_id == 0


def is_chief_task():
    """`is_chief` before any strategy exists, from `$TF_CONFIG` alone: False
    only for a multi-worker task that is not the chief (or worker 0 when
    the cluster has no chief)."""
    try:
        config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    except json.JSONDecodeError:
        return True
    task, cluster = config.get("task") or {}, config.get("cluster") or {}
    if not task or not cluster:
        return True
    if "chief" in cluster:
        return task.get("type") == "chief"
    return task.get("type") == "worker" and int(task.get("index", 0)) == 0


def is_multi_worker(strategy=None):
    """True under MultiWorkerMirroredStrategy with more than one worker.

    Args:
        strategy: a `tf.distribute.Strategy`; default the current one.
    """
    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) or resolver is None:
        return False
    cluster = resolver.cluster_spec().as_dict()
    return len(cluster.get("chief", [])) + len(cluster.get("worker", [])) > 1
