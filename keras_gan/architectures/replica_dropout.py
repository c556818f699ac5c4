"""`ReplicaDropout`: dropout whose masks differ across `tf.distribute` replicas."""

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="keras_gan")
class ReplicaDropout(keras.layers.Dropout):
    """`keras.layers.Dropout`, with a different mask on every replica.

    Keras's Dropout draws from its SeedGenerator, whose state is mirrored
    under `tf.distribute`: every replica would drop the same units of its
    own examples. Here the step's seed is folded with the replica id, as
    the GAN does for its noise. On one device it is Keras's Dropout
    (inverted dropout: kept units are scaled by 1 / (1 - rate)), drawing
    its masks from a stateless generator.

    Args: as `keras.layers.Dropout` (`rate` in [0, 1), `noise_shape`,
        `seed`).
    """

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        seed = self.seed_generator.next()
        replica = tf.distribute.get_replica_context()
        if replica is not None and replica.num_replicas_in_sync > 1:
            seed = tf.random.experimental.stateless_fold_in(
                seed, replica.replica_id_in_sync_group, alg="philox"
            )
        return tf.nn.experimental.stateless_dropout(
            inputs, self.rate, seed=seed, noise_shape=self.noise_shape
        )
