"""Feature extractors for the Frechet distances: Inception-v3, any classifier."""

import keras
import numpy as np
import tensorflow as tf

from keras_gan.evaluation import statistics


def features_of(images, feature_model, batch_size=256):
    """`feature_model`'s outputs on `images`, float64 `(n, d)`, in batches."""
    images = np.asarray(images, np.float32)
    return np.concatenate(
        [
            np.asarray(feature_model(images[start : start + batch_size], training=False), np.float64)
            for start in range(0, len(images), batch_size)
        ]
    )


def classifier_feature_model(classifier, layer=-2):
    """A model from the classifier's input to one of its layers' outputs
    (default: the last hidden layer, before the logits)."""
    return keras.Model(classifier.inputs[0], classifier.layers[layer].output)


def inception_feature_model(weights="imagenet"):
    """Keras's Inception-v3 pool features, 2048 per image.

    Not the FID network: `keras.applications.InceptionV3`'s ImageNet weights
    and layers differ from the 2015 TF graph every published FID uses, so
    its Frechet distance is not comparable with published FIDs (keras_gan
    names it `fd_imagenet`). For FID use `keras_gan.evaluation.fid_inception`.

    Takes images `(batch, height, width, channels)` in [-1, 1] (keras_gan's
    range, which is also Inception-v3's input range), grayscale or RGB, any
    size: they are resized to 299x299 (bilinear) and grayscale repeated to 3
    channels.

    Args:
        weights: "imagenet" (Keras downloads them once, or finds them in its
            cache), a path to a weights file, or None (random weights: the
            plumbing works, the numbers mean nothing).
    """
    inception = keras.applications.InceptionV3(include_top=False, pooling="avg", weights=weights)
    images = keras.Input((None, None, None))

    def to_inception(x):
        x = tf.image.resize(x, (299, 299))
        return tf.cond(tf.shape(x)[-1] == 1, lambda: tf.repeat(x, 3, axis=-1), lambda: x)

    x = keras.layers.Lambda(to_inception, output_shape=(299, 299, 3))(images)
    return keras.Model(images, inception(x), name="inception_v3_pool")


def frechet_classifier_distance(images1, images2, feature_model, batch_size=256):
    """Frechet distance between two image sets in `feature_model`'s features.

    With `fid_inception.FIDFeatures` this is FID (with
    `inception_feature_model()`, a Frechet distance in Keras's ImageNet
    Inception features, not FID); with the MNIST
    classifier's last hidden layer (`classifier_feature_model`), the
    Frechet classifier distance used on MNIST. Compare models only at the
    same sample count.

    Reference:
        Heusel et al. 2017, arXiv:1706.08500; TF-GAN
        `frechet_classifier_distance`.
    """
    return statistics.frechet_distance(
        features_of(images1, feature_model, batch_size), features_of(images2, feature_model, batch_size)
    )
