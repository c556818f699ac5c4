"""The classifier two-sample test: can a classifier tell real from generated?"""

import math

import keras
import numpy as np
from scipy import stats


def default_classifier(input_shape):
    """A small MLP from `input_shape` to one logit (real vs generated)."""
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),
        ]
    )


def classifier_two_sample_test(real, fake, build_classifier=default_classifier, epochs=20, seed=0):
    """Trains a classifier on half of real + generated, tests on the rest.

    Under the null hypothesis p_g = p_data the held-out accuracy is about
    N(1/2, 1/(4 n_test)); the one-sided p-value is the probability of an
    accuracy at least as high under it. Accuracy near 1/2 means the
    classifier cannot tell the samples apart; near 1, it always can.

    Args:
        real, fake: float arrays `(n, ...)` of equal length n >= 4.
        build_classifier: function from the sample shape to a `keras.Model`
            giving one logit; default `default_classifier`.
        epochs: int, training epochs (Adam, batches of 64).
        seed: int, seed of the split and of the classifier's training (it
            sets Keras's global seed, as `keras.utils.set_random_seed`).

    Returns:
        dict: `accuracy` (held-out, in [0, 1]), `p_value`, `num_test`.

    Raises:
        ValueError: if the two sets differ in length or shape.

    Reference:
        Lopez-Paz & Oquab 2017, "Revisiting Classifier Two-Sample Tests",
        arXiv:1610.06545, section 2.
    """
    real, fake = np.asarray(real, np.float32), np.asarray(fake, np.float32)
    if real.shape != fake.shape or len(real) < 4:
        raise ValueError(
            "Invalid samples. Expected real and generated sets of the same "
            f"shape, at least 4 each. Received: {real.shape} and {fake.shape}"
        )
    rng = np.random.default_rng(seed)
    x = np.concatenate([real, fake])
    y = np.concatenate([np.ones(len(real)), np.zeros(len(fake))]).astype(np.float32)
    order = rng.permutation(len(x))
    train, test = order[: len(x) // 2], order[len(x) // 2 :]
    keras.utils.set_random_seed(seed)
    classifier = build_classifier(real.shape[1:])
    classifier.compile(keras.optimizers.Adam(1e-3), keras.losses.BinaryCrossentropy(from_logits=True))
    classifier.fit(x[train], y[train], batch_size=64, epochs=epochs, verbose=0)
    predicted = classifier.predict(x[test], batch_size=1024, verbose=0)[:, 0] > 0
    accuracy = float(np.mean(predicted == (y[test] > 0.5)))
    z = (accuracy - 0.5) / math.sqrt(1.0 / (4 * len(test)))
    return {"accuracy": accuracy, "p_value": float(stats.norm.sf(z)), "num_test": int(len(test))}
