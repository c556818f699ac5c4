"""Scores of generated samples from a classifier's view of them."""

import numpy as np

from keras_gan.validation import check_positive_int


def classifier_score(probabilities, num_splits=10):
    """The Inception-score formula, exp(E_x KL(p(y|x) || p(y))), on any classifier.

    High when each sample is classified confidently (low entropy of p(y|x))
    and the classes are balanced (high entropy of p(y)); between 1 and the
    number of classes. On MNIST with the project's classifier it is the
    "MNIST score"; with Inception-v3 on ImageNet classes, the Inception
    score.

    Args:
        probabilities: float array `(n, num_classes)`, rows summing to 1
            (softmax of the classifier's logits).
        num_splits: int >= 1, the samples are split into this many equal
            parts, scored separately.

    Returns:
        (mean, std) of the score over the splits.

    Reference:
        Salimans et al. 2016, "Improved Techniques for Training GANs",
        arXiv:1606.03498, section 4.
    """
    probabilities = np.asarray(probabilities, np.float64)
    check_positive_int("num_splits", num_splits)
    scores = []
    for part in np.array_split(probabilities, num_splits):
        marginal = part.mean(axis=0, keepdims=True)
        kl = np.sum(part * (np.log(part + 1e-12) - np.log(marginal + 1e-12)), axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


def precision_recall(real_features, fake_features, k=3, batch_size=1000):
    """Improved precision and recall of generated samples (k-NN manifolds).

    Each set's manifold is the union of balls around its points, each ball's
    radius the distance to the point's k-th nearest neighbour in its own
    set. Precision: the fraction of generated samples inside the real
    manifold (quality). Recall: the fraction of real samples inside the
    generated manifold (coverage).

    Args:
        real_features, fake_features: float arrays `(n, d)`, `(m, d)`, e.g.
            classifier features; n, m > k.
        k: int >= 1, the neighbour that sets each radius (the paper's 3).
        batch_size: int, rows per distance computation (bounds memory).

    Returns:
        dict: `precision` and `recall`, fractions in [0, 1].

    Reference:
        Kynkaanniemi et al. 2019, "Improved Precision and Recall Metric for
        Assessing Generative Models", arXiv:1904.06991, section 2.
    """
    real = np.asarray(real_features, np.float64)
    fake = np.asarray(fake_features, np.float64)
    check_positive_int("k", k)
    real_radii, fake_radii = _kth_neighbour_radii(real, k, batch_size), _kth_neighbour_radii(fake, k, batch_size)
    return {
        "precision": _inside_fraction(fake, real, real_radii, batch_size),
        "recall": _inside_fraction(real, fake, fake_radii, batch_size),
    }


def _distances(a, b):
    squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
    return np.sqrt(np.maximum(squared, 0.0))


def _kth_neighbour_radii(points, k, batch_size):
    """Distance from each point to its k-th nearest other point."""
    radii = np.empty(len(points))
    for start in range(0, len(points), batch_size):
        distances = _distances(points[start : start + batch_size], points)
        # Column 0 of the sorted row is the point itself (distance 0).
        radii[start : start + batch_size] = np.partition(distances, k, axis=1)[:, k]
    return radii


def _inside_fraction(queries, points, radii, batch_size):
    """Fraction of `queries` within `radii[j]` of some `points[j]`."""
    inside = 0
    for start in range(0, len(queries), batch_size):
        distances = _distances(queries[start : start + batch_size], points)
        inside += int(np.any(distances <= radii[None, :], axis=1).sum())
    return inside / len(queries)
