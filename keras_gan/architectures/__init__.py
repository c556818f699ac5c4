"""Generator and discriminator builders: functional Keras models, no losses.

Generators map z, float32 `(batch, latent_dim)`, to images, float32
`(batch, height, width, channels)` in [-1, 1]. Discriminators map such images
to logits, float32 `(batch, 1)`, with no sigmoid.
"""

from keras_gan.architectures.dcgan import dcgan_discriminator
from keras_gan.architectures.dcgan import dcgan_generator
from keras_gan.architectures.dcgan import resolution_steps
from keras_gan.architectures.maxout import Maxout
from keras_gan.architectures.mlp import mlp_discriminator
from keras_gan.architectures.mlp import mlp_generator
from keras_gan.architectures.replica_dropout import ReplicaDropout

BUILDERS = {
    "dcgan": (dcgan_generator, dcgan_discriminator),
    "mlp": (mlp_generator, mlp_discriminator),
}
