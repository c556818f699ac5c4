"""Keras callbacks for GAN training; each writes only into a directory it is given."""

from keras_gan.callbacks.sample_grid import SampleGrid
