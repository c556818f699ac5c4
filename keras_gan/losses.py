"""GAN costs as pure functions of discriminator logits.

Every function takes logits `l` (the discriminator's raw output, any finite
float in (-inf, inf); for the cross-entropy costs D = sigmoid(l)) and returns
one value per sample, float32, shape `(batch,)`. The cross-entropy costs
include the 1/2 factor of the NIPS 2016 tutorial's costs, so that the mean
over a batch is the tutorial's J, and the gradients match its Figure 16
(Goodfellow 2016, arXiv:1701.00160, section 3.2). The post-2016 games (`hinge_*`, `least_squares_*`,
`wasserstein_*`, `relativistic_pairing_*`, `relativistic_average_*`; the
relativistic generator costs also take D's logits on real samples) are
written as their papers write them, named on TF-GAN's scheme
`<family>_discriminator_loss` / `<family>_generator_loss`; the
discriminator costs pair real and generated samples by position, so the mean
over a batch is E[cost on real] + E[cost on generated].

Reduction is the caller's: `keras_gan.GAN` sums the per-sample values and
divides by the global batch size (`tf.nn.compute_average_loss`), which is
correct on one device and under any `tf.distribute` strategy.

Logits of any shape `(batch, ...)` are flattened to `(batch,)` first: a
discriminator returns one logit per sample, shape `(batch, 1)` or `(batch,)`.

Reference:
    Goodfellow, "NIPS 2016 Tutorial: Generative Adversarial Networks",
    arXiv:1701.00160, section 3.2, equations 8, 10, 13 and 14.
"""

import keras
import tensorflow as tf

# Above this logit, the maximum-likelihood cost continues along its tangent
# instead of exp(l): e^50 ~ 5.2e21, so even a sum over 1e15 samples stays far
# below float32's maximum (3.4e38), and D(G(z)) > 1 - 2e-22 there anyway.
MAX_LIKELIHOOD_LOGIT_LIMIT = 50.0


def flatten_logits(logits):
    """Logits `(batch,)` or `(batch, 1)`, any float dtype -> float32 `(batch,)`."""
    logits = tf.convert_to_tensor(logits)
    return tf.reshape(tf.cast(logits, tf.float32), [tf.shape(logits)[0]])


def check_label_smoothing(label_smoothing):
    """Raises ValueError unless `label_smoothing` is a number in [0, 1)."""
    if (
        isinstance(label_smoothing, bool)
        or not isinstance(label_smoothing, (int, float))
        or not 0.0 <= label_smoothing < 1.0
    ):
        raise ValueError(
            "Invalid value for argument `label_smoothing`. Expected a float "
            f"in [0, 1). Received: label_smoothing={label_smoothing!r}"
        )


def discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Binary cross-entropy of D: label 1 for real, 0 for generated samples.

    Per sample i (real and generated samples are paired by position):

        J_i = 1/2 BCE(l_real_i, 1 - alpha) + 1/2 BCE(l_fake_i, 0),
        BCE(l, y) = -y log sigmoid(l) - (1 - y) log(1 - sigmoid(l)),

    so the batch mean is the tutorial's equation 8,
    J(D) = -1/2 E_x log D(x) - 1/2 E_z log(1 - D(G(z))), when alpha = 0.
    Computed as softplus terms (`tf.nn.sigmoid_cross_entropy_with_logits`),
    finite for every finite logit.

    Args:
        real_logits: float tensor `(batch,)` or `(batch, 1)`, D's logits on
            real samples, any finite value.
        fake_logits: float tensor of the same shape, D's logits on generated
            samples.
        label_smoothing: float in [0, 1), alpha of one-sided label smoothing:
            real targets become 1 - alpha, generated targets stay 0
            (tutorial section 4.2). Default 0.

    Returns:
        float32 tensor `(batch,)`, in nats, >= 0 when alpha = 0.

    Raises:
        ValueError: if `label_smoothing` is outside [0, 1).

    Example:
        >>> discriminator_loss([0.0], [0.0])  # D = 1/2 on both: log 2
        <tf.Tensor: shape=(1,), dtype=float32, numpy=array([0.6931472]...)>

    Reference:
        Goodfellow 2016, arXiv:1701.00160, equation 8 and section 4.2.
    """
    check_label_smoothing(label_smoothing)
    real_logits = flatten_logits(real_logits)
    fake_logits = flatten_logits(fake_logits)
    real_cost = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.fill(tf.shape(real_logits), 1.0 - label_smoothing),
        logits=real_logits,
    )
    fake_cost = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.zeros_like(fake_logits), logits=fake_logits
    )
    return 0.5 * real_cost + 0.5 * fake_cost


def minimax_generator_loss(fake_logits):
    """The zero-sum generator cost, J(G) = -J(D) (its G-dependent part).

        J_i = 1/2 log(1 - D(G(z_i))) = -1/2 softplus(l_i)

    Its gradient with respect to the logit is -1/2 D(G(z)): it saturates (is
    near 0) when D confidently rejects the samples, early in training.

    Args:
        fake_logits: float tensor `(batch,)` or `(batch, 1)`, D's logits on
            generated samples, any finite value.

    Returns:
        float32 tensor `(batch,)`, in nats, <= 0.

    Reference:
        Goodfellow 2016, arXiv:1701.00160, section 3.2.2, equation 10;
        Goodfellow et al. 2014, equation 1.
    """
    return -0.5 * tf.nn.softplus(flatten_logits(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """The non-saturating heuristic: flip the labels, not the sign.

        J_i = -1/2 log D(G(z_i)) = 1/2 softplus(-l_i)

    i.e. 1/2 the cross-entropy of D(G(z)) against label 1. Its gradient with
    respect to the logit is -1/2 (1 - D(G(z))): strong exactly when D rejects
    the samples. The default generator cost in practice.

    Args:
        fake_logits: float tensor `(batch,)` or `(batch, 1)`, D's logits on
            generated samples, any finite value.

    Returns:
        float32 tensor `(batch,)`, in nats, >= 0.

    Reference:
        Goodfellow 2016, arXiv:1701.00160, section 3.2.3, equation 13.
    """
    return 0.5 * tf.nn.softplus(-flatten_logits(fake_logits))


def maximum_likelihood_generator_loss(fake_logits):
    """The maximum-likelihood cost: with an optimal D it minimises KL(p_data||p_g).

        J_i = -1/2 exp(sigma^-1(D(G(z_i)))) = -1/2 exp(l_i)

    Its gradient with respect to the logit is -1/2 D/(1 - D). exp(l)
    overflows float32 above l ~ 88.7, so for l > 50
    (`MAX_LIKELIHOOD_LOGIT_LIMIT`) the cost continues along its tangent at 50:
    -1/2 e^50 (1 + l - 50). Value and gradient are continuous there, finite
    for every finite logit (at l = 1e4 the value is ~ -2.6e25), and exact
    wherever D(G(z)) < 1 - 2e-22.

    Args:
        fake_logits: float tensor `(batch,)` or `(batch, 1)`, D's logits on
            generated samples, any finite value.

    Returns:
        float32 tensor `(batch,)`, in nats, < 0.

    Reference:
        Goodfellow 2016, arXiv:1701.00160, section 3.2.4, equation 14.
    """
    logits = flatten_logits(fake_logits)
    limit = MAX_LIKELIHOOD_LOGIT_LIMIT
    # Both branches are finite for every input, so tf.where's gradient is too.
    exact = tf.exp(tf.minimum(logits, limit))
    tangent = tf.exp(limit) * (1.0 + tf.maximum(logits, limit) - limit)
    return -0.5 * tf.where(logits > limit, tangent, exact)


def hinge_discriminator_loss(real_logits, fake_logits):
    """The hinge cost of D: a margin of 1 on each side.

        J_i = max(0, 1 - l_real_i) + max(0, 1 + l_fake_i)

    Zero once real logits are >= 1 and generated ones <= -1; the gradient
    with respect to a logit is -1 (real, l < 1), +1 (generated, l > -1) or 0.

    Args:
        real_logits: float tensor `(batch,)` or `(batch, 1)`, D's raw outputs
            on real samples, any finite value.
        fake_logits: float tensor of the same shape, on generated samples.

    Returns:
        float32 tensor `(batch,)`, >= 0.

    Reference:
        Lim & Ye 2017, "Geometric GAN", arXiv:1705.02894, eq. 9; Miyato et
        al. 2018, "Spectral Normalization for GANs", ICLR, section 4, eq. 16.
    """
    real_logits, fake_logits = flatten_logits(real_logits), flatten_logits(fake_logits)
    return tf.nn.relu(1.0 - real_logits) + tf.nn.relu(1.0 + fake_logits)


def hinge_generator_loss(fake_logits):
    """The hinge game's generator cost: J_i = -l_fake_i (gradient -1).

    Args:
        fake_logits: float tensor `(batch,)` or `(batch, 1)`, D's raw outputs
            on generated samples, any finite value.

    Returns:
        float32 tensor `(batch,)`, any real value.

    Reference:
        Lim & Ye 2017, arXiv:1705.02894; Miyato et al. 2018, section 4.
    """
    return -flatten_logits(fake_logits)


def least_squares_discriminator_loss(real_logits, fake_logits):
    """The least-squares cost of D, a = 0 (generated), b = 1 (real).

        J_i = 1/2 (l_real_i - 1)^2 + 1/2 l_fake_i^2

    D's raw output is regressed onto 1 for real and 0 for generated samples
    (no sigmoid). Gradients: l_real - 1 and l_fake.

    Args:
        real_logits: float tensor `(batch,)` or `(batch, 1)`, D's raw outputs
            on real samples.
        fake_logits: float tensor of the same shape, on generated samples.

    Returns:
        float32 tensor `(batch,)`, >= 0.

    Reference:
        Mao et al. 2017, "Least Squares Generative Adversarial Networks",
        ICCV, eq. 2 with a = 0, b = c = 1 (the 0-1 coding of section 3.2.3).
    """
    real_logits, fake_logits = flatten_logits(real_logits), flatten_logits(fake_logits)
    return 0.5 * tf.square(real_logits - 1.0) + 0.5 * tf.square(fake_logits)


def least_squares_generator_loss(fake_logits):
    """The least-squares generator cost, c = 1: J_i = 1/2 (l_fake_i - 1)^2.

    Gradient with respect to the raw output: l_fake - 1.

    Args:
        fake_logits: float tensor `(batch,)` or `(batch, 1)`, D's raw outputs
            on generated samples.

    Returns:
        float32 tensor `(batch,)`, >= 0.

    Reference:
        Mao et al. 2017, ICCV, eq. 2 with c = 1.
    """
    return 0.5 * tf.square(flatten_logits(fake_logits) - 1.0)


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """The critic's cost of WGAN: J_i = l_fake_i - l_real_i.

    Minimising it maximises E[D(x)] - E[D(G(z))], the Kantorovich-Rubinstein
    estimate of the Wasserstein-1 distance, which holds only for a
    1-Lipschitz D. Nothing here makes D Lipschitz: use it with a gradient
    penalty (`GAN.compile(gradient_penalty="wgan_gp")`, Gulrajani et al.
    2017), spectral normalization, or weight clipping (Arjovsky et al.'s
    own recipe); alone, D's outputs grow without bound.

    Args:
        real_logits: float tensor `(batch,)` or `(batch, 1)`, the critic's
            raw outputs on real samples.
        fake_logits: float tensor of the same shape, on generated samples.

    Returns:
        float32 tensor `(batch,)`, any real value.

    Reference:
        Arjovsky et al. 2017, "Wasserstein GAN", ICML, eq. 3 and Algorithm 1.
    """
    return flatten_logits(fake_logits) - flatten_logits(real_logits)


def wasserstein_generator_loss(fake_logits):
    """WGAN's generator cost: J_i = -l_fake_i (see
    `wasserstein_discriminator_loss` for the Lipschitz condition).

    Args:
        fake_logits: float tensor `(batch,)` or `(batch, 1)`, the critic's
            raw outputs on generated samples.

    Returns:
        float32 tensor `(batch,)`, any real value.

    Reference:
        Arjovsky et al. 2017, ICML, Algorithm 1.
    """
    return -flatten_logits(fake_logits)


def relativistic_pairing_discriminator_loss(real_logits, fake_logits):
    """The relativistic pairing cost of D (RpGAN): real i against generated i.

        J_i = softplus(-(l_real_i - l_fake_i)) = -log sigmoid(l_real_i - l_fake_i)

    D wants each real sample's logit above its paired generated sample's.
    Samples are paired by position within the minibatch (within a
    replica's minibatch under `tf.distribute`); no batch mean enters.

    Args:
        real_logits: float tensor `(batch,)` or `(batch, 1)`, D's raw outputs
            on real samples.
        fake_logits: float tensor of the same shape, on generated samples
            (with the real samples' labels when conditional).

    Returns:
        float32 tensor `(batch,)`, > 0.

    Reference:
        Jolicoeur-Martineau 2018, "The relativistic discriminator",
        arXiv:1807.00734 (RSGAN); Huang et al. 2024, "The GAN is dead; long
        live the GAN!", NeurIPS, eq. 2 (brownvc/R3GAN `AdversarialTraining`).
    """
    real_logits, fake_logits = flatten_logits(real_logits), flatten_logits(fake_logits)
    return tf.math.softplus(fake_logits - real_logits)


def relativistic_pairing_generator_loss(fake_logits, real_logits):
    """RpGAN's generator cost: the swapped-label form, not minus D's cost.

        J_i = softplus(l_real_i - l_fake_i) = D's J_i + (l_real_i - l_fake_i)

    Its gradient with respect to l_fake_i is -sigmoid(l_real_i - l_fake_i).
    The real logits come from the current D (constant for G).

    Args:
        fake_logits: float tensor `(batch,)` or `(batch, 1)`, D's raw outputs
            on generated samples.
        real_logits: float tensor of the same shape, on the real samples
            they are paired with.

    Returns:
        float32 tensor `(batch,)`, > 0.

    Reference:
        Huang et al. 2024, NeurIPS, section 2; brownvc/R3GAN
        `AccumulateGeneratorGradients`.
    """
    real_logits, fake_logits = flatten_logits(real_logits), flatten_logits(fake_logits)
    return tf.math.softplus(real_logits - fake_logits)


def relativistic_average_discriminator_loss(real_logits, fake_logits):
    """The relativistic average cost of D (RaGAN): each sample against the
    mean logit of the other kind in the minibatch.

        J_i = softplus(-(l_real_i - mean_j l_fake_j)) + softplus(l_fake_i - mean_j l_real_j)

    so the batch mean is E_r[-log sigmoid(C_r - E C_f)] + E_f[-log(1 -
    sigmoid(C_f - E C_r))]. The means are over the replica's minibatch.

    Args:
        real_logits: float tensor `(batch,)` or `(batch, 1)`, on real samples.
        fake_logits: float tensor of the same shape, on generated samples.

    Returns:
        float32 tensor `(batch,)`, > 0.

    Reference:
        Jolicoeur-Martineau 2018, arXiv:1807.00734, section 4.2 (RaSGAN),
        Algorithm 2; Wang et al. 2018, ESRGAN, eq. 1 (without its 1/2).
    """
    real_logits, fake_logits = flatten_logits(real_logits), flatten_logits(fake_logits)
    real_mean, fake_mean = tf.reduce_mean(real_logits), tf.reduce_mean(fake_logits)
    return tf.math.softplus(fake_mean - real_logits) + tf.math.softplus(fake_logits - real_mean)


def relativistic_average_generator_loss(fake_logits, real_logits):
    """RaGAN's generator cost: D's with the roles of real and generated swapped.

        J_i = softplus(-(l_fake_i - mean_j l_real_j)) + softplus(l_real_i - mean_j l_fake_j)

    G's gradient reaches both terms (the second through mean l_fake).

    Args:
        fake_logits: float tensor `(batch,)` or `(batch, 1)`, on generated samples.
        real_logits: float tensor of the same shape, on real samples.

    Returns:
        float32 tensor `(batch,)`, > 0.

    Reference:
        Jolicoeur-Martineau 2018, arXiv:1807.00734, section 4.2, Algorithm 2.
    """
    return relativistic_average_discriminator_loss(fake_logits, real_logits)


GENERATOR_LOSSES = {
    "non_saturating": non_saturating_generator_loss,
    "minimax": minimax_generator_loss,
    "maximum_likelihood": maximum_likelihood_generator_loss,
}


def get_generator_loss(loss):
    """Returns the generator cost `loss` as a function of D's logits on
    generated samples, float `(batch,)` or `(batch, 1)`, to per-sample costs,
    float32 `(batch,)`.

    Args:
        loss: one of `GENERATOR_LOSSES` ("non_saturating", "minimax",
            "maximum_likelihood"), or a user's cost:
            - a `keras.losses.Loss` on (targets, logits), e.g.
              `keras.losses.BinaryCrossentropy(from_logits=True)`: applied
              with the flipped target 1 for every generated sample. Its own
              `reduction` is not used: the GAN needs one cost per sample to
              divide their sum by the global batch size, so that gradients
              and logs are the same on any number of replicas;
            - a function from logits to per-sample costs `(batch,)`.

    Raises:
        ValueError: for an unknown name or another type. A function that
            returns other than one cost per sample raises when the first
            step is traced.
    """
    if isinstance(loss, str):
        if loss not in GENERATOR_LOSSES:
            raise ValueError(
                "Invalid value for argument `loss`. Expected one of "
                f"{sorted(GENERATOR_LOSSES)}, a keras.losses.Loss or a function. "
                f"Received: loss={loss!r}"
            )
        return GENERATOR_LOSSES[loss]
    if isinstance(loss, keras.losses.Loss):
        return lambda logits: _per_sample(loss.call(tf.ones_like(logits), logits), logits)
    if callable(loss):
        return lambda logits: _per_sample(loss(logits), logits)
    raise ValueError(
        "Invalid value for argument `loss`. Expected one of "
        f"{sorted(GENERATOR_LOSSES)}, a keras.losses.Loss or a function. "
        f"Received: loss={loss!r}"
    )


def _per_sample(costs, logits):
    """A user's costs as float32 `(batch,)`; raises if not one per sample."""
    costs = tf.convert_to_tensor(costs)
    if costs.shape.rank not in (1, 2) or (costs.shape.rank == 2 and costs.shape[1] != 1):
        raise ValueError(
            "Invalid generator cost. Expected one cost per sample, shape "
            f"(batch,) or (batch, 1), as for logits of shape {tuple(logits.shape)}. "
            f"Received: costs of shape {tuple(costs.shape)}"
        )
    return flatten_logits(costs)
