"""`TwoPlayerModel`: what Keras needs of a model that trains two networks.

`keras.Model` trains one network with one optimizer. A GAN trains two, each
with its own optimizer, and Keras's machinery around the step must know:
this base creates and builds both optimizers in the strategy's scope, saves
the random-number states Keras does not save, checks `fit`'s callbacks,
names a weights file it cannot read, draws a step's seeds per replica, and
works around two multi-worker `fit` bugs. It holds no game: the step is
`AdversarialModel`'s.

A subclass assigns `generator`, `discriminator` and `seed_generator` (a
`keras.random.SeedGenerator`) in its `__init__`.
"""

import copy
import inspect

import keras
import tensorflow as tf

from keras_gan import distribute
from keras_gan.validation import check_callback

# Keras saves no SeedGenerator state (`save`, `save_weights`,
# BackupAndRestore): a reloaded or resumed model would draw again the noise
# and dropout masks of its first steps. The model saves them itself.
SEED_KEY = "seed_state_{}"


class TwoPlayerModel(keras.Model):
    """A `keras.Model` with two networks and two optimizers (see the module)."""

    def compile_players(self, d_optimizer, g_optimizer, **kwargs):
        """`keras.Model.compile` without its one optimizer, then
        `d_optimizer` and `g_optimizer` (instances, names or config dicts)
        created and built in the strategy's scope, so that their slot
        variables are mirrored and BackupAndRestore can load them.

        Mixed precision: build the networks under
        `keras.mixed_precision.set_global_policy("mixed_float16")` (or
        "mixed_bfloat16"). With float16, each optimizer is wrapped in
        `keras.optimizers.LossScaleOptimizer` (unless it already is, or
        `auto_scale_loss=False`): each step's loss is scaled up before the
        gradient and the gradients scaled back, and a step whose gradients
        overflow is skipped and the scale halved. Losses and logged metrics
        are float32 under every policy.

        Raises:
            ValueError: for the same optimizer instance for both players, or
                a `kwargs` key that `keras.Model.compile` would use to train
                a single network (`optimizer`, `loss_weights`, `metrics`,
                `weighted_metrics`).
        """
        for key in ("optimizer", "loss_weights", "metrics", "weighted_metrics"):
            if key in kwargs:
                raise ValueError(
                    f"Invalid argument `{key}` for {type(self).__name__}.compile. Expected "
                    "d_optimizer, g_optimizer, loss, d_steps, label_smoothing "
                    "and keras.Model.compile's jit_compile, "
                    f"steps_per_execution or run_eagerly. Received: {key}="
                    f"{kwargs[key]!r}"
                )
        if d_optimizer is g_optimizer and not isinstance(d_optimizer, str):
            raise ValueError(
                "Invalid value for argument `g_optimizer`. Expected an "
                "optimizer distinct from `d_optimizer` (each keeps its own "
                "slot variables). Received the same instance for both."
            )
        super().compile(optimizer=None, **kwargs)
        with self.distribute_strategy.scope():
            scale = kwargs.get("auto_scale_loss", True)
            self.d_optimizer = _loss_scaled(keras.optimizers.get(d_optimizer), self.discriminator, scale)
            self.g_optimizer = _loss_scaled(keras.optimizers.get(g_optimizer), self.generator, scale)
            self.d_optimizer.build(self.discriminator.trainable_variables)
            self.g_optimizer.build(self.generator.trainable_variables)

    def players_compile_config(self):
        """The Keras part of `get_compile_config`: both optimizers, XLA and
        steps per execution."""
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "jit_compile": self.jit_compile,
            "steps_per_execution": self.steps_per_execution,
        }

    def compile_from_config(self, config):
        config = dict(config)
        config["d_optimizer"] = keras.optimizers.deserialize(config["d_optimizer"])
        config["g_optimizer"] = keras.optimizers.deserialize(config["g_optimizer"])
        if isinstance(config.get("loss"), dict):
            config["loss"] = keras.saving.deserialize_keras_object(config["loss"])
        self.compile(**config)

    # The entries of `get_config` that hold serialized Keras objects.
    nested_objects = ("generator", "discriminator")

    @classmethod
    def from_config(cls, config):
        # A deep copy: deserializing empties the nested networks' configs.
        config = copy.deepcopy(config)
        for key in cls.nested_objects:
            if config.get(key) is not None:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def step_seeds(self, count):
        """`count` independent stateless seeds, int `(2,)`, for this step on
        this replica: one `SeedGenerator` draw per step, folded with the
        replica id (no two replicas draw the same noise), then with the
        draw index."""
        seed = self.seed_generator.next()
        replica = tf.distribute.get_replica_context()
        if replica is not None:
            seed = tf.random.experimental.stateless_fold_in(seed, replica.replica_id_in_sync_group, alg="philox")
        return [tf.random.experimental.stateless_fold_in(seed, i, alg="philox") for i in range(count)]

    def _seed_states(self):
        """Every RNG state of the game: the noise's, then the networks'."""
        states = self.generator.non_trainable_variables + self.discriminator.non_trainable_variables
        return [self.seed_generator.state] + [v for v in states if "int" in v.dtype]

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, state in enumerate(self._seed_states()):
            store[SEED_KEY.format(i)] = state

    def load_own_variables(self, store):
        states = {SEED_KEY.format(i): v for i, v in enumerate(self._seed_states())}
        for key, state in states.items():
            if key in store:  # absent from files of older versions
                state.assign(store[key])
        super().load_own_variables({key: store[key] for key in store.keys() if key not in states})

    def load_weights(self, filepath, *args, **kwargs):
        """`keras.Model.load_weights`, naming the file when it cannot be read.

        Raises:
            OSError: for a truncated or corrupt `.weights.h5` file (h5py's
                own message does not name it), with its path.
        """
        try:
            return super().load_weights(filepath, *args, **kwargs)
        except OSError as error:
            raise OSError(
                f"Could not read the weights file {filepath}: truncated, corrupt or not an HDF5 file ({error})"
            ) from error

    def fit(self, *args, **kwargs):
        """`keras.Model.fit`, after checking the callbacks suit a GAN.

        Raises:
            ValueError: before training, for a Keras callback that changes
                or reads `model.optimizer`, which a GAN does not have
                (`LearningRateScheduler`, `ReduceLROnPlateau`, `TensorBoard`
                with `write_steps_per_second`), unless it is wrapped in
                `keras_gan.callbacks.ForPlayer`.
        """
        bound = inspect.signature(keras.Model.fit).bind(self, *args, **kwargs)
        callbacks = bound.arguments.get("callbacks") or []
        for callback in callbacks:
            check_callback(callback)
        try:
            return super().fit(*args, **kwargs)
        finally:
            # A fit ended by an exception calls no on_train_end: signal
            # handlers installed by keras_gan's BackupAndRestore go back.
            for callback in callbacks:
                if hasattr(callback, "release_signals"):
                    callback.release_signals()

    def reducible_logs(self, logs):
        """A step's logs as `fit` can reduce them under this strategy.

        keras-team/keras#20585, tensorflow/tensorflow#72388: across workers
        fit reduces each log with strategy.reduce(MEAN, axis=0), which fails
        on a scalar. Shape (1,) reduces to the scalar; every replica holds
        the same synchronized metric results. Elsewhere: `logs` unchanged.
        """
        if distribute.is_multi_worker(self.distribute_strategy):
            return {name: tf.reshape(value, [1]) for name, value in logs.items()}
        return logs

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Under a distribution strategy, Keras's fit and evaluate open an
        # iterator over the dataset only to build the model from one batch,
        # built or not (keras/src/backend/tensorflow/trainer.py). tf.data's
        # seeded reshuffling keeps its state in the dataset object, so that
        # extra iterator moves every epoch's order on by one, and by more
        # when it skips batches: a run resumed by `fit_resumable` then saw
        # other batches than one that never stopped. Across workers, the
        # reduction of that batch also fails for (images, labels) batches
        # (keras-team/keras#20585). Both networks arrive built (__init__):
        # nothing to build, no iterator opened.
        if distribute.is_multi_worker(self.distribute_strategy) or all(
            layer.built for layer in self._flatten_layers()
        ):
            return
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)


def _loss_scaled(optimizer, network, auto_scale_loss):
    """`optimizer`, wrapped in LossScaleOptimizer if `network` computes in
    float16 (the `mixed_float16` policy), as `keras.Model.compile` does for
    its one optimizer: small float16 gradients would underflow to 0."""
    if (
        auto_scale_loss
        and network.dtype_policy.name == "mixed_float16"
        and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
    ):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer
