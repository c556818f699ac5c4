"""Distances between two sets of features: Frechet distance and KID.

The math only: inputs are feature arrays `(n, d)`, whatever produced them
(an Inception network, the MNIST classifier, raw pixels). Statistics are
accumulated in float64, in batches, so memory stays bounded by the batch.
"""

import numpy as np

from keras_gan.validation import check_positive_int


def _as_float64(features, name):
    features = np.asarray(features, np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected features of shape "
            f"(n, d) with n >= 2. Received: shape {features.shape}"
        )
    return features


def mean_and_covariance(features, batch_size=10_000):
    """Mean `(d,)` and unbiased covariance `(d, d)` of `(n, d)` features,
    accumulated in float64 over batches of `batch_size` rows."""
    features = np.asarray(features)
    count, total = 0, np.zeros(features.shape[1])
    outer = np.zeros((features.shape[1], features.shape[1]))
    for start in range(0, len(features), batch_size):
        batch = features[start : start + batch_size].astype(np.float64)
        count += len(batch)
        total += batch.sum(axis=0)
        outer += batch.T @ batch
    mean = total / count
    return mean, (outer - count * np.outer(mean, mean)) / (count - 1)


def frechet_distance(features1, features2):
    """Frechet distance between Gaussians fitted to two feature sets.

        d^2 = ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)),

    with Tr((S1 S2)^(1/2)) computed as the sum of the square roots of the
    eigenvalues of S1^(1/2) S2 S1^(1/2), which is symmetric positive
    semi-definite (so no complex square roots). FID is this on Inception-v3
    pool features; compare models only at the same sample count.

    Args:
        features1, features2: float arrays `(n1, d)` and `(n2, d)`, n >= 2.

    Returns:
        float >= 0 (up to rounding), in squared feature units.

    Raises:
        ValueError: for arrays that are not `(n, d)` with n >= 2, or whose d
            differ.

    Reference:
        Heusel et al. 2017, arXiv:1706.08500, eq. (6); TF-GAN
        `frechet_classifier_distance`.
    """
    features1 = _as_float64(features1, "features1")
    features2 = _as_float64(features2, "features2")
    if features1.shape[1] != features2.shape[1]:
        raise ValueError(
            "Invalid feature sets. Expected the same number of features. "
            f"Received: {features1.shape[1]} and {features2.shape[1]}"
        )
    mu1, sigma1 = mean_and_covariance(features1)
    mu2, sigma2 = mean_and_covariance(features2)
    return frechet_distance_from_statistics(mu1, sigma1, mu2, sigma2)


def _sqrt_psd(matrix):
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance_from_statistics(mu1, sigma1, mu2, sigma2):
    """`frechet_distance` from precomputed means and covariances."""
    root1 = _sqrt_psd(sigma1)
    middle = root1 @ sigma2 @ root1
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    difference = mu1 - mu2
    return float(difference @ difference + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_sqrt)


def kernel_distance(features1, features2, num_subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance: unbiased MMD^2 with a cubic polynomial kernel.

        k(x, y) = (x . y / d + 1)^3,
        MMD^2 = mean_{i != j} k(x_i, x_j) + mean_{i != j} k(y_i, y_j)
                - 2 mean_{i, j} k(x_i, y_j),

    averaged over `num_subsets` random subsets of `subset_size` from each set.

    Args:
        features1, features2: float arrays `(n1, d)`, `(n2, d)`.
        num_subsets: int >= 1.
        subset_size: int >= 2, capped at the smaller set's size.
        seed: int, seed of the subsets.

    Returns:
        (mean, std) over the subsets, floats; the mean is unbiased, so it can
        be slightly negative when the two distributions are equal.

    Reference:
        Binkowski et al. 2018, "Demystifying MMD GANs", arXiv:1801.01401,
        section 5 (KID).
    """
    features1 = _as_float64(features1, "features1")
    features2 = _as_float64(features2, "features2")
    check_positive_int("num_subsets", num_subsets)
    size = min(check_positive_int("subset_size", subset_size, minimum=2), len(features1), len(features2))
    dimension = features1.shape[1]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(num_subsets):
        x = features1[rng.choice(len(features1), size, replace=False)]
        y = features2[rng.choice(len(features2), size, replace=False)]
        kxx, kyy, kxy = ((a @ b.T / dimension + 1) ** 3 for a, b in ((x, x), (y, y), (x, y)))
        off_diagonal = size * (size - 1)
        values.append(
            (kxx.sum() - np.trace(kxx)) / off_diagonal
            + (kyy.sum() - np.trace(kyy)) / off_diagonal
            - 2 * kxy.mean()
        )
    return float(np.mean(values)), float(np.std(values))
