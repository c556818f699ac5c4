"""Parzen-window log-likelihood, exactly as the 2014 GAN paper's Table 1."""

import numpy as np

# The 2014 protocol's bandwidths, chosen on a validation set.
SIGMAS = np.logspace(-1, 0, 10)


def unit_pixels(images):
    """Images `(n, ...)` in [-1, 1] as the protocol's points: pixels in
    [0, 1], flattened to `(n, d)`, float64."""
    return ((np.asarray(images, np.float64) + 1.0) / 2.0).reshape(len(images), -1)


def _squared_distances(x, samples, sample_norms):
    x = x.astype(np.float64)
    return np.maximum((x * x).sum(axis=1)[:, None] + sample_norms[None, :] - 2 * x @ samples.T, 0.0)


def _log_likelihoods(distances, sigma, dimension):
    """log p(x) per row of `distances` (n, num_samples), for one sigma."""
    exponents = -distances / (2 * sigma**2)
    top = exponents.max(axis=1, keepdims=True)
    log_mean_exp = top[:, 0] + np.log(np.mean(np.exp(exponents - top), axis=1))
    return log_mean_exp - dimension * np.log(sigma * np.sqrt(2 * np.pi))


def parzen_log_likelihoods(samples, images, sigmas, batch_size=500):
    """log p(x) of each image under Parzen windows on `samples`, per sigma.

        log p(x) = logmeanexp_i[-||x - mu_i||^2 / (2 sigma^2)] - d log(sigma sqrt(2 pi))

    Args:
        samples: array `(num_samples, d)`, the window centres mu_i (pixels in
            [0, 1], flattened, in the 2014 protocol).
        images: array `(n, d)`, the points to score.
        sigmas: sequence of floats > 0, the bandwidths.
        batch_size: int, images per distance computation (bounds memory to
            batch_size x num_samples float64).

    Returns:
        float64 array `(len(sigmas), n)`, in nats.
    """
    samples = np.asarray(samples, np.float64)
    norms = (samples * samples).sum(axis=1)
    images = np.asarray(images)
    result = np.empty((len(sigmas), len(images)))
    for start in range(0, len(images), batch_size):
        distances = _squared_distances(images[start : start + batch_size], samples, norms)
        for row, sigma in enumerate(sigmas):
            result[row, start : start + batch_size] = _log_likelihoods(distances, sigma, samples.shape[1])
    return result


def parzen_evaluation(samples, validation, test, sigmas=SIGMAS):
    """The 2014 protocol: sigma chosen on `validation`, reported on `test`.

    Args:
        samples: `(10000, 784)` generated images, pixels in [0, 1], flattened.
        validation: the first 1,000 images of MNIST train[50000:60000], same
            format.
        test: the 10,000 MNIST test images, same format.
        sigmas: the bandwidths tried; default `numpy.logspace(-1, 0, 10)`.

    Returns:
        dict: `sigma` (chosen), `log_likelihood` (mean over `test`, nats) and
        `standard_error` (std / sqrt(n)).

    Reference:
        Goodfellow et al. 2014, section 5 and Table 1; goodfeli/adversarial
        `parzen_ll.py`. A poor measure of sample quality (Theis et al. 2016,
        arXiv:1511.01844), reported because the paper does.
    """
    validation_ll = parzen_log_likelihoods(samples, validation, sigmas).mean(axis=1)
    sigma = float(sigmas[int(np.argmax(validation_ll))])
    test_ll = parzen_log_likelihoods(samples, test, [sigma])[0]
    return {
        "sigma": sigma,
        "log_likelihood": float(test_ll.mean()),
        "standard_error": float(test_ll.std() / np.sqrt(len(test_ll))),
    }
