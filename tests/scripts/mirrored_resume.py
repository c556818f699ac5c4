"""Run in a fresh process: `fit_resumable` on 2 replicas, stopped by SIGTERM
and resumed, against the same run that never stopped.

Argument OUTPUT_DIR (the backups). The data reshuffle every epoch from a
seed. Prints one JSON line: for each stop (mid-epoch, after an epoch's last
step), whether the resumed weights equal the uninterrupted run's and both
runs' History rows for the epochs resumed.
"""

import json
import os
import signal
import sys

import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from conftest import tiny_dcgan  # noqa: E402

IMAGES = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype("float32")
STEPS, EPOCHS = 4, 3  # global batches of 16, 8 per replica
output = sys.argv[1]
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
tf.config.experimental.enable_op_determinism()


def dataset():
    return keras_gan.data.from_arrays(IMAGES, batch_size=16, value_range=(-1, 1), seed=0)


class SigtermAt(keras.callbacks.Callback):
    def __init__(self, step):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.g_optimizer.iterations.numpy()) == self.step:
            os.kill(os.getpid(), signal.SIGTERM)


def run(name, callbacks=()):
    keras.utils.set_random_seed(0)
    with strategy.scope():
        gan = tiny_dcgan(seed=0)
        gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    backup = keras_gan.callbacks.BackupAndRestore(os.path.join(output, name), delete_checkpoint=False)
    history = keras_gan.training.fit_resumable(
        gan, dataset, EPOCHS, backup, steps_per_epoch=STEPS, callbacks=list(callbacks), verbose=0
    )
    return gan, history


straight, straight_history = run("straight")
out = {"replicas": strategy.num_replicas_in_sync}
for stop in (6, 8):  # epoch 2: after its 2nd step, after its last
    try:
        run(f"stopped_{stop}", [SigtermAt(stop)])
    except keras_gan.callbacks.Preempted:
        pass
    gan, history = run(f"stopped_{stop}")
    out[str(stop)] = {
        "same_weights": all(np.array_equal(a, b) for a, b in zip(straight.get_weights(), gan.get_weights())),
        "history": history,
        "straight_history": {key: values[1:] for key, values in straight_history.items()},
    }
print(json.dumps(out))
