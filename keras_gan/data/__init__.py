"""Image datasets for GAN training: TensorFlow Datasets, image folders, arrays.

Every loader returns a `tf.data.Dataset` of float32 image batches in [-1, 1],
shape `(batch, height, width, channels)`, or with labels `(images, labels)`
pairs, labels int32 `(batch,)`, for a conditional GAN: shuffled, cached in
memory when the prepared (decoded, resized) uint8 pixels fit, batched with
the remainder dropped (every step then has the same batch size, which
`d_steps` and `tf.distribute` rely on), scaled to [-1, 1] one batch at a
time, and prefetched. Under MultiWorkerMirroredStrategy each worker takes its share of
every global batch (tf.data's DATA sharding): give every worker the same
`seed`, so that they shuffle alike.

The modules, by source: `pipeline` (what every loader shares), `tfds`,
`arrays`, `image_files` (listing a folder, the one decoder),
`image_folder`, `paired` (image-to-image pairs), `mixtures` (toy 2-D data),
`stacked_mnist` (three MNIST digits as RGB: 1,000 modes).
"""

from keras_gan.data import image_files
from keras_gan.data import stacked_mnist
from keras_gan.data.arrays import from_arrays
from keras_gan.data.image_files import IMAGE_EXTENSIONS
from keras_gan.data.image_files import LUMA
from keras_gan.data.image_folder import COLOR_MODES
from keras_gan.data.image_folder import INTERPOLATIONS
from keras_gan.data.image_folder import load_image_folder
from keras_gan.data.mixtures import GRID_MODES
from keras_gan.data.mixtures import GRID_SIGMA
from keras_gan.data.mixtures import MIXTURES
from keras_gan.data.mixtures import RING_MODES
from keras_gan.data.mixtures import RING_SIGMA
from keras_gan.data.mixtures import gaussian_mixture
from keras_gan.data.paired import load_paired_folders
from keras_gan.data.paired import load_paired_tfds
from keras_gan.data.paired import paired_from_arrays
from keras_gan.data.pipeline import DEFAULT_CACHE_LIMIT_BYTES
from keras_gan.data.pipeline import DEFAULT_SHUFFLE_BUFFER
from keras_gan.data.pipeline import scale_images
from keras_gan.data.pipeline import to_uint8
from keras_gan.data.stacked_mnist import load_stacked_mnist
from keras_gan.data.stacked_mnist import stacked_mnist_arrays
from keras_gan.data.tfds import class_names
from keras_gan.data.tfds import images_of
from keras_gan.data.tfds import load_tfds
from keras_gan.data.tfds import num_classes
