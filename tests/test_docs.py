"""The README and the guides: every `train.py` command parses as written (its
configuration resolved, as `--dry-run` does: nothing trained), every script a
command names exists, and every relative link points at a file."""

import glob
import os
import re
import shlex

import pytest
from conftest import REPO

from keras_gan.run import cli

PAGES = [os.path.join(REPO, "README.md"), *sorted(glob.glob(os.path.join(REPO, "docs", "*.md")))]


def commands(page):
    """The shell lines of a page's ```bash blocks, continuations joined."""
    text = open(page, encoding="utf-8").read()
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words:
                yield words


def train_commands():
    for page in PAGES:
        for words in commands(page):
            if words[:2] == ["python", "train.py"] and "--help" not in words:
                yield pytest.param(words[2:], id=f"{os.path.basename(page)}: {' '.join(words[2:]) or '(defaults)'}")


@pytest.mark.parametrize("flags", list(train_commands()))
def test_every_documented_train_py_command_parses(flags):
    config, _ = cli.resolve(flags)  # argparse exits (status 2) on a bad flag or value
    assert config["recipe"] in cli.recipes.RECIPES


def test_every_documented_script_exists():
    missing = [
        (os.path.basename(page), words[1])
        for page in PAGES
        for words in commands(page)
        if words[0] == "python" and len(words) > 1 and words[1].endswith(".py")
        and not os.path.exists(os.path.join(REPO, words[1]))
    ]
    assert not missing


def test_every_relative_link_points_at_a_file():
    broken = []
    for page in PAGES:
        text = open(page, encoding="utf-8").read()
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" not in target and not os.path.exists(os.path.join(os.path.dirname(page), target)):
                broken.append((os.path.basename(page), target))
    assert not broken
