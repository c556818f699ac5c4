"""`Objective`: what the two players minimise in a training step.

The game (`keras_gan.games`: both players' per-sample costs from D's
logits), one-sided label smoothing and a gradient penalty on D's input
(`keras_gan.penalties`) with its lazy schedule are chosen together in
`compile`; this object holds them, checks that they go together, keeps the
trackers of what they log, and gives back the arguments it was made from
(`get_config`), as Keras's `CompileLoss` does for `compile(loss=...)`.

In a step, D's cost of a sample is

    J(D) = game's D cost(l_real, l_fake) [+ penalty(D, x, G(z))]

and G's is the game's G cost of l_fake; the model adds any term of its own
beside G's (`Pix2Pix`: lambda L1).
"""

import keras

from keras_gan import games
from keras_gan import networks
from keras_gan import penalties
from keras_gan import schedules


class Objective:
    """The game, label smoothing and gradient penalty of a `compile`.

    Args:
        loss: the game (`keras_gan.games`). With D's binary
            cross-entropy (labels 1 real / 0 generated), a generator cost
            of the tutorial's section 3.2: "non_saturating" (default),
            "minimax" or "maximum_likelihood"; or a game that sets both
            players' costs: "hinge" (Lim & Ye 2017, Miyato et al. 2018),
            "least_squares" (Mao et al. 2017), "wasserstein" (Arjovsky et
            al. 2017; use it with a gradient penalty or spectral
            normalization), "relativistic_pairing" (RpGAN, R3GAN's game;
            G's step then also runs the frozen D on the real minibatch) or
            "relativistic_average" (RaGAN). Or a user's generator cost
            against D's cross-entropy: a `keras.losses.Loss` on (targets,
            logits), applied with target 1, or a function from logits to
            per-sample costs (see `losses.get_generator_loss`). Every cost
            is taken per sample, summed and divided by the global batch
            size, whatever the Loss's own `reduction`.
        label_smoothing: float in [0, 1), one-sided: real targets become
            1 - label_smoothing, generated targets stay 0 (tutorial section
            4.2). Cross-entropy games only.
        gradient_penalty: None (default), "wgan_gp" (Gulrajani et al. 2017),
            "r1" or "r2" (Mescheder et al. 2018), "r1_r2" (both, R3GAN,
            Huang et al. 2024): a penalty on D's input gradient added to
            D's cost (`keras_gan.penalties`).
        gradient_penalty_weight: float >= 0 (lambda or gamma), a
            `schedules.CosineBurnIn` of D's updates, or None for the
            default (10 for wgan_gp; for r1 and r2 StyleGAN2-ADA's
            0.0002 * side^2 / 64, see `penalties.default_weight`).
        gradient_penalty_every: int >= 1, N of lazy regularization: the
            penalty on every N-th D update, weighted N times (Karras et al.
            2020, StyleGAN2 section 4). Default 1.
        image_shape: `(height, width, channels)` D judges, for the
            default weight.
        pack: int >= 1, the model's packing (no penalty with pack > 1).
        patches: bool, D gives a map of logits per sample (PatchGAN): each
            cost is the mean over a sample's patches (`games.per_patch`).

    Logs (`logs()`: what `fit`, `evaluate` and `History` report, means
    over the epoch):
        d_loss: J(D) for the game, without the penalty (cross-entropy games:
            nats, tutorial eq. 8; log 2 ~ 0.693 when D = 1/2).
        g_loss: J(G) for the game (non-saturating at D = 1/2:
            1/2 log 2 ~ 0.347).
        d_real, d_fake (cross-entropy games): mean D(x) on real and
            D(G(z)) on generated images, probabilities in [0, 1].
        d_real_score, d_fake_score (hinge, least_squares, wasserstein): the
            mean raw output of D on real and generated images instead (not
            probabilities; see `keras_gan.games`).
        gradient_penalty (with a penalty): the weighted per-sample penalty
            added to D's cost, averaged over all D updates (lazy ones
            included, as zeros between the N-times-weighted ones).

    Raises:
        ValueError: for an unknown game or penalty, label smoothing outside
            [0, 1) or with a game that is not cross-entropy, a negative
            weight, `gradient_penalty_every` < 1, a weight or interval
            without a penalty, or a penalty with `pack` > 1; each names
            the `compile` argument.
    """

    def __init__(
        self,
        loss="non_saturating",
        label_smoothing=0.0,
        gradient_penalty=None,
        gradient_penalty_weight=None,
        gradient_penalty_every=1,
        image_shape=(1, 1, 1),
        pack=1,
        patches=False,
    ):
        game = games.get_game(loss, label_smoothing)
        self.game = games.per_patch(game) if patches else game
        self.loss = loss  # as given: a name, a Loss or a function
        self.label_smoothing = float(label_smoothing)
        self.gradient_penalty = _penalty(
            gradient_penalty, gradient_penalty_weight, gradient_penalty_every, image_shape, pack
        )
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.gradient_penalty_tracker = keras.metrics.Mean(name="gradient_penalty")

    def discriminator_loss(self, real_logits, fake_logits):
        """The game's D cost per sample, float32 `(batch,)`, and tracks it
        with D's mean outputs."""
        d_loss = self.game.discriminator_loss(real_logits, fake_logits)
        # Per-sample values: each replica's Mean holds its own sum and count,
        # so the reduced result is the mean over the global batch.
        self.d_loss_tracker.update_state(d_loss)
        self.d_real_tracker.update_state(games.score(self.game, real_logits))
        self.d_fake_tracker.update_state(games.score(self.game, fake_logits))
        return d_loss

    def penalty(self, discriminate, real, fake, seed, iteration, discriminate_fake=None):
        """The weighted gradient penalty of a D update per sample, float32
        `(batch,)` (zeros between lazy ones), tracked; 0 without a penalty.

        Args:
            discriminate: function (images, condition) -> D's logits, in
                training mode, inside D's gradient tape: what D does to the
                real images (its augmentation included).
            real, fake: (images, condition) of the update's minibatches,
                the images as the penalty differentiates them (before any
                augmentation).
            seed: int tensor `(2,)`, the step's seed (WGAN-GP's eps is
                folded from it).
            iteration: int tensor, D's optimizer iterations before the
                update (the lazy schedule).
            discriminate_fake: the same for the generated images, when it
                differs from `discriminate`.
        """
        if self.gradient_penalty is None:
            return 0.0
        value = self.gradient_penalty(
            discriminate, real, fake, networks.fold(seed, networks.PENALTY_SEED), iteration, discriminate_fake
        )
        self.gradient_penalty_tracker.update_state(value)
        return value

    @property
    def relativistic(self):
        """True when G's cost also takes D's logits on real samples."""
        return self.game.relativistic

    def generator_loss(self, fake_logits, real_logits=None):
        """The game's G cost per sample, float32 `(batch,)` (not tracked:
        the model tracks G's loss after G's update). `real_logits`, D's
        logits on the paired real samples, for a relativistic game only."""
        if self.relativistic:
            return self.game.generator_loss(fake_logits, real_logits)
        return self.game.generator_loss(fake_logits)

    @property
    def metrics(self):
        trackers = [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker, self.d_fake_tracker]
        if self.gradient_penalty is not None:
            trackers.append(self.gradient_penalty_tracker)
        return trackers

    def logs(self):
        """{name: value} of the trackers, D's outputs under the game's log
        names (`d_real`, `d_fake`, or `d_real_score`, `d_fake_score`)."""
        logs = {m.name: m.result() for m in self.metrics}
        real_name, fake_name = games.score_names(self.game)
        logs[real_name], logs[fake_name] = logs.pop("d_real"), logs.pop("d_fake")
        return logs

    def get_config(self):
        """The `compile` arguments this objective was made from (a Loss or
        function serialized)."""
        config = {
            "loss": self.loss if isinstance(self.loss, str) else keras.saving.serialize_keras_object(self.loss),
            "label_smoothing": self.label_smoothing,
        }
        penalty = self.gradient_penalty
        if penalty is not None:
            config.update(
                gradient_penalty=penalty.penalty,
                gradient_penalty_weight=schedules.serialize(penalty.weight),
                gradient_penalty_every=penalty.every,
            )
        return config


def _penalty(name, weight, every, image_shape, pack):
    """The `penalties.GradientPenalty` of compile's arguments, or None."""
    if name is None:
        if weight is not None or every != 1:
            raise ValueError(
                "Invalid value for argument `gradient_penalty`. Expected one of "
                f"{penalties.PENALTIES} when gradient_penalty_weight or "
                "gradient_penalty_every is set. Received: gradient_penalty=None"
            )
        return None
    if pack > 1:
        raise ValueError(
            "Invalid value for argument `gradient_penalty`. Expected None "
            "with pack > 1 (a penalty on packed inputs is not defined "
            f"here). Received: gradient_penalty={name!r}, pack={pack}"
        )
    return penalties.GradientPenalty(name, weight, every, image_shape)
