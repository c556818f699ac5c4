"""The shape of the house: a thin train.py, one-way imports, and models that
override only the extension points their base declares."""

import ast
import collections
import os

from conftest import REPO

PACKAGE = os.path.join(REPO, "keras_gan")


def modules():
    """{dotted module name: path} of every module of keras_gan."""
    found = {}
    for directory, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                module = os.path.relpath(path, REPO)[:-3].replace(os.sep, ".")
                found[module.removesuffix(".__init__")] = path
    return found


def import_graph():
    """{module: the keras_gan modules it imports}, lazy imports included."""
    known = modules()
    graph = collections.defaultdict(set)
    for module, path in known.items():
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, ast.Import):
                graph[module].update(a.name for a in node.names if a.name in known)
            elif isinstance(node, ast.ImportFrom) and node.module in known:
                for alias in node.names:  # `from keras_gan import networks` imports the module
                    name = f"{node.module}.{alias.name}"
                    graph[module].add(name if name in known else node.module)
    return graph


def test_train_py_is_a_thin_entry_point():
    with open(os.path.join(REPO, "train.py")) as f:
        assert len(f.read().splitlines()) < 80


def test_imports_go_one_way():
    # A package's __init__ gathers its modules (edges down); besides those, no module may reach itself.
    graph = import_graph()
    edges = {m: {d for d in ds if not d.startswith(m + ".")} for m, ds in graph.items()}
    state = {}

    def visit(module, path):
        state[module] = "open"
        for dependency in sorted(edges.get(module, ())):
            assert state.get(dependency) != "open", " -> ".join(path + [dependency])
            if dependency not in state:
                visit(dependency, path + [dependency])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])


def test_the_library_layers_import_only_downwards():
    # Each layer imports only from layers before it (the package root and train.py sit above all).
    layers = [
        {"validation", "schedules", "distribute", "networks", "packing", "latent", "losses", "plotting"},
        {"games", "penalties", "ema", "augment", "optimizers", "training", "data", "architectures"},
        {"objective", "evaluation", "export"},
        {"models", "callbacks"},
        {"run", "__main__"},
    ]
    level = {name: i for i, names in enumerate(layers) for name in names}
    graph = import_graph()
    unit = lambda module: module.split(".")[1]  # noqa: E731
    upward = []
    for module, dependencies in graph.items():
        if module == "keras_gan":
            continue
        assert unit(module) in level, f"{module} has no layer in this test"
        for dependency in dependencies:
            if dependency != "keras_gan" and level[unit(dependency)] > level[unit(module)]:
                upward.append(f"{module} -> {dependency}")
    assert not upward


def test_models_override_only_the_declared_extension_points():
    from keras_gan.models import AdversarialModel
    from keras_gan.models import ConditionalGAN
    from keras_gan.models import GAN
    from keras_gan.models import Pix2Pix

    points = set(AdversarialModel.EXTENSION_POINTS)
    assert {"unpack", "draw_fakes", "generator_cost", "make_objective", "metrics"} <= points
    for name in points:  # each is the base's, and its docstring describes it
        assert hasattr(AdversarialModel, name) and f"{name}" in AdversarialModel.__doc__, name
    for model in (GAN, ConditionalGAN, Pix2Pix):
        overrides = {name for name in vars(model)
                     if hasattr(AdversarialModel, name) and (name == "__init__" or not name.startswith("__"))}
        # Their own constructor and config are theirs; everything else of the base they leave alone.
        assert overrides - {"__init__", "get_config"} <= points, (model.__name__, overrides - points)
