"""Named recipes: each a paper's settings, stated as differences from `options.DEFAULTS`.

`python train.py --recipe NAME` starts from the defaults, applies the
recipe, then the flags given (which override it). A recipe names only
the settings in which it differs from the defaults (2e-4 and the target
0.6 are defaults already), and only settings of the recipe itself (the game, the networks' kind, the
optimizers, the regularisers), not the budget or the data (epochs, batch
size, width), which the command states. `python train.py --list-recipes`
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
}


def describe():
    """The recipes as lines of text: name, description, source, settings."""
    lines = []
    for name, recipe in RECIPES.items():
        settings = ", ".join(f"{key}={value}" for key, value in recipe.settings.items()) or "the defaults"
        lines += [f"{name}: {recipe.description}", f"    source: {recipe.source}", f"    settings: {settings}"]
    return "\n".join(lines)
