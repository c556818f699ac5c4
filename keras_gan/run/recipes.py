"""Named recipes: each a paper's settings, stated as differences from `options.DEFAULTS`.

`python train.py --recipe NAME` starts from the defaults, applies the
recipe, then the flags given (which override it). A recipe names only
the settings in which it differs from the defaults (2e-4 and the target
0.6 are defaults already), and only settings of the recipe itself (the game, the networks' kind, the
optimizers, the regularisers), not the budget or the data (epochs, batch
size, width), which the command states; a paper's preset for a dataset
(`r3gan_cifar10`) also names its networks' width. `python train.py --list-recipes`
prints this table; `--dry-run` prints the resolved configuration.
"""

import collections

Recipe = collections.namedtuple("Recipe", ["description", "source", "settings"])

RECIPES = {
    "dcgan": Recipe(
        "DCGAN with the non-saturating game, Adam 2e-4 and beta_1 0.5 for both players (the defaults)",
        "Radford et al. 2016, arXiv:1511.06434, section 4",
        {},
    ),
    "wgan_gp": Recipe(
        "the Wasserstein game with a gradient penalty (lambda 10), 5 critic updates per G update, Adam 1e-4, betas "
        "(0, 0.9), on SNGAN's CNN (a critic without batch normalization)",
        "Gulrajani et al. 2017, arXiv:1704.00028, Algorithm 1",
        {"architecture": "sngan", "loss": "wasserstein", "gradient_penalty": "wgan_gp", "d_steps": 5,
         "d_learning_rate": 1e-4, "g_learning_rate": 1e-4, "beta_1": 0.0, "beta_2": 0.9},
    ),
    "sngan": Recipe(
        "SNGAN: the hinge game, spectral normalization in D, 5 D updates per G update, Adam 2e-4, betas (0, 0.9)",
        "Miyato et al. 2018, arXiv:1802.05957, section 4 (the hinge loss) and its CIFAR-10 setting",
        {"architecture": "sngan", "loss": "hinge", "spectral_norm": True, "d_steps": 5, "beta_1": 0.0, "beta_2": 0.9},
    ),
    "stylegan2_r1_ema": Recipe(
        "the non-saturating game with lazy R1 (every 16 D updates, 16 times gamma) and an EMA generator (0.999)",
        "Karras et al. 2020 (StyleGAN2), arXiv:1912.04958, section 4; Mescheder et al. 2018, eq. 9",
        {"gradient_penalty": "r1", "gradient_penalty_every": 16, "ema_decay": 0.999},
    ),
    "limited_data_ada": Recipe(
        "DCGAN with DiffAugment's color, translation and cutout applied with ADA's adaptive probability "
        "(target r_t 0.6)",
        "Karras et al. 2020 (StyleGAN2-ADA), arXiv:2006.06676, section 3; Zhao et al. 2020 (DiffAugment)",
        {"augment": "color,translation,cutout", "augment_probability": "adaptive"},
    ),
    "limited_data_diffaugment": Recipe(
        "DCGAN with DiffAugment's color, translation and cutout on every image D sees (p = 1)",
        "Zhao et al. 2020, arXiv:2006.10738, section 3",
        {"augment": "color,translation,cutout"},
    ),
    "pacgan2": Recipe(
        "DCGAN whose D judges packs of 2 samples (PacGAN2), updates simultaneous as in PacGAN's code",
        "Lin et al. 2018, arXiv:1712.04086, section 3; fjxmlzn/PacGAN",
        {"pack": 2, "update": "simultaneous"},
    ),
    "pacgan_dcgan": Recipe(
        "PacGAN's Stacked MNIST DCGAN (the VEEGAN setting): carpedm20's networks from z ~ U of 100 (2x2x512 up to "
        "28x28x3; D 64-128-256-512), 2 G updates per D update, Adam 2e-4, beta_1 0.5; give --dataset stacked_mnist "
        "--batch-size 64",
        "Lin et al. 2018, arXiv:1712.04086, section 5.2 and Table 2; fjxmlzn/PacGAN stacked_MNIST_experiments",
        {"architecture": "pacgan_dcgan", "g_steps": 2, "latent_prior": "uniform"},
    ),
    "pacgan_pacdcgan2": Recipe(
        "pacgan_dcgan whose D judges packs of 2 samples along the channels (PacDCGAN2)",
        "Lin et al. 2018, arXiv:1712.04086, section 5.2 and Table 2; fjxmlzn/PacGAN stacked_MNIST_experiments",
        {"architecture": "pacgan_dcgan", "g_steps": 2, "latent_prior": "uniform", "pack": 2},
    ),
    "r3gan": Recipe(
        "R3GAN on small images (MNIST): the relativistic pairing game with R1 + R2 (gamma 1 -> 0.1) on every D "
        "update, R3GAN's residual networks (the builder's small default, width 32), z of 64, Adam 2e-4 with betas "
        "(0, 0.9 -> 0.99), an EMA generator whose half-life grows 0 -> 0.5 M images, over a 2 M-image cosine "
        "burn-in. The StackedMNIST "
        "setting of the paper (gamma, constant learning rate, burn-in); beta_2's and the EMA's schedules are the "
        "code's FFHQ-64 ones (the paper gives none for StackedMNIST)",
        "Huang et al. 2024, arXiv:2501.05441, section 2 (eq. 3), appendix D; brownvc/R3GAN train.py",
        {"architecture": "r3gan", "latent_dim": 64, "loss": "relativistic_pairing", "gradient_penalty": "r1_r2",
         "gradient_penalty_weight": 1.0, "final_gradient_penalty_weight": 0.1, "beta_1": 0.0, "beta_2": 0.9,
         "final_beta_2": 0.99, "ema_half_life": 0.0, "final_ema_half_life": 5e5, "burn_in_images": 2e6},
    ),
    "r3gan_cifar10": Recipe(
        "R3GAN's CIFAR-10 preset (conditional, 4 stages of 768 channels, 2 blocks each, 20.8 M / 21.3 M "
        "parameters): lr 2e-4 -> 5e-5, gamma 0.05 -> 0.005, beta_2 0.9 -> 0.99, EMA half-life 0 -> 5 M images, "
        "over 20 M images; the paper's batch is 512. Without its ADA-style augmentation (p 0 -> 0.55) and x-flips, "
        "which keras_gan does not have",
        "Huang et al. 2024, arXiv:2501.05441, appendix D, Table 9; brownvc/R3GAN train.py preset CIFAR10",
        {"architecture": "r3gan", "width": 768, "latent_dim": 64, "conditional": True,
         "loss": "relativistic_pairing", "gradient_penalty": "r1_r2", "gradient_penalty_weight": 0.05,
         "final_gradient_penalty_weight": 0.005, "final_learning_rate": 5e-5, "beta_1": 0.0, "beta_2": 0.9,
         "final_beta_2": 0.99, "ema_half_life": 0.0, "final_ema_half_life": 5e6, "burn_in_images": 2e7},
    ),
    "r3gan_ffhq64": Recipe(
        "R3GAN's FFHQ-64 preset (5 stages, 768 channels and 384 at 64x64, 2 blocks each, 22.4 M / 22.4 M "
        "parameters): lr 2e-4 -> 5e-5, gamma 2 -> 0.2, beta_2 0.9 -> 0.99, EMA half-life 0 -> 0.5 M images, over "
        "20 M images; the paper's batch is 256. Without its augmentation (p 0 -> 0.3) and x-flips",
        "Huang et al. 2024, arXiv:2501.05441, appendix D, Table 9; brownvc/R3GAN train.py preset FFHQ-64",
        {"architecture": "r3gan", "width": [768, 768, 768, 768, 384], "latent_dim": 64,
         "loss": "relativistic_pairing", "gradient_penalty": "r1_r2", "gradient_penalty_weight": 2.0,
         "final_gradient_penalty_weight": 0.2, "final_learning_rate": 5e-5, "beta_1": 0.0, "beta_2": 0.9,
         "final_beta_2": 0.99, "ema_half_life": 0.0, "final_ema_half_life": 5e5, "burn_in_images": 2e7},
    ),
}


def describe():
    """The recipes as lines of text: name, description, source, settings."""
    lines = []
    for name, recipe in RECIPES.items():
        settings = ", ".join(f"{key}={value}" for key, value in recipe.settings.items()) or "the defaults"
        lines += [f"{name}: {recipe.description}", f"    source: {recipe.source}", f"    settings: {settings}"]
    return "\n".join(lines)
