"""keras_gan.run: the options table against the library's names, recipes,
--dry-run against what a real run records, and continuing runs recorded by
earlier versions."""

import json
import os

import pytest

from keras_gan import architectures
from keras_gan import augment
from keras_gan import distribute
from keras_gan import games
from keras_gan import optimizers
from keras_gan import penalties
from keras_gan.evaluation import fid_inception
from keras_gan.evaluation import reference
from keras_gan.models.gan import LATENT_PRIORS
from keras_gan.models.adversarial import UPDATES
from keras_gan.run import cli
from keras_gan.run import directory
from keras_gan.run import options
from keras_gan.run import recipes


def choices_of_the_command_line():
    return {action.dest: tuple(action.choices) for action in cli.parser()._actions if action.choices}


def test_the_command_lines_choices_are_the_librarys_names():
    assert choices_of_the_command_line() == {
        "recipe": tuple(recipes.RECIPES),
        "architecture": tuple(architectures.BUILDERS),
        "latent_prior": LATENT_PRIORS,
        "loss": games.GAMES,
        "update": UPDATES,
        "optimizer": optimizers.OPTIMIZERS,
        "gradient_penalty": penalties.PENALTIES,
        "strategy": distribute.STRATEGIES,
        "mixed_precision": ("off", "mixed_float16", "mixed_bfloat16"),
        "eval_features": ("auto", *reference.FEATURE_NETWORKS),
        "fid_resize": fid_inception.RESIZE_MODES,
        "verbose": (0, 1, 2),
    }
    with pytest.raises(SystemExit):
        cli.resolve(["--augment", "color,rotation"])  # augment.POLICIES, checked by the flag's type
    assert cli.resolve(["--augment", ",".join(augment.POLICIES)])[0]["augment"] == "color,translation,cutout"


@pytest.mark.parametrize("name", list(recipes.RECIPES))
def test_each_recipe_names_known_settings_with_valid_values(name):
    recipe = recipes.RECIPES[name]
    assert recipe.description and recipe.source
    by_name = {option.name: option for option in options.OPTIONS}
    for key, value in recipe.settings.items():
        option = by_name[key]  # a KeyError names an unknown setting
        assert value != option.default, f"{name}: {key} restates the default"
        if option.choices is not None:
            assert value in option.choices
        elif option.type is not None and not isinstance(value, bool):
            text = ",".join(map(str, value)) if isinstance(value, list) else str(value)  # as typed on the command line
            assert option.type(text) == value
    config, _ = cli.resolve(["--recipe", name])
    assert {key: config[key] for key in recipe.settings} == recipe.settings
    suffix = "_conditional" if config["conditional"] else ""
    assert config["recipe"] == name and config["output_dir"] == os.path.join("runs", f"mnist_{name}{suffix}")


def test_r3gan_recipes_build_the_papers_game_schedules_and_networks():
    import argparse

    from keras_gan import optimizers
    from keras_gan.run import build
    from keras_gan.schedules import CosineBurnIn

    config, _ = cli.resolve(["--recipe", "r3gan", "--batch-size", "64"])
    gan = build.build_gan(argparse.Namespace(**config), (28, 28, 1))
    assert gan.objective.game.name == "relativistic_pairing" and gan.objective.gradient_penalty.penalty == "r1_r2"
    gamma = gan.objective.gradient_penalty.weight
    assert isinstance(gamma, CosineBurnIn) and gamma.get_config() == CosineBurnIn(1.0, 0.1, 2e6, 64).get_config()
    assert isinstance(gan.d_optimizer, optimizers.Adam) and gan.d_optimizer.beta_1 == 0.0
    assert gan.d_optimizer.beta_2_schedule.get_config() == CosineBurnIn(0.9, 0.99, 2e6, 64).get_config()
    assert gan.ema_half_life.get_config() == CosineBurnIn(0.0, 5e5, 2e6, 64).get_config()
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)  # constant, as for StackedMNIST
    assert gan.latent_dim == 64 and gan.generator.get_layer("stage0_block0_grouped").groups == 4  # 2 x 32 / 16

    config, _ = cli.resolve(["--recipe", "r3gan_cifar10", "--batch-size", "512"])
    gan = build.build_gan(argparse.Namespace(**config), (32, 32, 3), num_classes=10)
    assert (gan.generator.count_params(), gan.discriminator.count_params()) == (20_781_952, 21_280_512)
    learning_rate = gan.g_optimizer.get_config()["learning_rate"]  # the schedule, serialized
    assert learning_rate["config"] == CosineBurnIn(2e-4, 5e-5, 2e7, 512).get_config()


def test_sgd_with_the_2014_momentum_ramp_and_decaying_rate_from_flags():
    """The 2014 GAN's optimisation from train.py's flags: SGD from 0.1,
    divided by 1.000004 per update down to 1e-6, momentum 0.5 in epoch 1
    rising to 0.7 at epoch 250 (goodfeli/adversarial mnist.yaml)."""
    import argparse

    import keras

    from keras_gan import callbacks
    from keras_gan.run import build
    from keras_gan.run import trainer

    flags = ["--optimizer", "sgd", "--learning-rate", "0.1", "--learning-rate-decay", "1.000004",
             "--min-learning-rate", "1e-6", "--final-momentum", "0.7", "--architecture", "mlp"]
    config = argparse.Namespace(**cli.resolve(flags)[0])
    gan = build.build_gan(config, (28, 28, 1))
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, optimizers.SGD) and float(optimizer.momentum_variable) == 0.5
        schedule = keras.saving.deserialize_keras_object(optimizer.get_config()["learning_rate"])
        assert float(schedule(0)) == pytest.approx(0.1)
        # 0.1 / 1.000004 ** 10 ** 6 = 0.1 * exp(-10 ** 6 * log 1.000004) = 0.0018316 (by hand: exp(-3.999992)).
        assert float(schedule(10**6)) == pytest.approx(0.1 * 2.718281828 ** -3.999992, rel=1e-5)
        assert float(schedule(10**8)) == pytest.approx(1e-6)  # the floor
    ramps = [c for c in trainer.run_callbacks(config, [], None, chief=False, resume=False)
             if isinstance(c, callbacks.MomentumRamp)]
    assert [(r.final_momentum, r.start, r.saturate) for r in ramps] == [(0.7, 1, 250)]
    assert cli.resolve(["--optimizer", "sgd"])[0]["final_momentum"] is None  # constant momentum unless asked


@pytest.mark.parametrize("flags, message", [
    (["--final-momentum", "0.7"], "argument --final-momentum: expected --optimizer sgd; received --optimizer adam"),
    (["--optimizer", "sgd", "--final-momentum", "0.7", "--momentum-saturate", "1"], "an epoch >= 2"),
    (["--recipe", "r3gan", "--optimizer", "sgd"], "argument --final-beta-2: expected --optimizer adam"),
    (["--recipe", "r3gan_cifar10", "--learning-rate-decay", "1.01"], "either it or --final-learning-rate"),
])
def test_optimizer_flags_that_do_not_go_together_are_refused(flags, message, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.resolve(flags)
    assert stop.value.code == 2 and message in capsys.readouterr().err


def test_flags_given_override_the_recipe_and_the_rest_stays():
    config, _ = cli.resolve(["--recipe", "wgan_gp", "--d-steps", "3", "--learning-rate", "5e-5"])
    assert config["d_steps"] == 3 and config["d_learning_rate"] == config["g_learning_rate"] == 5e-5
    assert config["loss"] == "wasserstein" and config["beta_2"] == 0.9
    assert set(config) == set(options.DEFAULTS) | {"recipe"}
    defaults, _ = cli.resolve([])
    assert defaults == {**options.DEFAULTS, "recipe": "dcgan", "output_dir": os.path.join("runs", "mnist_dcgan")}


def test_list_recipes_and_dry_run_write_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # in-process: TensorFlow is imported already
    cli.main(["--list-recipes"])
    listed = capsys.readouterr().out
    for name, recipe in recipes.RECIPES.items():
        assert f"{name}: {recipe.description}" in listed and recipe.source in listed
    cli.main(["--recipe", "sngan", "--epochs", "2", "--dry-run"])
    config = json.loads(capsys.readouterr().out)
    assert config["loss"] == "hinge" and config["epochs"] == 2 and config["output_dir"] == "runs/mnist_sngan"
    assert os.listdir(tmp_path) == []


def test_python_m_keras_gan_is_the_command_under_its_own_name(capsys):
    from keras_gan.__main__ import main

    main(["--list-recipes"])
    assert "sngan: " in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_status:
        main(["--epochs", "0"])
    assert exit_status.value.code == 2
    assert capsys.readouterr().err.startswith("usage: python -m keras_gan")


def test_a_run_recorded_before_the_newer_settings_continues(tmp_path):
    """A config.json written before `latent_prior`, `pack`, `update` and
    `recipe` existed: those count as their defaults, so the same flags
    continue it; another value is still refused by name."""
    config, _ = cli.resolve(["--output-dir", str(tmp_path)])
    old = {k: v for k, v in config.items() if k not in ("latent_prior", "pack", "update", "recipe")}
    directory.write_json(str(tmp_path / "config.json"), old)
    (tmp_path / "backup").mkdir()
    defaults = {**options.DEFAULTS, "recipe": "dcgan"}
    assert directory.prepare(config, options.MAY_CHANGE, defaults) is True
    other, _ = cli.resolve(["--output-dir", str(tmp_path), "--latent-prior", "uniform"])
    with pytest.raises(directory.RunDirectoryError, match="latent_prior: 'normal' -> 'uniform'"):
        directory.prepare(other, options.MAY_CHANGE, defaults)


def test_a_finished_run_continues_only_with_a_larger_epochs(tmp_path):
    """A finished run (finished.json beside its kept backup) is refused with
    the epochs it trained unless --epochs exceeds them; other settings are
    still refused by name; a finished run that kept no backup (an earlier
    version's) is refused. prepare writes nothing."""
    defaults = {**options.DEFAULTS, "recipe": "dcgan"}
    config, _ = cli.resolve(["--output-dir", str(tmp_path), "--epochs", "60"])
    directory.write_json(str(tmp_path / "config.json"), config)
    (tmp_path / "backup").mkdir()
    (tmp_path / "generator").mkdir()
    directory.write_json(str(tmp_path / "finished.json"), {"epochs_trained": 60, "stopped_by": "--epochs"})
    before = sorted(os.listdir(tmp_path))

    for epochs in ("60", "59"):
        same, _ = cli.resolve(["--output-dir", str(tmp_path), "--epochs", epochs])
        with pytest.raises(directory.RunDirectoryError, match=r"finished run \(60 epochs, stopped by --epochs\); "
                                                              r"pass --epochs above 60"):
            directory.prepare(same, options.MAY_CHANGE, defaults)
    further, _ = cli.resolve(["--output-dir", str(tmp_path), "--epochs", "61"])
    assert directory.prepare(further, options.MAY_CHANGE, defaults) is True
    other, _ = cli.resolve(["--output-dir", str(tmp_path), "--epochs", "100", "--loss", "hinge"])
    with pytest.raises(directory.RunDirectoryError, match="loss: 'non_saturating' -> 'hinge'"):
        directory.prepare(other, options.MAY_CHANGE, defaults)
    assert sorted(os.listdir(tmp_path)) == before

    (tmp_path / "backup").rmdir()
    with pytest.raises(directory.RunDirectoryError, match="finished run whose training state was not kept"):
        directory.prepare(further, options.MAY_CHANGE, defaults)
