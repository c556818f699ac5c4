"""Games: the discriminator's and the generator's costs, chosen together.

A `Game` carries both players' per-sample costs through `AdversarialModel.train_step`, as
TF-GAN's `GANLoss` tuple does, and says how to log D's outputs:

| name                 | D's cost                       | G's cost            | logged as        |
|----------------------|--------------------------------|---------------------|------------------|
| "non_saturating"     | binary cross-entropy, 1 / 0    | -1/2 log D(G(z))    | d_real, d_fake   |
| "minimax"            | binary cross-entropy, 1 / 0    | 1/2 log(1 - D(G(z)))| d_real, d_fake   |
| "maximum_likelihood" | binary cross-entropy, 1 / 0    | -1/2 exp(l)         | d_real, d_fake   |
| "hinge"              | relu(1 - l_r) + relu(1 + l_f)  | -l_f                | d_real_score, .. |
| "least_squares"      | 1/2 (l_r - 1)^2 + 1/2 l_f^2    | 1/2 (l_f - 1)^2     | d_real_score, .. |
| "wasserstein"        | l_f - l_r                      | -l_f                | d_real_score, .. |
| "relativistic_pairing" | softplus(l_f - l_r), paired  | softplus(l_r - l_f) | d_real_score, .. |
| "relativistic_average" | softplus(mean l_f - l_r) + softplus(l_f - mean l_r) | roles swapped | d_real_score, .. |

For the cross-entropy games, D's output is a logit and the logged `d_real` /
`d_fake` are the means of sigmoid(l), probabilities in [0, 1]. For the
others D's output is a raw score, not a probability: the logged
`d_real_score` / `d_fake_score` are the means of l itself (for hinge, the
margins are at +1 and -1; for least squares, the targets 1 and 0; for
Wasserstein, their difference estimates the distance).

The relativistic games' generator costs take D's logits on real samples
too (`Game.relativistic`): the step then runs the current D, frozen, on a
real minibatch in G's update (R3GAN, Huang et al. 2024).
"""

import collections
import functools

import tensorflow as tf

from keras_gan import losses

Game = collections.namedtuple(
    "Game", ["name", "discriminator_loss", "generator_loss", "cross_entropy", "relativistic"], defaults=(False,)
)
Game.__doc__ = """A GAN objective.

Fields:
    name: the game's name, or "custom" for a user's generator cost.
    discriminator_loss: function (real_logits, fake_logits) -> float32
        `(batch,)`, per-sample cost of D.
    generator_loss: function fake_logits -> float32 `(batch,)`; for a
        relativistic game, (fake_logits, real_logits) -> float32 `(batch,)`.
    cross_entropy: True when D's output is a logit of D(x) = sigmoid(l)
        (the 2014 game and its generator costs).
    relativistic: True when G's cost also takes D's logits on real samples.
"""

CROSS_ENTROPY_GAMES = tuple(losses.GENERATOR_LOSSES)  # non_saturating, minimax, maximum_likelihood
SCORE_GAMES = {
    "hinge": (losses.hinge_discriminator_loss, losses.hinge_generator_loss),
    "least_squares": (losses.least_squares_discriminator_loss, losses.least_squares_generator_loss),
    "wasserstein": (losses.wasserstein_discriminator_loss, losses.wasserstein_generator_loss),
}
RELATIVISTIC_GAMES = {
    "relativistic_pairing": (
        losses.relativistic_pairing_discriminator_loss,
        losses.relativistic_pairing_generator_loss,
    ),
    "relativistic_average": (
        losses.relativistic_average_discriminator_loss,
        losses.relativistic_average_generator_loss,
    ),
}
GAMES = CROSS_ENTROPY_GAMES + tuple(SCORE_GAMES) + tuple(RELATIVISTIC_GAMES)


def get_game(loss, label_smoothing=0.0):
    """The game named by `loss`, or the 2014 game with a user's generator cost.

    Args:
        loss: a name in `GAMES`; or a user's generator cost (a
            `keras.losses.Loss` on (targets, logits) or a function from
            logits to per-sample costs, see `losses.get_generator_loss`),
            played against D's binary cross-entropy.
        label_smoothing: float in [0, 1), one-sided smoothing of D's real
            targets; cross-entropy games only.

    Returns:
        A `Game`.

    Raises:
        ValueError: for an unknown name or type, a `label_smoothing` outside
            [0, 1), or a non-zero `label_smoothing` with a game whose D does
            not use cross-entropy targets.
    """
    losses.check_label_smoothing(label_smoothing)
    if isinstance(loss, str) and (loss in SCORE_GAMES or loss in RELATIVISTIC_GAMES):
        if label_smoothing:
            raise ValueError(
                "Invalid value for argument `label_smoothing`. Expected 0 for "
                f"the {loss!r} game: label smoothing changes the targets of "
                f"a cross-entropy discriminator, one of {CROSS_ENTROPY_GAMES}. "
                f"Received: label_smoothing={label_smoothing!r}"
            )
        relativistic = loss in RELATIVISTIC_GAMES
        discriminator_loss, generator_loss = (RELATIVISTIC_GAMES if relativistic else SCORE_GAMES)[loss]
        return Game(loss, discriminator_loss, generator_loss, cross_entropy=False, relativistic=relativistic)
    if isinstance(loss, str) and loss not in CROSS_ENTROPY_GAMES:
        raise ValueError(
            "Invalid value for argument `loss`. Expected one of "
            f"{sorted(GAMES)}, a keras.losses.Loss or a function. "
            f"Received: loss={loss!r}"
        )
    return Game(
        loss if isinstance(loss, str) else "custom",
        functools.partial(losses.discriminator_loss, label_smoothing=label_smoothing),
        losses.get_generator_loss(loss),
        cross_entropy=True,
    )


def score_names(game):
    """The log names of D's mean output on real and generated samples."""
    return ("d_real", "d_fake") if game.cross_entropy else ("d_real_score", "d_fake_score")


def score(game, logits):
    """D's output as logged: sigmoid(l) in [0, 1] for cross-entropy games,
    the raw l otherwise; float32 `(batch,)`, the mean over a sample's
    patches when D gives several logits per sample (PatchGAN)."""
    logits = tf.cast(logits, tf.float32)
    logits = tf.reshape(logits, tf.stack([tf.shape(logits)[0], -1]))
    return tf.reduce_mean(tf.sigmoid(logits) if game.cross_entropy else logits, axis=1)


def per_patch(game):
    """`game` for a discriminator that gives a map of logits per sample.

    A PatchGAN D (Isola et al. 2017, section 3.2.2) judges each patch of a
    sample: its logits have shape `(batch, ...)`, several per sample. Each
    player's cost of a sample is then the mean, over its patches, of the
    game's cost of each patch (every patch a sample of its own, as in
    phillipi/pix2pix's criterion over the output map). With one logit per
    sample, the same as `game`.

    Returns:
        A `Game` with the same name, whose costs take logits `(batch, ...)`
        and return float32 `(batch,)`.
    """

    def patches(logits):
        logits = tf.cast(logits, tf.float32)
        return tf.reshape(logits, [-1]), tf.shape(logits)[0]

    def per_sample(costs, batch):
        return tf.reduce_mean(tf.reshape(costs, tf.stack([batch, -1])), axis=1)

    def discriminator_loss(real_logits, fake_logits):
        (real, batch), (fake, _) = patches(real_logits), patches(fake_logits)
        return per_sample(game.discriminator_loss(real, fake), batch)

    def generator_loss(fake_logits, *real_logits):
        fake, batch = patches(fake_logits)
        return per_sample(game.generator_loss(fake, *(patches(r)[0] for r in real_logits)), batch)

    return game._replace(discriminator_loss=discriminator_loss, generator_loss=generator_loss)
