"""Run in a fresh process: fit one tiny GAN on 1 device and on 2 replicas.

Prints one JSON line: both runs' weights and logs, and the z and dropout
masks each replica drew. With the argument `packed`, only the pack=2,
simultaneous-update GAN (in a process of its own: a later MirroredStrategy
in the same process can meet the earlier one's collective keys, a TF
runtime matter, and a D of another shape then fails).
"""

import json
import sys

import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402


def build(loss="non_saturating", toolkit=False, packed=False, r3gan=False):
    """toolkit: hinge + R1 + spectral norm + EMA; packed: pack=2 with
    simultaneous updates; r3gan: relativistic pairing + R1 + R2 with
    R3GAN's schedules (gamma, beta_2, the EMA's half-life in images)."""
    keras.utils.set_random_seed(0)
    z = keras.Input((3,))
    # A generator that ignores its noise, so both runs generate the same batch.
    x = keras.layers.Dense(4, kernel_initializer="zeros", trainable=False)(z)
    x = keras.layers.Dense(4, bias_initializer=keras.initializers.Constant(0.1))(x)
    generator = keras.Model(z, keras.layers.Reshape((2, 2, 1))(x))
    images = keras.Input((2, 2, 2 if packed else 1))
    dense = keras.layers.Dense(1)
    if toolkit:
        dense = keras_gan.architectures.SpectralNormalization(dense)
    discriminator = keras.Model(images, dense(keras.layers.Flatten()(images)))
    burn_in = keras_gan.schedules.CosineBurnIn  # over 16 images, 4 per D update
    ema = {"ema_decay": 0.5} if toolkit else {"ema_half_life": burn_in(0.0, 8.0, 16, 4)} if r3gan else {}
    gan = keras_gan.GAN(generator, discriminator, seed=0, pack=2 if packed else 1, **ema)
    options = {"gradient_penalty": "r1", "gradient_penalty_weight": 0.5} if toolkit else {}
    if r3gan:
        options = {"gradient_penalty": "r1_r2", "gradient_penalty_weight": burn_in(0.5, 0.1, 16, 4)}
        optimizers = [keras_gan.optimizers.Adam(0.1, beta_1=0.0, beta_2=burn_in(0.9, 0.99, 16, 4)) for _ in "dg"]
    else:
        optimizers = [keras.optimizers.Adam(0.1), keras.optimizers.Adam(0.1)]
    options.update({"update": "simultaneous", "d_steps": 1} if packed else {"d_steps": 2})
    gan.compile(*optimizers, loss=loss, **options)
    return gan


images = np.random.default_rng(0).uniform(-1, 1, (8, 2, 2, 1)).astype("float32")
dataset = tf.data.Dataset.from_tensors(images).repeat(3)
out = {}
# A user's Keras loss whose own reduction ("sum") would scale with the
# per-replica batch: the GAN must take it per sample all the same.
summed = keras.losses.BinaryCrossentropy(from_logits=True, reduction="sum")
CONFIGS = (("non_saturating", ""), (summed, "_custom_loss"), ("hinge", "_toolkit"), ("relativistic_pairing", "_r3gan"))
if sys.argv[1:] == ["packed"]:
    CONFIGS = (("non_saturating", "_packed"),)
for loss, suffix in CONFIGS:
    for name, strategy in (
        ("one_device", tf.distribute.OneDeviceStrategy("/cpu:0")),
        ("two_replicas", tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])),
    ):
        with strategy.scope():
            gan = build(loss, toolkit=suffix == "_toolkit", packed=suffix == "_packed", r3gan=suffix == "_r3gan")
        history = gan.fit(dataset, epochs=1, verbose=0)
        out[name + suffix] = {
            "replicas": strategy.num_replicas_in_sync,
            # The EMA generator's and the spectral-norm vectors included.
            "weights": [w.tolist() for w in gan.get_weights()],
            "logs": {k: v[-1] for k, v in history.history.items()},
        }
if sys.argv[1:] == ["packed"]:
    print(json.dumps(out))
    sys.exit(0)


@tf.function
def draw():
    return strategy.run(lambda: gan.sample_latent(4, gan.step_seeds(1)[0]))


out["replica_z"] = [z.numpy().tolist() for z in strategy.experimental_local_results(draw())]

with strategy.scope():
    dropout = keras_gan.architectures.ReplicaDropout(0.5, seed=0)


@tf.function
def drop():
    return strategy.run(lambda: dropout(tf.ones((4, 8)), training=True))


out["replica_dropout"] = [mask.numpy().tolist() for mask in strategy.experimental_local_results(drop())]

with strategy.scope():
    ada = keras_gan.augment.DiffAugment(probability="adaptive", adjust_every=1, adjust_images=12)


@tf.function
def augment_and_observe():
    def step():
        # Replica 0 sees three positive logits, replica 1 two of three.
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        ada.observe(tf.where(tf.range(3) <= 2 - replica, 1.0, -1.0))
        return keras_gan.augment.random_cutout(tf.ones((4, 8, 8, 1)), gan.step_seeds(1)[0])

    return strategy.run(step)


cut = strategy.experimental_local_results(augment_and_observe())
out["replica_cutout"] = [c.numpy().tolist() for c in cut]
out["replica_p"] = [float(v) for v in strategy.experimental_local_results(ada.p.value)]
print(json.dumps(out))
