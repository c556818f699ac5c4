"""Label fidelity: does a conditional generator draw the class asked for?"""

import numpy as np
import tensorflow as tf

from keras_gan.validation import check_positive_int


def label_fidelity(generate, classifier, num_classes, samples_per_class=100, seed=0, batch_size=500):
    """The fraction of generated samples classified as the label requested.

        fidelity = 1/N sum_i [argmax classifier(G(z_i, y_i)) = y_i],

    with `samples_per_class` samples of every class 0 .. num_classes - 1.
    A generator that ignores its labels scores about 1 / num_classes; one
    that draws exactly the right class scores the classifier's accuracy on
    real images of those classes. It measures conditioning, not quality.

    Args:
        generate: callable `(labels, seed) -> images`, labels int32 `(n,)`,
            images float `(n, height, width, channels)` in [-1, 1]; e.g.
            `lambda labels, seed: gan.generate(len(labels), labels=labels,
            seed=seed)`.
        classifier: a `keras.Model` from such images to class logits or
            probabilities `(n, num_classes)`, e.g. `mnist_classifier()`.
        num_classes: int >= 2.
        samples_per_class: int >= 1.
        seed: int, seed of the first batch of noise (batch b uses seed + b).
        batch_size: int >= 1, samples per generate call.

    Returns:
        dict: `label_fidelity`, float in [0, 1]; `per_class`, list of
        num_classes floats; `num_samples`, int.

    Reference:
        The class-accuracy measure of conditional generation, e.g. Odena et
        al. 2017 (AC-GAN), section 4.
    """
    samples_per_class = check_positive_int("samples_per_class", samples_per_class)
    batch_size = check_positive_int("batch_size", batch_size)
    labels = np.repeat(np.arange(num_classes, dtype=np.int32), samples_per_class)
    correct = np.zeros(len(labels), bool)
    for batch, start in enumerate(range(0, len(labels), batch_size)):
        wanted = labels[start : start + batch_size]
        images = generate(tf.constant(wanted), seed + batch)
        predicted = np.argmax(classifier.predict_on_batch(images), axis=-1)
        correct[start : start + batch_size] = predicted == wanted
    per_class = correct.reshape(num_classes, samples_per_class).mean(axis=1)
    return {
        "label_fidelity": float(correct.mean()),
        "per_class": [float(v) for v in per_class],
        "num_samples": int(len(labels)),
    }
