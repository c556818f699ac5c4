"""Run in a fresh process: QualityMetrics while fitting on 2 replicas.

    python mirrored_quality.py OUTPUT_DIR     # OUTPUT_DIR/reference holds 4x4 PNGs

Prints one JSON line: the logged Frechet distance of each epoch and the one
computed by hand from the trained generator's samples (seed 0).
"""

import json
import os
import sys

import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan.evaluation import statistics  # noqa: E402

output = sys.argv[1]
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    keras.utils.set_random_seed(0)
    z = keras.Input((3,))
    generator = keras.Model(z, keras.layers.Reshape((4, 4, 1))(keras.layers.Dense(16, activation="tanh")(z)))
    images = keras.Input((4, 4, 1))
    discriminator = keras.Model(images, keras.layers.Dense(1)(keras.layers.Flatten()(images)))
    gan = keras_gan.GAN(generator, discriminator, seed=0)
    gan.compile(keras.optimizers.Adam(0.05), keras.optimizers.Adam(0.05))
pixels = keras.Input((4, 4, 1))
flatten = keras.Model(pixels, keras.layers.Flatten()(pixels))
flatten.dimension = 16
quality = keras_gan.callbacks.QualityMetrics(
    os.path.join(output, "reference"), num_samples=50, reference_count=60, feature_model=flatten,
    cache_dir=output, verbose=0,
)
data = np.random.default_rng(1).uniform(-1, 1, (32, 4, 4, 1)).astype("float32")
history = gan.fit(tf.data.Dataset.from_tensor_slices(data).batch(8), epochs=2, verbose=0, callbacks=[quality])
samples = gan.generate(50, seed=0).numpy().reshape(50, -1)
reference = quality._reference
mean, covariance = statistics.mean_and_covariance(samples)
by_hand = statistics.frechet_distance_from_statistics(mean, covariance, reference["mean"], reference["covariance"])
print(json.dumps({"replicas": strategy.num_replicas_in_sync, "logged": history.history["fcd50_folder"],
                  "by_hand": by_hand}))
