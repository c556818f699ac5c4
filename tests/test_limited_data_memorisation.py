"""experiments/limited_data_memorisation.py: the nearest-neighbour distances
behind its memorisation ratio, by hand."""

import os
import sys

import numpy as np

from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "experiments"))
import limited_data_memorisation as memorisation  # noqa: E402


def test_nearest_distances_by_hand():
    references = np.stack([np.zeros((2, 2, 1)), np.ones((2, 2, 1))]).astype(np.float32)
    images = np.stack([np.full((2, 2, 1), 0.25), np.full((2, 2, 1), 0.9), -np.ones((2, 2, 1))]).astype(np.float32)
    # 0.25 everywhere: sqrt(4 x 0.25^2) = 0.5 to zeros (1.5 to ones); 0.9: sqrt(4 x 0.1^2) = 0.2 to ones;
    # -1 everywhere: sqrt(4 x 1) = 2 to zeros.
    np.testing.assert_allclose(memorisation.nearest_distances(images, references, batch_size=2), [0.5, 0.2, 2.0],
                               rtol=1e-6)


def test_a_copy_of_a_reference_is_at_distance_zero():
    references = np.random.default_rng(0).uniform(-1, 1, (50, 28, 28, 1)).astype(np.float32)
    copies = references[[3, 17, 42]]
    assert np.all(memorisation.nearest_distances(copies, references) < 1e-4)
    others = np.random.default_rng(1).uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32)
    assert np.all(memorisation.nearest_distances(others, references) > 1.0)
