"""Mode coverage on 2-D Gaussian mixtures: modes captured, quality, KL."""

import numpy as np


def mode_coverage(samples, means, sigma):
    """PacGAN's mode-collapse metrics for samples of a Gaussian mixture.

    A sample is high quality if it lies within 3 sigma of its nearest mode;
    a mode is captured if it is the nearest mode of at least one
    high-quality sample. For samples drawn from the mixture itself, about
    1 - exp(-9/2) = 98.9 % are high quality in 2-D (the squared distance to
    the mode over sigma^2 is chi-squared with 2 degrees of freedom).

    Args:
        samples: float array `(n, 2)`, e.g. 2,500 samples of a generator.
        means: float array `(num_modes, 2)`, the mixture's modes.
        sigma: float > 0, the standard deviation of every mode.

    Returns:
        dict: `modes_captured` (int), `high_quality` (fraction in [0, 1]) and
        `kl_to_uniform` (KL divergence, in nats, from the high-quality
        samples' histogram over modes to the uniform one; 0 when they are
        spread evenly, log(num_modes) when all sit on one mode).

    Reference:
        Lin et al. 2018, "PacGAN", arXiv:1712.04086, section 5.1 and Table 1;
        Srivastava et al. 2017 (VEEGAN).
    """
    samples, means = np.asarray(samples, np.float64), np.asarray(means, np.float64)
    distances = np.linalg.norm(samples[:, None, :] - means[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    high_quality = distances[np.arange(len(samples)), nearest] < 3 * sigma
    counts = np.bincount(nearest[high_quality], minlength=len(means))
    histogram = counts / max(counts.sum(), 1)
    present = histogram > 0
    kl = float(np.sum(histogram[present] * np.log(histogram[present] * len(means))))
    return {
        "modes_captured": int(present.sum()),
        "high_quality": float(high_quality.mean()),
        "kl_to_uniform": kl,
    }
