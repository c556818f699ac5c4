"""The adversarial models: one base and the models built on its step.

`AdversarialModel` owns the two networks, both optimizers, the objective
and the one `train_step`; its extension points are listed in its
docstring. What Keras needs around two networks and two optimizers
(creating the optimizers, saving the seed states, fit's callback checks,
multi-worker fixes) is its base, `TwoPlayerModel`. `GAN` (noise to images, the latent prior, packing, `generate`),
`ConditionalGAN` (class labels) and `Pix2Pix` (image to image) are built on
it.
"""

from keras_gan.models.adversarial import AdversarialModel
from keras_gan.models.conditional_gan import ConditionalGAN
from keras_gan.models.gan import GAN
from keras_gan.models.pix2pix import Pix2Pix
