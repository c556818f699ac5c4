"""Offline evaluation of generators: the math kept apart from feature models.

- `statistics`: `frechet_distance` and `kernel_distance` (KID) on any two
  feature sets, accumulated in float64;
- `fid_inception`: the FID Inception-v3 of every published FID (TF's
  2015-12-05 graph, pytorch-fid's weights converted), with its resize modes;
- `reference`: reference statistics per protocol, computed once and cached;
- `features`: Keras's ImageNet Inception-v3 pool features (not FID's
  network) and any classifier's hidden features, and
  `frechet_classifier_distance` on images;
- `scores`: `classifier_score` (the Inception-score formula) and improved
  `precision_recall` (k = 3);
- `two_sample`: the classifier two-sample test;
- `parzen`: the 2014 paper's Parzen-window log-likelihood protocol;
- `modes`: mode coverage on 2-D Gaussian mixtures (PacGAN);
- `mnist_classifier`: the MNIST classifier behind FCD (99.3 % test
  accuracy; its weights ship with keras_gan, so every machine measures
  FCD with the same network);
- `label_fidelity`: how often a conditional generator draws the class it
  was asked for.

`python -m keras_gan.evaluation GENERATOR_DIR` measures an exported
conditional MNIST generator.
"""

from keras_gan.evaluation import features
from keras_gan.evaluation import fid_inception
from keras_gan.evaluation import modes
from keras_gan.evaluation import parzen
from keras_gan.evaluation import reference
from keras_gan.evaluation import scores
from keras_gan.evaluation import statistics
from keras_gan.evaluation import two_sample
from keras_gan.evaluation.classifier import mnist_classifier
from keras_gan.evaluation.label_fidelity import label_fidelity
