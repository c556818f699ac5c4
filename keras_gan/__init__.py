"""keras_gan: generative adversarial networks for Keras 3 and TensorFlow.

`keras_gan.GAN` is a `keras.Model` trained by `fit`, `keras_gan.ConditionalGAN`
its class-conditional form; `keras_gan.losses` holds
the costs of the 2014 paper and the NIPS 2016 tutorial; `keras_gan.architectures`
the DCGAN and 2014 MLP networks; `keras_gan.data` TFDS and NumPy input
pipelines; `keras_gan.callbacks` sample grids, latent interpolations and TensorBoard
images; `keras_gan.latent` linear and spherical interpolation;
`keras_gan.export` SavedModel export of the generator.
"""

from keras_gan import architectures
from keras_gan import callbacks
from keras_gan import data
from keras_gan import distribute
from keras_gan import evaluation
from keras_gan import export
from keras_gan import latent
from keras_gan import losses
from keras_gan import plotting
from keras_gan.conditional_gan import ConditionalGAN
from keras_gan.gan import GAN

__version__ = "0.1.0"
