"""keras_gan: generative adversarial networks for Keras 3 and TensorFlow.

`keras_gan.GAN` is a `keras.Model` trained by `fit`, `keras_gan.ConditionalGAN`
its class-conditional form, `keras_gan.Pix2Pix` its image-to-image form, all
three built on `keras_gan.AdversarialModel` (`keras_gan.models`), whose
`compile` gathers the game and its penalty into a `keras_gan.objective.Objective`.
`keras_gan.losses` holds the costs (the 2014
paper's, the NIPS 2016 tutorial's, hinge, least squares, Wasserstein),
`keras_gan.games` pairs them, `keras_gan.penalties` the gradient penalties, `keras_gan.packing` PacGAN's
packing, `keras_gan.optimizers` the 2014 recipe's SGD and decay,
`keras_gan.ema` the EMA generator, `keras_gan.augment` DiffAugment and its
adaptive probability; `keras_gan.architectures` DCGAN, the 2014 MLP, SNGAN's
CNN, the ResNets and spectral normalization; `keras_gan.data` TFDS, image
folder and NumPy input pipelines; `keras_gan.callbacks` sample grids, latent
interpolations and TensorBoard images; `keras_gan.latent` linear and
spherical interpolation; `keras_gan.export` SavedModel export of the
generator; `keras_gan.evaluation` the metrics; `keras_gan.training`
`fit_resumable`, which resumes a run in the middle of an epoch.
"""

from keras_gan import architectures
from keras_gan import augment
from keras_gan import callbacks
from keras_gan import data
from keras_gan import distribute
from keras_gan import ema
from keras_gan import evaluation
from keras_gan import export
from keras_gan import games
from keras_gan import latent
from keras_gan import losses
from keras_gan import optimizers
from keras_gan import packing
from keras_gan import penalties
from keras_gan import plotting
from keras_gan import run
from keras_gan import schedules
from keras_gan import training
from keras_gan import models
from keras_gan import objective
from keras_gan.models import AdversarialModel
from keras_gan.models import ConditionalGAN
from keras_gan.models import GAN
from keras_gan.models import Pix2Pix

__version__ = "0.1.0"
