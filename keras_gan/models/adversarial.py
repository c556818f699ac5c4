"""`AdversarialModel`: two networks, two optimizers and one `train_step`."""

import keras
import tensorflow as tf

from keras_gan import augment
from keras_gan import ema
from keras_gan import networks
from keras_gan import schedules
from keras_gan import validation
from keras_gan.models.two_player import TwoPlayerModel
from keras_gan.objective import Objective

# How the two players' updates are ordered in a step (compile(update=...)).
UPDATES = ("alternating", "simultaneous")


class AdversarialModel(TwoPlayerModel):
    """The base of `GAN`, `ConditionalGAN` and `Pix2Pix`: the game's step.

    It owns the generator and the discriminator, both optimizers
    (`compile`), the `Objective` (the game, label smoothing and a gradient
    penalty), an EMA of G (`keras_gan.ema`), an augmentation of what D sees
    (`keras_gan.augment`), the noise's seed, and the one `train_step`: k
    discriminator updates, each on its own real minibatch, then one
    generator update (or `g_steps`) through the frozen D
    (`update="alternating"`, Algorithm 1 of Goodfellow et al. 2014), or
    both players' updates from one forward pass (`"simultaneous"`).

    Losses are summed over samples and divided by the global batch size, so
    gradients and the logged metrics are the same on one device and under
    any `tf.distribute` strategy. Randomness is drawn per replica, from one
    stateless seed per step and replica (`step_seeds`), and saved with the
    model.

    Extension points. A subclass says what a batch holds and how the
    networks take it, by overriding these methods, and nothing else of the
    step (`GAN`, `ConditionalGAN` and `Pix2Pix` are the examples):

        check_networks(generator, discriminator) -> image_shape
            In `__init__`: raise a ValueError when G's output cannot be
            fed to D; return the shape D judges, `(height, width, channels)`.
        unpack(data) -> (images, condition)
            A batch from `fit` -> the real images, checked
            (`check_images`), and what conditions them: None, class labels
            (ConditionalGAN), the input images x (Pix2Pix).
        condition_checks(condition) -> list of ops
            Run-time checks of a batch's condition that the step waits for.
        draw_fakes(real_images, condition, seed) -> (g_inputs, fake_condition)
            What G takes to generate as many samples as `real_images`
            holds, and the condition D judges them with; `seed` is a
            stateless seed, int `(2,)`.
        discriminator_inputs(images, condition)
            What D takes for `images` (packed by `GAN`'s `pack`, with the
            labels or x beside them when conditional).
        generator_cost(g_loss, fake_images, real_images) -> (g_loss, g_cost)
            From the game's per-sample G cost `g_loss`, float32 `(batch,)`:
            the adversarial term as logged and the whole cost G minimises
            (Pix2Pix weights the first and adds lambda L1).
        make_objective(**config) -> Objective
            In `compile`, from its game, smoothing and penalty arguments
            (Pix2Pix: costs per patch); `metrics`, the trackers `fit`
            reports: the objective's and the subclass's own (Pix2Pix: l1).

    `fit`, `evaluate` and `History` report the objective's means over the
    epoch (`keras_gan.objective.Objective`: d_loss, g_loss, D's outputs
    d_real and d_fake or their scores, gradient_penalty), `augment_p` with
    an augmentation (the probability of each transformation at the end of
    the epoch), and `loss` = d_loss + g_loss: not a cost either player
    minimizes, there for Keras callbacks that watch `loss` (TerminateOnNaN
    stops when it turns NaN or inf, i.e. when either cost does).

    Args:
        generator, discriminator: built `keras.Model`s (see the subclass).
        seed: int or None, seed of the training noise. With
            `keras.utils.set_random_seed` and the same seed, runs repeat.
        ema_decay: None (default) or a float in (0, 1), per generator
            update: keep `ema_generator`, an exponential moving average of
            G's weights with a warm-up (`keras_gan.ema.EMA`), e.g. 0.999
            (half-life 693 updates). Sampling, the callbacks, the export
            and the evaluation command then use it; the trained G stays
            `generator`.
        ema_half_life: None (default), or instead of `ema_decay` the EMA's
            half-life in images, a float >= 0 or a
            `keras_gan.schedules.CosineBurnIn` of G's updates (R3GAN's
            0 -> 5 M images): beta = 0.5 ** (global batch / half-life),
            with no warm-up (`keras_gan.ema.EMA`).
        augmentation: None (default), a DiffAugment policy string such as
            "color,translation,cutout" (probability 1), or a
            `keras_gan.augment.DiffAugment` (e.g. with
            `probability="adaptive"`): applied to every image D sees, real
            and generated, in both players' updates (Zhao et al. 2020;
            Karras et al. 2020). Create the model in the strategy's scope.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        ValueError: for networks that do not fit (`check_networks`), an
            `ema_decay` outside (0, 1), a negative `ema_half_life` or both,
            or an unknown augmentation policy.

    Reference:
        Goodfellow et al. 2014, "Generative Adversarial Nets", Algorithm 1;
        Goodfellow 2016, "NIPS 2016 Tutorial", arXiv:1701.00160, section 3.2.
    """

    # What a subclass may override (the class docstring describes each);
    # tests/test_structure.py holds the models to it.
    EXTENSION_POINTS = ("check_networks", "unpack", "condition_checks", "draw_fakes", "discriminator_inputs",
                        "generator_cost", "make_objective", "metrics")
    # D judges packs of `pack` samples (`GAN`'s argument); one sample here.
    pack = 1
    nested_objects = ("generator", "discriminator", "augmentation")  # of `get_config`

    def __init__(self, generator, discriminator, seed=None, ema_decay=None, augmentation=None, ema_half_life=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.ema_decay = ema.check_ema_decay(ema_decay)
        self.ema_half_life = ema.check_ema_half_life(ema_half_life)
        # The order in which networks and seeds are assigned is the order of
        # `variables`, which files written before this class existed follow.
        self.augmentation = augment.get(augmentation)
        self.generator = generator
        self.discriminator = discriminator
        self.seed = seed
        self.image_shape = self.check_networks(generator, discriminator)
        self.seed_generator = keras.random.SeedGenerator(seed, name="noise_seed")
        # G_ema: the same architecture, its weights averaged after G's steps.
        keep_ema = self.ema_decay is not None or self.ema_half_life is not None
        self.ema = ema.EMA(generator, self.ema_decay, self.ema_half_life) if keep_ema else None
        self.ema_generator = self.ema.generator if self.ema else None
        self.objective = None  # set by compile
        # Both networks arrive built; so is the model (BackupAndRestore and
        # load_weights need a built model before the first step).
        self.built = True

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
        g_steps=1,
        **kwargs,
    ):
        """Configures the game: optimizers, costs, k, alpha, a gradient penalty.

        Args:
            d_optimizer: optimizer of the discriminator: a
                `keras.optimizers.Optimizer`, a name or a config dict.
            g_optimizer: optimizer of the generator, a distinct instance.
            loss, label_smoothing, gradient_penalty,
            gradient_penalty_weight, gradient_penalty_every: the objective,
                as `keras_gan.objective.Objective` describes each: the game
                (default "non_saturating"; "hinge", "wasserstein", ...),
                one-sided label smoothing (default 0), a penalty on D's
                input gradient ("wgan_gp", "r1", ...; default None), its
                weight (None: its default) and lazy interval N (default 1).
            d_steps: int >= 1, k of Algorithm 1: discriminator updates per
                generator update. Batches must then hold k minibatches.
            update: how the players' updates follow each other in a step.
                "alternating" (default): Algorithm 1 of 2014, k D updates,
                then G's update through the updated D, on fresh noise.
                "simultaneous": one forward pass (the same real and
                generated minibatch, the same dropout masks), both players'
                gradients taken at the parameters before either update,
                then both applied, as goodfeli/adversarial's and PacGAN's
                code do. Simultaneous needs d_steps=1 and g_steps=1.
            g_steps: int >= 1, generator updates after the k D updates,
                each on fresh noise. Default 1 (Algorithm 1). PacGAN's
                Stacked MNIST code (carpedm20's DCGAN) makes 2, "to make
                sure that d_loss does not go to zero".
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, `run_eagerly`, `auto_scale_loss`).

        Mixed precision: build the networks under a `mixed_float16` or
        `mixed_bfloat16` policy (`TwoPlayerModel.compile_players` says how
        each optimizer then scales the loss).

        Raises:
            ValueError: for a bad game, label smoothing or penalty
                (`keras_gan.objective.Objective`), d_steps < 1, an unknown
                `update` or "simultaneous" with d_steps > 1, the same
                optimizer instance for both players, or a `kwargs` key that
                `keras.Model.compile` would use to train a single network
                (`optimizer`, `loss_weights`, `metrics`, `weighted_metrics`).
        """
        d_steps = validation.check_positive_int("d_steps", d_steps, "k of Algorithm 1")
        g_steps = validation.check_positive_int("g_steps", g_steps, "generator updates per step")
        update = _check_update(update, d_steps, g_steps)
        with self.distribute_strategy.scope():  # its trackers' variables
            objective = self.make_objective(
                loss=loss,
                label_smoothing=label_smoothing,
                gradient_penalty=gradient_penalty,
                gradient_penalty_weight=gradient_penalty_weight,
                gradient_penalty_every=gradient_penalty_every,
            )
        self.compile_players(d_optimizer, g_optimizer, **kwargs)
        self.objective = objective
        self.d_steps = d_steps
        self.g_steps = g_steps
        self.update = update

    def make_objective(self, **config):
        return Objective(**config, image_shape=self.image_shape, pack=self.pack)

    def get_compile_config(self):
        if not self.compiled:
            return {}
        return {**self.players_compile_config(), **self.objective.get_config(), "d_steps": self.d_steps,
                "g_steps": self.g_steps, "update": self.update}

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            **({} if self.ema_half_life is None else {"ema_half_life": schedules.serialize(self.ema_half_life)}),
            "augmentation": keras.saving.serialize_keras_object(self.augmentation),
        }

    @property
    def metrics(self):
        objective = getattr(self, "objective", None)  # None until compile
        return [] if objective is None else objective.metrics

    # ------------------------------------------------------------------
    # The step

    def train_step(self, data):
        images, condition = self.unpack(data)
        # Every op of the step, optimizer counters included, waits for the
        # run-time checks: a bad batch changes nothing.
        checks = networks.minibatch_checks(images, self.d_steps, self.pack) + self.condition_checks(condition)
        with tf.control_dependencies(checks):
            minibatches = list(
                zip(
                    networks.split_minibatches(images, self.d_steps),
                    networks.split_minibatches(condition, self.d_steps),
                )
            )
            seeds = self.step_seeds(self.d_steps + self.g_steps)
            if self.update == "simultaneous":
                self._simultaneous_step(*minibatches[0], seeds[0])
                return self._logs()
            for (real_images, real_condition), seed in zip(minibatches, seeds):
                self._d_step(real_images, real_condition, seed)
            for seed in seeds[self.d_steps:]:
                self._g_step(*minibatches[0], seed)
        return self._logs()

    def _d_step(self, real_images, condition, seed):
        """One discriminator update on a real minibatch and as many fakes."""
        g_inputs, fake_condition = self.draw_fakes(real_images, condition, seed)
        fake_images = networks.frozen_call(self.generator, g_inputs)
        with tf.GradientTape() as tape:
            d_cost, real_logits = self._d_cost(real_images, condition, fake_images, fake_condition, seed)
            scaled = _scaled_loss(self.d_optimizer, d_cost)
        _apply(self.d_optimizer, tape, scaled, self.discriminator)
        self._after_d_update(real_logits)

    def _g_step(self, real_images, condition, seed):
        """One generator update through the frozen discriminator, on as many
        generated samples as `real_images` holds."""
        g_inputs, fake_condition = self.draw_fakes(real_images, condition, seed)
        with tf.GradientTape() as tape:
            fake_images = self.generator(g_inputs, training=True)
            # G's gradient flows back through the augmentation.
            seen = augment.apply(self.augmentation, fake_images, networks.fold(seed, networks.AUGMENT_SEED))
            fake_logits = networks.frozen_call(self.discriminator, self.discriminator_inputs(seen, fake_condition))
            real_logits = None
            if self.objective.relativistic:  # the current D on the real minibatch, frozen
                real_seed = networks.fold(seed, networks.REAL_AUGMENT_SEED)
                real_seen = augment.apply(self.augmentation, real_images, real_seed)
                real_logits = networks.frozen_call(self.discriminator, self.discriminator_inputs(real_seen, condition))
            g_loss, g_cost = self.generator_cost(
                self.objective.generator_loss(fake_logits, real_logits), fake_images, real_images
            )
            scaled = _scaled_loss(self.g_optimizer, g_cost)
        _apply(self.g_optimizer, tape, scaled, self.generator)
        self._after_g_update(g_loss, fake_images)

    def _simultaneous_step(self, real_images, condition, seed):
        """Both players' updates from one forward pass (`update=
        "simultaneous"`): the same generated minibatch and D outputs give
        D's cost and G's, both gradients are taken at the parameters before
        either update, then both are applied."""
        g_inputs, fake_condition = self.draw_fakes(real_images, condition, seed)
        with tf.GradientTape(persistent=True) as tape:
            fake_images = self.generator(g_inputs, training=True)
            d_cost, real_logits, fake_logits = self._d_cost(
                real_images, condition, fake_images, fake_condition, seed, fake_logits=True
            )
            g_loss, g_cost = self.generator_cost(
                self.objective.generator_loss(fake_logits, real_logits), fake_images, real_images
            )
            d_scaled = _scaled_loss(self.d_optimizer, d_cost)
            g_scaled = _scaled_loss(self.g_optimizer, g_cost)
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
        self._after_d_update(real_logits)
        self._after_g_update(g_loss, fake_images)

    def _d_cost(self, real_images, condition, fake_images, fake_condition, seed, fake_logits=False):
        """D's per-sample cost on a real and a generated minibatch as D sees
        them (augmented), the game's plus the penalty, tracked, with D's
        real logits (and generated ones, if asked). Inside D's tape.

        The penalty differentiates D's logit with respect to the images
        before augmentation, the same augmentation draw inside the
        differentiated function (StyleGAN2-ADA's R1; R3GAN's R1 and R2).
        """
        seen_real = self._seen_by_d(networks.fold(seed, networks.AUGMENT_SEED))
        seen_fake = self._seen_by_d(networks.fold(seed, networks.FAKE_AUGMENT_SEED))
        # Two calls, not one concatenated batch: with batch normalization
        # each minibatch is all real or all generated (as in DCGAN).
        real_logits = seen_real(real_images, condition)
        fakes = seen_fake(fake_images, fake_condition)
        d_cost = self.objective.discriminator_loss(real_logits, fakes) + self.objective.penalty(
            seen_real, (real_images, condition), (fake_images, fake_condition), seed, self.d_optimizer.iterations,
            discriminate_fake=seen_fake,
        )
        return (d_cost, real_logits, fakes) if fake_logits else (d_cost, real_logits)

    def _seen_by_d(self, seed):
        """D in training mode on images as it sees them: (images,
        condition) -> logits, the images augmented with `seed`'s draw."""
        def seen(images, condition):
            return self.discriminate(augment.apply(self.augmentation, images, seed), condition, training=True)

        return seen

    def _after_d_update(self, real_logits):
        if self.augmentation is not None:
            self.augmentation.observe(real_logits)

    def _after_g_update(self, g_loss, fake_images):
        self.objective.g_loss_tracker.update_state(g_loss)
        if self.ema is not None:
            global_batch = tf.shape(fake_images)[0] * self.distribute_strategy.num_replicas_in_sync
            self.ema.update(self.generator, self.g_optimizer.iterations, global_batch)

    def test_step(self, data):
        real_images, condition = self.unpack(data)
        with tf.control_dependencies(self.condition_checks(condition)):
            g_inputs, fake_condition = self.draw_fakes(real_images, condition, self.step_seeds(1)[0])
            fake_images = self.generator(g_inputs, training=False)
            real_logits = self.discriminate(real_images, condition, training=False)
            fake_logits = self.discriminate(fake_images, fake_condition, training=False)
            self.objective.discriminator_loss(real_logits, fake_logits)
            self.objective.g_loss_tracker.update_state(self.objective.generator_loss(fake_logits, real_logits))
        return self._logs()

    def _logs(self):
        return self.reducible_logs(self.step_logs())

    def step_logs(self):
        """What a training step logs, from the metrics' running means:
        {name: scalar tensor}, the objective's trackers (`d_loss`, `g_loss`,
        D's outputs under the game's names), further metrics (Pix2Pix's
        `l1`), `augment_p` with an augmentation, and `loss`. Read after an
        epoch's last step: the epoch's logs (`fit`'s `on_epoch_end`)."""
        logs = self.objective.logs()
        logs.update({m.name: m.result() for m in self.metrics if m not in self.objective.metrics})  # Pix2Pix's l1
        if self.augmentation is not None:
            logs["augment_p"] = tf.convert_to_tensor(self.augmentation.p)
        # Not a cost either player minimizes: a value for the Keras callbacks
        # that watch `loss` (TerminateOnNaN), NaN or inf when either cost is.
        logs["loss"] = logs["d_loss"] + logs["g_loss"]
        return logs

    def call(self, inputs, training=False):
        """D's logits on a batch from `fit`, `(batch, 1)`: how real it looks
        (what Keras's symbolic build calls the model on)."""
        return self.discriminate(*self.unpack(inputs), training=training)

    def discriminate(self, images, condition, training):
        """D's logits on `images` (with their condition), one per pack."""
        return self.discriminator(self.discriminator_inputs(images, condition), training=training)

    def sampling_generator(self, ema=True):
        """The network that generates samples: `ema_generator` when the model
        keeps one and `ema` is True, else the trained `generator`."""
        return self.ema_generator if ema and self.ema_generator is not None else self.generator

    # ------------------------------------------------------------------
    # Extension points (see the class docstring)

    def check_networks(self, generator, discriminator):
        raise NotImplementedError

    def unpack(self, data):
        raise NotImplementedError

    def condition_checks(self, condition):
        return []

    def draw_fakes(self, real_images, condition, seed):
        raise NotImplementedError

    def discriminator_inputs(self, images, condition):
        return images

    def generator_cost(self, g_loss, fake_images, real_images):
        return g_loss, g_loss

    def check_images(self, images):
        """Raises before any step when a batch of real images cannot be fed
        to D (`keras_gan.validation.check_image_batch` for `image_shape`)."""
        validation.check_image_batch(images, self.image_shape)


def _check_update(update, d_steps, g_steps):
    if update not in UPDATES:
        raise ValueError(f"Invalid value for argument `update`. Expected one of {UPDATES}. Received: update={update!r}")
    for name, steps in (("d_steps", d_steps), ("g_steps", g_steps)):
        if update == "simultaneous" and steps != 1:
            raise ValueError(
                f"Invalid value for argument `{name}`. Expected {name}=1 with "
                "update='simultaneous' (both players update once, from the "
                f"same forward pass). Received: {name}={steps}"
            )
    return update


def _scaled_loss(optimizer, cost):
    """The loss to differentiate for a per-sample `cost`: summed, divided by
    the global batch, scaled for float16 (inside the tape)."""
    return optimizer.scale_loss(tf.nn.compute_average_loss(cost))


def _apply(optimizer, tape, loss, network):
    variables = network.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
