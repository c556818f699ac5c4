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
        loss: the game, as `AdversarialModel.compile(loss=...)`: a name in
            `keras_gan.games.GAMES`, a `keras.losses.Loss` or a function
            (a user's generator cost against D's cross-entropy).
        label_smoothing: float in [0, 1), one-sided (real targets
            1 - label_smoothing); cross-entropy games only.
        gradient_penalty: None, "wgan_gp", "r1", "r2" or "r1_r2".
        gradient_penalty_weight: float >= 0, a `schedules.CosineBurnIn` of
            D's updates, or None (the penalty's default for `image_shape`).
        gradient_penalty_every: int >= 1, lazy regularization's N.
        image_shape: `(height, width, channels)` D judges, for the
            default weight.
        pack: int >= 1, the model's packing (no penalty with pack > 1).
        patches: bool, D gives a map of logits per sample (PatchGAN): each
            cost is the mean over a sample's patches (`games.per_patch`).

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
