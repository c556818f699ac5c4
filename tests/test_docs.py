"""The README and the guides: every `train.py` command parses as written (its
configuration resolved, as `--dry-run` does: nothing trained), every other
Python command (experiments, benchmarks, `python -m keras_gan...`) is parsed
by its own argparse parser as written (stopped there: nothing runs), every
script a command names exists, and every relative link points at a file."""

import argparse
import ast
import glob
import importlib
import os
import re
import runpy
import shlex
import sys

import pytest
from conftest import REPO

from keras_gan.run import cli

PAGES = [os.path.join(REPO, "README.md"), os.path.join(REPO, "experiments", "README.md"),
         *sorted(glob.glob(os.path.join(REPO, "docs", "*.md")))]


def commands(page):
    """The shell lines of a page's ```bash blocks, continuations joined,
    without leading environment settings and `taskset -c N`."""
    text = open(page, encoding="utf-8").read()
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
                words = words[1:]
            if words[:2] == ["taskset", "-c"]:
                words = words[3:]
            if words:
                yield words


# The training command's three names: one program, one set of flags.
TRAIN_COMMANDS = (["python", "train.py"], ["keras-gan"], ["python", "-m", "keras_gan"])


def train_commands():
    for page in PAGES:
        for words in commands(page):
            for name in TRAIN_COMMANDS:
                if words[:len(name)] == name and "--help" not in words:
                    flags = words[len(name):]
                    yield pytest.param(flags, id=f"{os.path.basename(page)}: {' '.join(words)}")


@pytest.mark.parametrize("flags", list(train_commands()))
def test_every_documented_train_py_command_parses(flags):
    config, _ = cli.resolve(flags)  # argparse exits (status 2) on a bad flag or value
    assert config["recipe"] in cli.recipes.RECIPES


def script_commands():
    for page in PAGES:
        for words in commands(page):
            script = words[0] == "python" and words[1].endswith(".py") and words[1] != "train.py"
            module = words[:2] == ["python", "-m"] and words[2].split(".")[0] == "keras_gan" and words[2] != "keras_gan"
            if script or module:
                yield pytest.param(words[1:], id=f"{os.path.basename(page)}: {' '.join(words[1:])}")


class Parsed(Exception):
    """Raised by argparse's parse_args once it has parsed: the command stops there."""


@pytest.mark.parametrize("command", list(script_commands()))
def test_every_documented_script_command_parses(command, monkeypatch):
    if command[0] == "-m":
        module, argv = command[1], command[2:]
        path = importlib.util.find_spec(module).origin
        main = importlib.import_module(f"{module}.__main__" if path.endswith("__init__.py") else module).main
    else:
        path, argv = os.path.join(REPO, command[0]), command[1:]
        monkeypatch.syspath_prepend(os.path.dirname(path))  # as when run: its siblings import
        main = runpy.run_path(path, run_name="documented")["main"]  # not "__main__": nothing runs
    if not argv and "argparse" not in open(path, encoding="utf-8").read():
        return  # a script without options, named as it is run
    parse = argparse.ArgumentParser.parse_args

    def parse_then_stop(self, args=None, namespace=None):
        raise Parsed(parse(self, args, namespace))  # argparse exits (status 2) on a bad flag or value

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse_then_stop)
    monkeypatch.setattr(sys, "argv", [os.path.basename(path), *argv])
    with pytest.raises(Parsed):
        main(argv) if "argv" in main.__code__.co_varnames[:main.__code__.co_argcount] else main()


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


# A sitting ("session"), an issue number, a date of work or a path outside the
# repository. 2015-12-05 is the name of the FID network's graph, not a date of
# work; run records (docs/run_records/) may carry their dates, and so may
# their file names; a fenced block shows commands and output as they are.
DIARY = re.compile(r"\bsessions?\b|\bissue \d+|\.\./shared|\b20\d\d-\d\d-\d\d\b")


def prose(text):
    """`text` without fenced code blocks, run-record paths and the FID graph's name."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return re.sub(r"run_records/\S+", "", text).replace("2015-12-05", "")


def docstrings(path):
    """Every docstring of a Python file (module, classes, functions), joined."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    nodes = [tree] + [n for n in ast.walk(tree) if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
    return "\n".join(filter(None, (ast.get_docstring(n) for n in nodes)))


def test_the_readme_guides_code_and_test_docstrings_read_as_a_manual():
    texts = {os.path.relpath(page, REPO): prose(open(page, encoding="utf-8").read()) for page in PAGES}
    for folder in ("keras_gan", "experiments", "benchmarks"):
        for path in glob.glob(os.path.join(REPO, folder, "**", "*.py"), recursive=True):
            texts[os.path.relpath(path, REPO)] = prose(open(path, encoding="utf-8").read())
    for path in glob.glob(os.path.join(REPO, "tests", "**", "*.py"), recursive=True):
        texts[os.path.relpath(path, REPO)] = prose(docstrings(path))
    found = [(name, match.group()) for name, text in texts.items() for match in DIARY.finditer(text)]
    assert not found


def test_the_guides_name_every_reference_generator_and_only_those_kept():
    named = set()
    for page in PAGES:
        text = open(page, encoding="utf-8").read()
        for prefix, choices, suffix in re.findall(r"reference_generators/(\w*)(?:\{([\w,]+)\})?(\w*)", text):
            names = [prefix + choice + suffix for choice in choices.split(",")] if choices else [prefix + suffix]
            named.update(name for name in names if name)
    kept = set(os.listdir(os.path.join(REPO, "docs", "reference_generators")))
    assert named == kept
