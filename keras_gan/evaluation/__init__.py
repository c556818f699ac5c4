"""Offline evaluation of generators: the math kept apart from feature models.

`mnist_classifier` is the project's own MNIST classifier (at least 99 % test
accuracy, trained once per machine and cached); `label_fidelity` measures
how often a conditional generator draws the class it was asked for.
`python -m keras_gan.evaluation GENERATOR_DIR` measures an exported
conditional MNIST generator.
"""

from keras_gan.evaluation.classifier import mnist_classifier
from keras_gan.evaluation.label_fidelity import label_fidelity
