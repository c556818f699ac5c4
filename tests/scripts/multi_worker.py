"""One worker of a 2-worker MultiWorkerMirroredStrategy fit on 127.0.0.1.

    python multi_worker.py INDEX PORT0,PORT1 OUTPUT_DIR

Fits a tiny conditional DCGAN for 2 epochs on (images, labels) batches (the
case where Keras's own build step fails across workers), with SampleGrid
writing to OUTPUT_DIR/samples_INDEX, BackupAndRestore to
OUTPUT_DIR/backup_INDEX and QualityMetrics (against the 8x8 PNGs of
OUTPUT_DIR/reference, in their 64 pixels as features) to
OUTPUT_DIR/metrics_INDEX.jsonl, then writes OUTPUT_DIR/worker_INDEX.json:
the weights and the history.
"""

import json
import os
import sys

index, ports, output = int(sys.argv[1]), sys.argv[2].split(","), sys.argv[3]
os.environ["TF_CONFIG"] = json.dumps(
    {
        "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
        "task": {"type": "worker", "index": index},
    }
)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_gan  # noqa: E402

strategy = keras_gan.distribute.get_strategy("multi_worker")
with strategy.scope():
    keras.utils.set_random_seed(0)
    gan = keras_gan.ConditionalGAN(
        keras_gan.architectures.dcgan_generator((8, 8, 1), latent_dim=4, width=2, num_classes=3),
        keras_gan.architectures.dcgan_discriminator((8, 8, 1), width=2, num_classes=3),
        num_classes=3,
        seed=0,
    )
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), d_steps=2)
images = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
labels = np.arange(32) % 3
dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(8, drop_remainder=True)
pixels = keras.Input((8, 8, 1))
flatten = keras.Model(pixels, keras.layers.Flatten()(pixels))
flatten.dimension = 64
quality = keras_gan.callbacks.QualityMetrics(
    os.path.join(output, "reference"), num_samples=100, reference_count=100, feature_model=flatten,
    cache_dir=os.path.join(output, f"cache_{index}"), jsonl_path=os.path.join(output, f"metrics_{index}.jsonl"),
    verbose=0,
)
callbacks = [
    quality,
    keras_gan.callbacks.SampleGrid(os.path.join(output, f"samples_{index}"), num_samples=4),
    keras_gan.callbacks.BackupAndRestore(os.path.join(output, f"backup_{index}"), delete_checkpoint=False),
]
history = gan.fit(dataset, epochs=2, verbose=0, callbacks=callbacks)
result = {
    "chief": keras_gan.distribute.is_chief(strategy),
    "replicas": strategy.num_replicas_in_sync,
    "weights": [w.tolist() for w in gan.get_weights()],
    "history": history.history,
    "g_steps": int(gan.g_optimizer.iterations.numpy()),
    # The metric by hand, on this worker, from the final weights.
    "fcd_by_hand": float(quality.compute(gan.generate(100, seed=0).numpy())["fcd100_folder"]),
}
with open(os.path.join(output, f"worker_{index}.json"), "w") as f:
    json.dump(result, f)
