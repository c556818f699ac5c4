"""Generator and discriminator builders: functional Keras models, no losses.

Generators map z, float32 `(batch, latent_dim)`, to images, float32
`(batch, height, width, channels)` in [-1, 1]. Discriminators map such images
to logits, float32 `(batch, 1)`, with no sigmoid. Every builder takes
`num_classes=` (conditional networks), every discriminator builder
`spectral_norm=` (`SpectralNormalization` on each convolution and dense
layer). `unet_generator` and `patchgan_discriminator` are pix2pix's
image-to-image networks (`keras_gan.Pix2Pix`); `r3gan_generator` and
`r3gan_discriminator` R3GAN's residual networks (whose G has no tanh);
`pacgan_dcgan_*` the DCGAN of PacGAN's Stacked MNIST code.
"""

from keras_gan.architectures.dcgan import dcgan_discriminator
from keras_gan.architectures.dcgan import dcgan_generator
from keras_gan.architectures.dcgan import resolution_steps
from keras_gan.architectures.maxout import Maxout
from keras_gan.architectures.mlp import mlp_discriminator
from keras_gan.architectures.mlp import mlp_generator
from keras_gan.architectures.pacgan import pacgan_dcgan_discriminator
from keras_gan.architectures.pacgan import pacgan_dcgan_generator
from keras_gan.architectures.pix2pix import patchgan_discriminator
from keras_gan.architectures.pix2pix import patchgan_receptive_field
from keras_gan.architectures.pix2pix import unet_generator
from keras_gan.architectures.r3gan import r3gan_discriminator
from keras_gan.architectures.r3gan import r3gan_generator
from keras_gan.architectures.replica_dropout import ReplicaDropout
from keras_gan.architectures.resnet import resnet_discriminator
from keras_gan.architectures.resnet import resnet_generator
from keras_gan.architectures.sngan import sngan_discriminator
from keras_gan.architectures.sngan import sngan_generator
from keras_gan.architectures.spectral_norm import SpectralNormalization

BUILDERS = {
    "dcgan": (dcgan_generator, dcgan_discriminator),
    "mlp": (mlp_generator, mlp_discriminator),
    "sngan": (sngan_generator, sngan_discriminator),
    "resnet": (resnet_generator, resnet_discriminator),
    "r3gan": (r3gan_generator, r3gan_discriminator),
    "pacgan_dcgan": (pacgan_dcgan_generator, pacgan_dcgan_discriminator),
}
