"""`GAN`: the adversarial game of Goodfellow et al. 2014 as a `keras.Model`."""

import copy
import inspect
import math
import random

import keras
import tensorflow as tf

from keras_gan import augment
from keras_gan import distribute
from keras_gan import ema
from keras_gan import games
from keras_gan import networks
from keras_gan import packing
from keras_gan import penalties
from keras_gan.validation import check_positive_int

LATENT_PRIORS = ("normal", "uniform")
# How the two players' updates are ordered in a step (compile(update=...)).
UPDATES = ("alternating", "simultaneous")


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


def _check_callback(callback):
    """Raises for a Keras callback that would address `model.optimizer`."""
    uses_optimizer = isinstance(
        callback,
        (keras.callbacks.LearningRateScheduler, keras.callbacks.ReduceLROnPlateau),
    ) or (
        isinstance(callback, keras.callbacks.TensorBoard)
        and callback.write_steps_per_second
    )
    if uses_optimizer:
        raise ValueError(
            "Invalid callback for GAN.fit. Expected callbacks that leave "
            "`model.optimizer` alone: a GAN has `d_optimizer` and "
            "`g_optimizer` instead. Wrap it in keras_gan.callbacks.ForPlayer("
            "callback, 'discriminator' or 'generator'). Received: "
            f"{type(callback).__name__}"
        )


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(keras.Model):
    """A generative adversarial network trained by `fit`: Algorithm 1 of 2014.

    Each `train_step` is one training iteration of Algorithm 1: `d_steps` (k)
    discriminator updates, each on its own real minibatch and fresh noise,
    with label 1 for real and 0 for generated samples; then one generator
    update through the discriminator with flipped labels (generated samples
    labelled 1) for the default non-saturating cost. Each player's weights and
    moving statistics change only in its own update: the other network runs
    in training mode (batch statistics, dropout) but frozen.

    A batch from `fit` holds k minibatches: with `d_steps=k`, a dataset
    batched by k * m gives k D updates on m real images each, then one G
    update on m generated images; minibatch i holds the batch's images i,
    i + k, i + 2k, ... (the same split on any number of replicas). Batches may
    be images alone, float `(batch, height, width, channels)` in [-1, 1], or
    tuples whose first element is the images (the rest, e.g. labels, is
    ignored).

    A conditional game reuses this `train_step` (`keras_gan.ConditionalGAN`):
    a subclass overrides only the conditioning hooks, `_unpack` (labels from
    the batch), `_label_checks` (their run-time checks), `_fake_labels` (the
    labels to generate with, drawn from the batch's), `_generator_inputs` and
    `_discriminator_inputs` (how z, images and labels enter the networks) and
    `_generation_labels` (labels for `generate`).

    The post-2016 toolkit enters the same step through named seams, each in
    its own module: the game (`compile(loss=...)`, `keras_gan.games`), a
    gradient penalty added to D's cost (`compile(gradient_penalty=...)`,
    `keras_gan.penalties`), and an EMA of G updated after each G step
    (`ema_decay`, `keras_gan.ema`), and a differentiable augmentation of
    every image D sees, with a fixed or adaptive probability
    (`augmentation`, `keras_gan.augment`). Spectral normalization is part of
    D (`keras_gan.architectures`, `spectral_norm=True`). The papers' own
    code adds two more: simultaneous updates, both players' gradients from
    one forward pass (`compile(update="simultaneous")`), and packing, D
    judging m samples at once (`pack`, `keras_gan.packing`). A term beside
    the game's in G's cost enters by `_generator_cost` (`keras_gan.Pix2Pix`:
    lambda L1).

    Losses are summed over samples and divided by the global batch size, so
    gradients and the logged metrics are the same on one device and under any
    `tf.distribute` strategy. Noise is drawn per replica.

    `fit`, `evaluate` and `History` report (means over the epoch):
        d_loss: J(D) for the game, without the penalty (cross-entropy games:
            nats, tutorial eq. 8; log 2 ~ 0.693 when D = 1/2).
        g_loss: J(G) for the game (non-saturating at D = 1/2:
            1/2 log 2 ~ 0.347).
        d_real, d_fake (cross-entropy games): mean D(x) on real and
            D(G(z)) on generated images, probabilities in [0, 1].
        d_real_score, d_fake_score (hinge, least_squares, wasserstein): the
            mean raw output of D on real and generated images instead (not
            probabilities; see `keras_gan.games`).
        augment_p (with an augmentation): the probability p of each
            transformation at the end of the epoch.
        gradient_penalty (with a penalty): the weighted per-sample penalty
            added to D's cost, averaged over all D updates (lazy ones
            included, as zeros between the N-times-weighted ones).
        loss: d_loss + g_loss. Not a cost either player minimizes; it is
            there for Keras callbacks that watch `loss` (TerminateOnNaN
            stops when it turns NaN or inf, i.e. when either cost does).

    Args:
        generator: a built `keras.Model` from z, float `(batch, latent_dim)`,
            to images `(batch, height, width, channels)`.
        discriminator: a built `keras.Model` from such images to logits,
            `(batch, 1)` or `(batch,)`, no sigmoid.
        latent_dim: int, size of z. Default: read from the generator's input.
        latent_prior: "normal" (N(0, 1), default) or "uniform"
            (U(-sqrt 3, sqrt 3), unit variance, as in the 2014 paper's code).
        seed: int or None, seed of the training noise. With
            `keras.utils.set_random_seed` and the same seed, runs repeat.
        ema_decay: None (default) or a float in (0, 1), per generator
            update: keep `ema_generator`, an exponential moving average of
            G's weights with a warm-up (see `keras_gan.ema`), e.g. 0.999
            (half-life 693 updates). `generate`, the sampling callbacks, the
            export and the evaluation command then use it; the trained G
            stays `gan.generator` (`generate(..., ema=False)`).
        augmentation: None (default), a DiffAugment policy string such as
            "color,translation,cutout" (probability 1), or a
            `keras_gan.augment.DiffAugment` (e.g. with
            `probability="adaptive"`): applied to every image D sees, real
            and generated, in both players' updates (Zhao et al. 2020;
            Karras et al. 2020). Create the GAN in the strategy's scope.
        pack: int >= 1, m of PacGAN (Lin et al. 2018; `keras_gan.packing`):
            D judges packs of m consecutive samples of a minibatch, all
            real or all generated, concatenated along the last axis, so
            its input shape is G's output shape with the last axis times
            m, and it returns one logit per pack. Minibatches must hold a
            multiple of m samples. Default 1 (no packing). Unconditional
            GANs only; not with a gradient penalty.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        ValueError: if the generator's output shape differs from the
            discriminator's input shape, `latent_dim` differs from the
            generator's input size or cannot be read from it,
            `latent_prior` is unknown, `ema_decay` is not in (0, 1),
            `augmentation` is not a known policy, or `pack` is not a
            positive int (or is > 1 for a conditional GAN).

    Example:
        ```python
        gan = keras_gan.GAN(
            keras_gan.architectures.dcgan_generator((28, 28, 1)),
            keras_gan.architectures.dcgan_discriminator((28, 28, 1)),
        )
        gan.compile(
            d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        )
        gan.fit(keras_gan.data.load_tfds("mnist", batch_size=128), epochs=5)
        images = gan.generate(64, seed=0)  # (64, 28, 28, 1) in [-1, 1]
        ```

    Reference:
        Goodfellow et al. 2014, "Generative Adversarial Nets", Algorithm 1;
        Goodfellow 2016, "NIPS 2016 Tutorial", arXiv:1701.00160, section 3.2.
    """

    # None: unconditional. Inputs of each network: z, or images (a
    # conditional GAN adds labels).
    num_classes = None
    NETWORK_INPUTS = 1

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        latent_prior="normal",
        seed=None,
        ema_decay=None,
        augmentation=None,
        pack=1,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.ema_decay = ema.check_ema_decay(ema_decay)
        self.augmentation = augment.get(augmentation)
        self.pack = self._check_pack(pack)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = self._resolve_latent_dim(generator, latent_dim, self.NETWORK_INPUTS)
        if latent_prior not in LATENT_PRIORS:
            raise ValueError(
                "Invalid value for argument `latent_prior`. Expected one of "
                f"{LATENT_PRIORS}. Received: latent_prior={latent_prior!r}"
            )
        self.latent_prior = latent_prior
        self.seed = seed
        self.image_shape = self._check_networks_fit(generator, discriminator)
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise_seed")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.gradient_penalty_tracker = keras.metrics.Mean(name="gradient_penalty")
        # G_ema: the same architecture, its weights averaged after G's steps.
        self.ema_generator = ema.clone_generator(generator) if self.ema_decay else None
        # Both networks arrive built; so is the GAN (BackupAndRestore and
        # load_weights need a built model before the first step).
        self.built = True

    @staticmethod
    def _resolve_latent_dim(generator, latent_dim, count):
        input_shape = networks.static_shape(generator, "input", count)
        known = input_shape[-1] if input_shape and len(input_shape) == 1 else None
        if latent_dim is None:
            if known is None:
                raise ValueError(
                    "Invalid value for argument `latent_dim`. Expected an int "
                    "when the generator's input shape `(batch, latent_dim)` "
                    "cannot be read from it. Received: latent_dim=None"
                )
            return known
        if not isinstance(latent_dim, int) or latent_dim < 1 or (
            known is not None and latent_dim != known
        ):
            raise ValueError(
                "Invalid value for argument `latent_dim`. Expected a positive "
                "int equal to the generator's input size "
                f"{known if known is not None else '(unknown)'}. "
                f"Received: latent_dim={latent_dim!r}"
            )
        return latent_dim

    def _check_networks_fit(self, generator, discriminator):
        """Returns the image shape after checking G's output fits D's input."""
        g_output = networks.static_shape(generator, "output")
        if g_output is None:
            inputs = self._generator_inputs(
                keras.KerasTensor((None, self.latent_dim)),
                keras.KerasTensor((None,), "int32"),
            )
            g_output = tuple(generator.compute_output_spec(inputs).shape[1:])
        d_input = networks.static_shape(discriminator, "input", self.NETWORK_INPUTS)
        expected = packing.packed_shape(g_output, self.pack)
        if d_input is not None and expected != d_input:
            packed = f" packed by pack={self.pack}" if self.pack > 1 else ""
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected an input "
                f"shape equal to the generator's output shape{packed}, (None, "
                f"{', '.join(map(str, expected))}). Received: a discriminator "
                f"with input shape (None, {', '.join(map(str, d_input))})"
            )
        return g_output

    def _check_pack(self, pack):
        pack = packing.check_pack(pack)
        if pack > 1 and self.NETWORK_INPUTS > 1:  # a conditional GAN
            raise ValueError(
                "Invalid value for argument `pack`. Expected pack=1 for a "
                "conditional GAN (a pack would mix labels; keras_gan packs "
                f"unconditional GANs only). Received: pack={pack}"
            )
        return pack

    # ------------------------------------------------------------------
    # Configuration

    def compile(
        self,
        d_optimizer,
        g_optimizer,
        loss="non_saturating",
        d_steps=1,
        label_smoothing=0.0,
        gradient_penalty=None,
        gradient_penalty_weight=None,
        gradient_penalty_every=1,
        update="alternating",
        **kwargs,
    ):
        """Configures the game: optimizers, costs, k, alpha, a gradient penalty.

        Args:
            d_optimizer: optimizer of the discriminator: a
                `keras.optimizers.Optimizer`, a name or a config dict.
            g_optimizer: optimizer of the generator, a distinct instance.
            loss: the game (`keras_gan.games`). With D's binary
                cross-entropy (labels 1 real / 0 generated), a generator
                cost of the tutorial's section 3.2: "non_saturating"
                (default), "minimax" or "maximum_likelihood"; or a game
                that sets both players' costs: "hinge" (Lim & Ye 2017,
                Miyato et al. 2018), "least_squares" (Mao et al. 2017) or
                "wasserstein" (Arjovsky et al. 2017; use it with a gradient
                penalty or spectral normalization). Or a user's generator
                cost against D's cross-entropy: a `keras.losses.Loss` on
                (targets, logits), applied with target 1, or a function
                from logits to per-sample costs (see
                `losses.get_generator_loss`). Every cost is taken per
                sample, summed and divided by the global batch size,
                whatever the Loss's own `reduction`.
            d_steps: int >= 1, k of Algorithm 1: discriminator updates per
                generator update. Batches must then hold k minibatches.
            label_smoothing: float in [0, 1), one-sided: real targets become
                1 - label_smoothing, generated targets stay 0 (tutorial
                section 4.2). Cross-entropy games only.
            gradient_penalty: None (default), "wgan_gp" (Gulrajani et al.
                2017), "r1" or "r2" (Mescheder et al. 2018): a penalty on
                D's input gradient added to D's cost (`keras_gan.penalties`).
            gradient_penalty_weight: float >= 0, lambda or gamma; None for
                the default (10 for wgan_gp; for r1 and r2 StyleGAN2-ADA's
                0.0002 * side^2 / 64, see `penalties.default_weight`).
            gradient_penalty_every: int >= 1, N of lazy regularization: the
                penalty on every N-th D update, weighted N times (Karras et
                al. 2020, StyleGAN2 section 4). Default 1.
            update: how the players' updates follow each other in a step.
                "alternating" (default): Algorithm 1 of 2014, k D updates,
                then G's update through the updated D, on fresh noise.
                "simultaneous": one forward pass (the same real and
                generated minibatch, the same dropout masks), both players'
                gradients taken at the parameters before either update,
                then both applied, as goodfeli/adversarial's and PacGAN's
                code do. Simultaneous needs d_steps=1.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, `run_eagerly`, `auto_scale_loss`).

        Mixed precision: build the networks under
        `keras.mixed_precision.set_global_policy("mixed_float16")` (or
        "mixed_bfloat16"). With float16, each optimizer is wrapped in
        `keras.optimizers.LossScaleOptimizer` (unless it already is, or
        `auto_scale_loss=False`): each step's loss is scaled up before the
        gradient and the gradients scaled back, and a step whose gradients
        overflow is skipped and the scale halved. Losses and logged metrics
        are float32 under every policy.

        Raises:
            ValueError: for an unknown loss, d_steps < 1, label_smoothing
                outside [0, 1) or non-zero with a game that is not
                cross-entropy, an unknown gradient penalty, a negative
                penalty weight, gradient_penalty_every < 1 (or a weight or
                interval without a penalty), a penalty with `pack` > 1, an
                unknown `update` or "simultaneous" with d_steps > 1, the
                same optimizer instance for both players,
                or a `kwargs` key that `keras.Model.compile` would use to
                train a single network (`optimizer`, `loss_weights`,
                `metrics`, `weighted_metrics`).
        """
        for key in ("optimizer", "loss_weights", "metrics", "weighted_metrics"):
            if key in kwargs:
                raise ValueError(
                    f"Invalid argument `{key}` for GAN.compile. Expected "
                    "d_optimizer, g_optimizer, loss, d_steps, label_smoothing "
                    "and keras.Model.compile's jit_compile, "
                    f"steps_per_execution or run_eagerly. Received: {key}="
                    f"{kwargs[key]!r}"
                )
        game = games.get_game(loss, label_smoothing)
        d_steps = check_positive_int("d_steps", d_steps, "k of Algorithm 1")
        penalty = self._gradient_penalty(gradient_penalty, gradient_penalty_weight, gradient_penalty_every)
        update = self._check_update(update, d_steps)
        if d_optimizer is g_optimizer and not isinstance(d_optimizer, str):
            raise ValueError(
                "Invalid value for argument `g_optimizer`. Expected an "
                "optimizer distinct from `d_optimizer` (each keeps its own "
                "slot variables). Received the same instance for both."
            )
        # No default optimizer: the two players have their own.
        super().compile(optimizer=None, **kwargs)
        with self.distribute_strategy.scope():
            # Created and built in the strategy's scope, so that their slot
            # variables are mirrored and BackupAndRestore can load them.
            scale = kwargs.get("auto_scale_loss", True)
            self.d_optimizer = _loss_scaled(keras.optimizers.get(d_optimizer), self.discriminator, scale)
            self.g_optimizer = _loss_scaled(keras.optimizers.get(g_optimizer), self.generator, scale)
            self.d_optimizer.build(self.discriminator.trainable_variables)
            self.g_optimizer.build(self.generator.trainable_variables)
        self.generator_cost = loss  # as given: a name, a Loss or a function
        self.game = game
        self.d_steps = d_steps
        self.label_smoothing = float(label_smoothing)
        self.gradient_penalty = penalty
        self.update = update

    @staticmethod
    def _check_update(update, d_steps):
        if update not in UPDATES:
            raise ValueError(
                f"Invalid value for argument `update`. Expected one of {UPDATES}. "
                f"Received: update={update!r}"
            )
        if update == "simultaneous" and d_steps != 1:
            raise ValueError(
                "Invalid value for argument `d_steps`. Expected d_steps=1 with "
                "update='simultaneous' (both players update once, from the "
                f"same forward pass). Received: d_steps={d_steps}"
            )
        return update

    def _gradient_penalty(self, name, weight, every):
        """The `penalties.GradientPenalty` of compile's arguments, or None."""
        if name is None:
            if weight is not None or every != 1:
                raise ValueError(
                    "Invalid value for argument `gradient_penalty`. Expected one of "
                    f"{penalties.PENALTIES} when gradient_penalty_weight or "
                    "gradient_penalty_every is set. Received: gradient_penalty=None"
                )
            return None
        if self.pack > 1:
            raise ValueError(
                "Invalid value for argument `gradient_penalty`. Expected None "
                "with pack > 1 (a penalty on packed inputs is not defined "
                f"here). Received: gradient_penalty={name!r}, pack={self.pack}"
            )
        return penalties.GradientPenalty(name, weight, every, self.image_shape)

    def get_compile_config(self):
        if not self.compiled:
            return {}
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "loss": self.generator_cost
            if isinstance(self.generator_cost, str)
            else keras.saving.serialize_keras_object(self.generator_cost),
            "d_steps": self.d_steps,
            "label_smoothing": self.label_smoothing,
            "update": self.update,
            **self._penalty_config(),
            "jit_compile": self.jit_compile,
            "steps_per_execution": self.steps_per_execution,
        }

    def _penalty_config(self):
        penalty = self.gradient_penalty
        if penalty is None:
            return {}
        return {
            "gradient_penalty": penalty.penalty,
            "gradient_penalty_weight": penalty.weight,
            "gradient_penalty_every": penalty.every,
        }

    def compile_from_config(self, config):
        config = dict(config)
        config["d_optimizer"] = keras.optimizers.deserialize(config["d_optimizer"])
        config["g_optimizer"] = keras.optimizers.deserialize(config["g_optimizer"])
        if isinstance(config["loss"], dict):
            config["loss"] = keras.saving.deserialize_keras_object(config["loss"])
        self.compile(**config)

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(
                self.discriminator
            ),
            "latent_dim": self.latent_dim,
            "latent_prior": self.latent_prior,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            "augmentation": None
            if self.augmentation is None
            else keras.saving.serialize_keras_object(self.augmentation),
            "pack": self.pack,
        }

    @classmethod
    def from_config(cls, config):
        # A deep copy: deserializing empties the nested networks' configs.
        config = copy.deepcopy(config)
        for key in ("generator", "discriminator", "augmentation"):
            if config.get(key) is not None:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    # Keras saves no SeedGenerator state (`save`, `save_weights`,
    # BackupAndRestore): a reloaded or resumed GAN would draw again the noise
    # and dropout masks of its first steps. The GAN saves them itself.
    SEED_KEY = "seed_state_{}"

    def _seed_states(self):
        """Every RNG state of the game: the noise's, then the networks'."""
        networks = (
            self.generator.non_trainable_variables
            + self.discriminator.non_trainable_variables
        )
        return [self.seed_generator.state] + [v for v in networks if "int" in v.dtype]

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, state in enumerate(self._seed_states()):
            store[self.SEED_KEY.format(i)] = state

    def load_own_variables(self, store):
        states = {self.SEED_KEY.format(i): v for i, v in enumerate(self._seed_states())}
        for key, state in states.items():
            if key in store:  # absent from files of older versions
                state.assign(store[key])
        super().load_own_variables(
            {key: store[key] for key in store.keys() if key not in states}
        )

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
            _check_callback(callback)
        try:
            return super().fit(*args, **kwargs)
        finally:
            # A fit ended by an exception calls no on_train_end: signal
            # handlers installed by keras_gan's BackupAndRestore go back.
            for callback in callbacks:
                if hasattr(callback, "release_signals"):
                    callback.release_signals()

    @property
    def metrics(self):
        trackers = [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.d_real_tracker,
            self.d_fake_tracker,
        ]
        if getattr(self, "gradient_penalty", None) is not None:
            trackers.append(self.gradient_penalty_tracker)
        return trackers

    # ------------------------------------------------------------------
    # The game

    def call(self, inputs, training=False):
        """D's logits on a batch of images, `(batch, 1)`: how real they look.

        `fit` under a distribution strategy builds the model by calling it on
        a data batch; this is what a GAN does with one.
        """
        return self._discriminate(*self._unpack(inputs), training=training)

    def sample_latent(self, num_samples, seed):
        """Draws z from the prior, float32 `(num_samples, latent_dim)`.

        Args:
            num_samples: int or scalar int tensor.
            seed: int tensor of shape `(2,)`, a stateless RNG seed: the same
                seed gives the same z.
        """
        shape = tf.stack([num_samples, self.latent_dim])
        # Philox named, not "auto_select", whose choice may change with the
        # device or the TF version. (XLA turns its bits into floats its own
        # way: under jit_compile the same seed gives other noise.)
        if self.latent_prior == "normal":
            return tf.random.stateless_normal(shape, seed, alg="philox")
        bound = math.sqrt(3.0)
        return tf.random.stateless_uniform(shape, seed, -bound, bound, alg="philox")

    def _step_seeds(self, count):
        """`count` independent noise seeds for this step on this replica.

        One `SeedGenerator` draw per step, folded with the replica id so that
        no two replicas draw the same noise, then with the draw index.
        """
        seed = self.seed_generator.next()
        replica = tf.distribute.get_replica_context()
        if replica is not None:
            seed = tf.random.experimental.stateless_fold_in(
                seed, replica.replica_id_in_sync_group, alg="philox"
            )
        return [
            tf.random.experimental.stateless_fold_in(seed, i, alg="philox")
            for i in range(count)
        ]

    # Conditioning hooks. The unconditional game ignores labels; a conditional
    # GAN overrides these four and reuses everything else, train_step first.

    def _unpack(self, data):
        """A batch from `fit` -> (images, labels or None), images checked."""
        images = data[0] if isinstance(data, (tuple, list)) else data
        self._check_images(images)
        return images, None

    def _fake_labels(self, labels, seed):
        """Labels to generate with in a step, drawn from the batch's `labels`."""
        return None

    def _label_checks(self, labels):
        """Run-time checks of a batch's labels that every op must wait for."""
        return []

    def _generator_inputs(self, z, labels):
        return z

    def _discriminator_inputs(self, images, labels):
        return images

    def _d_inputs(self, images, labels):
        """What D takes for `images`: packed by `pack` (`keras_gan.packing`),
        with their `labels` when conditional."""
        return self._discriminator_inputs(packing.pack_samples(images, self.pack), labels)

    def _discriminate(self, images, labels, training):
        """D's logits on `images` (with their `labels` when conditional),
        one per pack of `pack` images."""
        return self.discriminator(self._d_inputs(images, labels), training=training)

    def _check_images(self, images):
        """Raises before any step when a batch cannot be fed to D."""
        dtype = keras.backend.standardize_dtype(images.dtype)
        expected = f"(batch, {', '.join(map(str, self.image_shape))})"
        if len(images.shape) != len(self.image_shape) + 1:
            raise ValueError(
                "Invalid dataset images. Expected a batch of rank "
                f"{len(self.image_shape) + 1}, shape {expected}. Received: "
                f"images of rank {len(images.shape)}, shape {tuple(images.shape)}"
            )
        if tuple(images.shape[1:]) != self.image_shape:
            raise ValueError(
                f"Invalid dataset images. Expected shape {expected}, the "
                "discriminator's input. Received: images of shape "
                f"{tuple(images.shape)}"
            )
        if not keras.backend.is_float_dtype(dtype):
            raise ValueError(
                "Invalid dataset images. Expected floating images in [-1, 1] "
                "(keras_gan.data scales uint8 pixels for you). Received: "
                f"images of dtype {dtype}"
            )

    def _track_discriminator(self, d_loss, real_logits, fake_logits):
        # Per-sample values: each replica's Mean holds its own sum and count,
        # so the reduced result is the mean over the global batch.
        self.d_loss_tracker.update_state(d_loss)
        self.d_real_tracker.update_state(games.score(self.game, real_logits))
        self.d_fake_tracker.update_state(games.score(self.game, fake_logits))

    def _augment(self, images, seed):
        """The images as D sees them: augmented when the GAN has an
        augmentation (`keras_gan.augment`), else unchanged."""
        if self.augmentation is None:
            return images
        return self.augmentation.augment(images, seed)

    def _penalty(self, real, fake, seed):
        """The weighted gradient penalty of a D update, per sample: the seam
        between D's cost and `keras_gan.penalties` (with a penalty only)."""
        penalty = self.gradient_penalty(
            lambda images, labels: self._discriminate(images, labels, training=True),
            real,
            fake,
            networks.fold(seed, networks.PENALTY_SEED),
            self.d_optimizer.iterations,
        )
        self.gradient_penalty_tracker.update_state(penalty)
        return penalty

    def _draw_fakes(self, real_images, real_labels, seed):
        """z and labels for as many generated samples as `real_images` holds."""
        z_seed, label_seed = tf.unstack(
            tf.random.experimental.stateless_split(seed, alg="philox")
        )
        z = self.sample_latent(tf.shape(real_images)[0], z_seed)
        return z, self._fake_labels(real_labels, label_seed)

    def _d_cost(self, real_images, real_labels, fake_images, fake_labels, seed):
        """D's per-sample costs on a real and a generated minibatch, as D
        sees them (augmented): the game's and the game's plus the penalty,
        with both logits. Called inside the tape of D's gradient."""
        real_images = self._augment(real_images, networks.fold(seed, networks.AUGMENT_SEED))
        fake_images = self._augment(fake_images, networks.fold(seed, networks.FAKE_AUGMENT_SEED))
        # Two calls, not one concatenated batch: with batch normalization
        # each minibatch is all real or all generated (as in DCGAN).
        real_logits = self._discriminate(real_images, real_labels, training=True)
        fake_logits = self._discriminate(fake_images, fake_labels, training=True)
        d_loss = self.game.discriminator_loss(real_logits, fake_logits)
        d_cost = d_loss
        if self.gradient_penalty is not None:
            d_cost += self._penalty((real_images, real_labels), (fake_images, fake_labels), seed)
        return d_loss, d_cost, real_logits, fake_logits

    @staticmethod
    def _scaled_loss(optimizer, cost):
        """The loss to differentiate for a per-sample `cost`: summed, divided
        by the global batch, scaled for float16 (inside the tape)."""
        return optimizer.scale_loss(tf.nn.compute_average_loss(cost))

    @staticmethod
    def _apply(optimizer, tape, loss, network):
        variables = network.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))

    def _after_d_update(self, d_loss, real_logits, fake_logits):
        self._track_discriminator(d_loss, real_logits, fake_logits)
        if self.augmentation is not None:
            self.augmentation.observe(real_logits)

    def _generator_cost(self, fake_logits, fake_images, real_images):
        """G's per-sample cost: (the game's, the whole). The seam for a
        term beside the game's (`Pix2Pix`: lambda L1 to the target)."""
        g_loss = self.game.generator_loss(fake_logits)
        return g_loss, g_loss

    def _after_g_update(self, g_loss):
        self.g_loss_tracker.update_state(g_loss)
        if self.ema_generator is not None:
            ema.update(self.ema_generator, self.generator, self.ema_decay, self.g_optimizer.iterations)

    def _d_step(self, real_images, real_labels, seed):
        """One discriminator update on a real minibatch and as many fakes."""
        z, fake_labels = self._draw_fakes(real_images, real_labels, seed)
        fake_images = networks.frozen_call(self.generator, self._generator_inputs(z, fake_labels))
        with tf.GradientTape() as tape:
            d_loss, d_cost, real_logits, fake_logits = self._d_cost(
                real_images, real_labels, fake_images, fake_labels, seed
            )
            scaled = self._scaled_loss(self.d_optimizer, d_cost)
        self._apply(self.d_optimizer, tape, scaled, self.discriminator)
        self._after_d_update(d_loss, real_logits, fake_logits)

    def _g_step(self, real_images, real_labels, seed):
        """One generator update through the frozen discriminator.

        Generates as many samples as `real_images` holds (the minibatch size
        m); a conditional GAN draws their labels from `real_labels`.
        """
        z, fake_labels = self._draw_fakes(real_images, real_labels, seed)
        with tf.GradientTape() as tape:
            fake_images = self.generator(
                self._generator_inputs(z, fake_labels), training=True
            )
            # G's gradient flows back through the augmentation.
            seen = self._augment(fake_images, networks.fold(seed, networks.AUGMENT_SEED))
            fake_logits = networks.frozen_call(self.discriminator, self._d_inputs(seen, fake_labels))
            g_loss, g_cost = self._generator_cost(fake_logits, fake_images, real_images)
            scaled = self._scaled_loss(self.g_optimizer, g_cost)
        self._apply(self.g_optimizer, tape, scaled, self.generator)
        self._after_g_update(g_loss)

    def _simultaneous_step(self, real_images, real_labels, seed):
        """Both players' updates from one forward pass (`update=
        "simultaneous"`): the same generated minibatch and D outputs give
        D's cost and G's, both gradients are taken at the parameters before
        either update, then both are applied."""
        z, fake_labels = self._draw_fakes(real_images, real_labels, seed)
        with tf.GradientTape(persistent=True) as tape:
            fake_images = self.generator(self._generator_inputs(z, fake_labels), training=True)
            d_loss, d_cost, real_logits, fake_logits = self._d_cost(
                real_images, real_labels, fake_images, fake_labels, seed
            )
            g_loss, g_cost = self._generator_cost(fake_logits, fake_images, real_images)
            d_scaled = self._scaled_loss(self.d_optimizer, d_cost)
            g_scaled = self._scaled_loss(self.g_optimizer, g_cost)
        # Both gradients before either update changes a weight.
        d_gradients = tape.gradient(d_scaled, self.discriminator.trainable_variables)
        g_gradients = tape.gradient(g_scaled, self.generator.trainable_variables)
        del tape
        with tf.control_dependencies(d_gradients + g_gradients):
            self.d_optimizer.apply_gradients(zip(d_gradients, self.discriminator.trainable_variables))
        # Under tf.distribute each apply all-reduces its gradients, and every
        # replica must run the two all-reduces in the same order: G's waits
        # for D's update (its step counter, incremented last).
        with tf.control_dependencies([self.d_optimizer.iterations.value]):
            self.g_optimizer.apply_gradients(zip(g_gradients, self.generator.trainable_variables))
        self._after_d_update(d_loss, real_logits, fake_logits)
        self._after_g_update(g_loss)

    def _batch_size_checks(self, images):
        """Checks a batch holds k minibatches; returns run-time checks, if any.

        A static batch size is checked now (a ValueError while tracing); one
        known only when the step runs gives an assertion that the whole step
        must wait for, so that no update happens on a bad batch.
        """
        k = self.d_steps * self.pack
        factor = f"d_steps * pack={k}" if self.pack > 1 else f"d_steps={k}"
        message = (
            f"Invalid dataset batch size. Expected a multiple of {factor} "
            "(each batch holds one real minibatch per discriminator step"
            f"{', of whole packs' if self.pack > 1 else ''}). Received: a batch of"
        )
        batch = images.shape[0]
        if batch is None and k > 1:
            return [
                tf.debugging.assert_equal(
                    tf.math.floormod(tf.shape(images)[0], k), 0, message=f"{message} size"
                )
            ]
        if batch is not None and batch % k:
            raise ValueError(f"{message} {batch} images")
        return []

    def _split_minibatches(self, tensor):
        """The k minibatches of a batch: minibatch i holds rows i, i+k, ...

        A strided split, not k contiguous blocks: each replica holds a
        contiguous block of the global batch whose length is a multiple of
        k, so the global minibatch i is the same on any number of replicas.
        `None` (no labels) splits into k `None`s.
        """
        k = self.d_steps
        if tensor is None:
            return [None] * k
        rows = tf.reshape(tensor, tf.concat([[-1, k], tf.shape(tensor)[1:]], 0))
        return tf.unstack(rows, num=k, axis=1)

    def train_step(self, data):
        images, labels = self._unpack(data)
        # Every op of the step, optimizer counters included, waits for the
        # run-time checks: a bad batch changes nothing.
        checks = self._batch_size_checks(images) + self._label_checks(labels)
        with tf.control_dependencies(checks):
            minibatches = list(
                zip(self._split_minibatches(images), self._split_minibatches(labels))
            )
            seeds = self._step_seeds(self.d_steps + 1)
            if self.update == "simultaneous":
                self._simultaneous_step(*minibatches[0], seeds[0])
                return self._logs()
            for (real_images, real_labels), seed in zip(minibatches, seeds):
                self._d_step(real_images, real_labels, seed)
            self._g_step(*minibatches[0], seeds[-1])
        return self._logs()

    def test_step(self, data):
        real_images, real_labels = self._unpack(data)
        with tf.control_dependencies(self._label_checks(real_labels)):
            return self._evaluate(real_images, real_labels)

    def _evaluate(self, real_images, real_labels):
        z, fake_labels = self._draw_fakes(real_images, real_labels, self._step_seeds(1)[0])
        fake_images = self.generator(self._generator_inputs(z, fake_labels), training=False)
        real_logits = self._discriminate(real_images, real_labels, training=False)
        fake_logits = self._discriminate(fake_images, fake_labels, training=False)
        self._track_discriminator(
            self.game.discriminator_loss(real_logits, fake_logits), real_logits, fake_logits
        )
        self.g_loss_tracker.update_state(self.game.generator_loss(fake_logits))
        return self._logs()

    def _logs(self):
        logs = {m.name: m.result() for m in self.metrics}
        # Raw outputs, not probabilities, for the games without a sigmoid.
        real_name, fake_name = games.score_names(self.game)
        logs[real_name], logs[fake_name] = logs.pop("d_real"), logs.pop("d_fake")
        if self.augmentation is not None:
            logs["augment_p"] = tf.convert_to_tensor(self.augmentation.p)
        # Not a cost either player minimizes: a value for the Keras callbacks
        # that watch `loss` (TerminateOnNaN), NaN or inf when either cost is.
        logs["loss"] = logs["d_loss"] + logs["g_loss"]
        if distribute.is_multi_worker(self.distribute_strategy):
            # keras-team/keras#20585, tensorflow/tensorflow#72388: across
            # workers fit reduces each log with strategy.reduce(MEAN, axis=0),
            # which fails on a scalar. Shape (1,) reduces to the scalar; every
            # replica holds the same synchronized metric results.
            logs = {name: tf.reshape(value, [1]) for name, value in logs.items()}
        return logs

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # keras-team/keras#20585: across workers, fit's symbolic build first
        # reduces a data batch over the workers, which fails for
        # (images, labels) batches (PerReplica to Tensor). A GAN is built
        # in __init__ (both networks arrive built), so there is nothing to
        # build: skip it there; elsewhere Keras's own path runs unchanged.
        if distribute.is_multi_worker(self.distribute_strategy):
            return
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    # ------------------------------------------------------------------
    # Sampling

    def sampling_generator(self, ema=True):
        """The network that generates samples: `ema_generator` when the GAN
        keeps one and `ema` is True, else the trained `generator`."""
        if ema and self.ema_generator is not None:
            return self.ema_generator
        return self.generator

    def generate(self, num_samples, seed=None, batch_size=256, labels=None, ema=True):
        """Samples images from the generator, in inference mode.

        Args:
            num_samples: int >= 1.
            seed: int or None. The same int gives the same images; None draws
                a seed from Python's `random` (seeded by
                `keras.utils.set_random_seed`). Training noise is unaffected.
            batch_size: int >= 1, images per generator call (bounds memory).
            labels: conditional GANs only: the class of each sample (see
                `ConditionalGAN.generate`).
            ema: bool, default True: sample the EMA generator when the GAN
                keeps one (`ema_decay`); False samples the trained G.

        Returns:
            float32 tensor `(num_samples, height, width, channels)` in the
            generator's output range ([-1, 1] for the built-in generators).

        Raises:
            ValueError: if `num_samples` or `batch_size` is not a positive
                int, or for `labels` given to an unconditional GAN.
        """
        num_samples = check_positive_int("num_samples", num_samples)
        if seed is None:
            seed = random.randrange(2**31)
        z = self.sample_latent(num_samples, tf.constant([seed, 0], tf.int64))
        return self.generate_from_latent(z, labels=labels, batch_size=batch_size, ema=ema)

    def generate_from_latent(self, z, labels=None, batch_size=256, ema=True):
        """The generator's images for given latent vectors, in inference mode.

        Args:
            z: float array or tensor `(num_samples, latent_dim)`, e.g. from
                `sample_latent` or `keras_gan.latent.interpolate`.
            labels: conditional GANs only: the class of each sample.
            batch_size: int >= 1, images per generator call (bounds memory).
            ema: bool, default True: the EMA generator when there is one.

        Returns:
            float32 tensor `(num_samples, height, width, channels)`.

        Raises:
            ValueError: if `z` is not of shape `(num_samples, latent_dim)`,
                `batch_size` is not a positive int, or for bad `labels`.
        """
        batch_size = check_positive_int("batch_size", batch_size)
        z = tf.convert_to_tensor(z, tf.float32)
        if len(z.shape) != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(
                "Invalid value for argument `z`. Expected shape (num_samples, "
                f"{self.latent_dim}). Received: z of shape {tuple(z.shape)}"
            )
        labels = self._generation_labels(labels, z.shape[0])
        generator = self.sampling_generator(ema)
        chunks = [
            generator(
                self._generator_inputs(
                    z[i : i + batch_size],
                    None if labels is None else labels[i : i + batch_size],
                ),
                training=False,
            )
            for i in range(0, z.shape[0], batch_size)
        ]
        return tf.cast(tf.concat(chunks, axis=0), tf.float32)

    def _generation_labels(self, labels, num_samples):
        """The labels to generate `num_samples` images with: none here."""
        if labels is not None:
            raise ValueError(
                "Invalid argument `labels` for an unconditional GAN. Expected "
                "labels=None (use keras_gan.ConditionalGAN to generate by "
                f"class). Received: labels={labels!r}"
            )
        return None
