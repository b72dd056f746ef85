"""Decision trees, random forests and LightGBM boosters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .linear import steps_function
from .rows import (
    Array,
    Estimator,
    Node,
    NotCompilable,
    Prefix,
    Probability,
    _binary,
    _expit,
    _total,
)

# One tree as local node arrays (numpy arrays or lists, one entry per node): "feature",
# "threshold", "left", "right" (-1 at a leaf), "value" (a leaf's output) and "native" (its
# number in the library)
Tree = dict[str, Any]
# A leaf's box: for each feature tested on its path, the interval (lo, hi] a row must fall in
Box = dict[int, tuple[float, float]]
# The library's own traversal: rows -> the leaf each tree sends them to (rows x trees)
Native = Callable[[Array], Array]


class Forest:
    """A tree ensemble scored QuickScorer-style: every split of every tree is tested at once.

    Each tree's leaves are numbered left to right, one bit each. A split whose test fails
    (the row goes right) rules out the leaves of its left subtree; the leaf a row reaches is the
    leftmost one that no failed split ruled out. So scoring is a fixed handful of array
    operations, whatever the depth: compare, mask, AND per tree, lowest set bit, look up.
    Trees are given as local node arrays (leaves have ``left == -1``); ``value`` holds each
    leaf's output (class-1 share for scikit-learn trees, raw score for LightGBM) and ``native``
    each leaf's number in the library.

    That is the fastest way for a few rows; for blocks of rows the library's own compiled
    traversal (``native``: rows -> the leaf each tree sends them to) finds the same leaves
    faster. Either way the leaf values are then added up the same way, so a row's result does
    not depend on the path, nor on the batch it came in.
    """

    ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
    NATIVE_ROWS = 64  # from this many rows on, leaves are found by the library
    ARRAYS = ("feature", "threshold", "mask", "starts", "offsets", "values", "kept", "table",
              "table_offsets")  # fmt: skip

    @classmethod
    def from_node(cls, node: Node, native: Native | None = None) -> Forest:
        """The forest a plan describes (:meth:`node`), with the library's traversal if given."""
        forest = cls.__new__(cls)
        for name in cls.ARRAYS:
            setattr(forest, name, node[name])
        forest.constant, forest.float32 = float(node["constant"]), bool(node["float32"])
        forest.native = native
        forest.quick = len(forest.starts) == len(forest.kept)
        if not forest.quick and native is None:
            raise NotCompilable("a tree with more than 64 leaves needs the library's traversal")
        return forest

    def node(self) -> Node:
        """This forest's arrays, as a plan stores them."""
        arrays = {name: getattr(self, name) for name in self.ARRAYS}
        return {**arrays, "constant": self.constant, "float32": self.float32}

    def __init__(self, trees: list[Tree], *, float32: bool, native: Native | None = None):
        feature: list[int] = []
        threshold: list[float] = []
        mask: list[np.uint64] = []
        starts: list[int] = []
        offsets: list[int] = []
        values: list[float] = []
        kept: list[int] = []
        table: list[float] = []
        table_offsets: list[int] = []
        self.constant = 0.0
        for number, tree in enumerate(trees):
            leaves, splits = _in_order(tree)
            if len(leaves) > 64 and native is None:
                raise NotCompilable("a tree with more than 64 leaves")
            if not splits:
                self.constant += float(tree["value"][leaves[0]])
                continue
            kept.append(number)
            table_offsets.append(len(table))
            by_native = np.zeros(max(int(tree["native"][leaf]) for leaf in leaves) + 1)
            for leaf in leaves:
                by_native[int(tree["native"][leaf])] = float(tree["value"][leaf])
            table += by_native.tolist()
            if len(leaves) > 64:
                continue  # this forest always uses the library (self.quick is False)
            starts.append(len(feature))
            offsets.append(len(values))
            values += [float(tree["value"][leaf]) for leaf in leaves]
            bit = {leaf: 1 << i for i, leaf in enumerate(leaves)}
            for node in splits:
                left_bits = sum(bit[leaf] for leaf in _leaves_under(tree, tree["left"][node]))
                feature.append(int(tree["feature"][node]))
                threshold.append(float(tree["threshold"][node]))
                mask.append(~np.uint64(left_bits))
        self.feature = np.asarray(feature, dtype=np.intp)
        self.threshold = np.asarray(threshold, dtype=float)
        self.mask = np.asarray(mask, dtype=np.uint64)
        self.starts = np.asarray(starts, dtype=np.intp)
        self.offsets = np.asarray(offsets, dtype=np.intp)
        self.values = np.asarray(values, dtype=float)
        self.float32 = float32
        self.native, self.kept = native, np.asarray(kept, dtype=np.intp)
        self.table, self.table_offsets = np.asarray(table), np.asarray(table_offsets, np.intp)
        self.quick = len(self.starts) == len(kept)

    def total(self, X: Array) -> Array:
        """Sum of every tree's output, per row."""
        if not len(self.kept):
            return np.full(len(X), self.constant)
        if self.float32:
            X = np.ascontiguousarray(X, dtype=np.float32)
        if self.native is not None and (len(X) >= self.NATIVE_ROWS or not self.quick):
            leaves = self.native(X)[:, self.kept]
            outputs = self.table[self.table_offsets + leaves]
        else:
            tested = X.take(self.feature, axis=1) <= self.threshold
            masks = np.where(tested, self.ALL, self.mask)
            exits = np.bitwise_and.reduceat(masks, self.starts, axis=1)
            leaf = np.bitwise_count((exits & -exits) - np.uint64(1))
            outputs = self.values[self.offsets + leaf]
        total = _total(np.ascontiguousarray(outputs))
        return total + self.constant if self.constant else total


def _in_order(tree: Tree) -> tuple[list[int], list[int]]:
    """Leaves left to right, and split nodes (root first), of a local node array tree."""
    leaves, splits, stack = [], [], [0]
    while stack:
        node = stack.pop()
        if tree["left"][node] == -1:
            leaves.append(node)
        else:
            splits.append(node)
            stack += [tree["right"][node], tree["left"][node]]
    return leaves, splits


def _leaves_under(tree: Tree, node: int) -> list[int]:
    if tree["left"][node] == -1:
        return [node]
    return _leaves_under(tree, tree["left"][node]) + _leaves_under(tree, tree["right"][node])


def _sklearn_tree(tree: Estimator) -> Tree:
    """A fitted scikit-learn ``Tree`` as local node arrays; a leaf's value is its class-1 share."""
    value = tree.value[:, 0, :]
    total = value.sum(axis=1)
    share = value[:, 1] / np.where(total == 0.0, 1.0, total)
    return {
        "feature": tree.feature,
        "threshold": tree.threshold,
        "left": tree.children_left,
        "right": tree.children_right,
        "value": share,
        "native": np.arange(tree.node_count),  # Tree.apply() returns node numbers
    }


def _forest_node(
    forest: Forest, prefix: Prefix, link: Node, native: Native, trees: list[Tree]
) -> Node:
    node = {"kind": "forest", "steps": list(prefix.steps), "forest": forest.node(), **link}
    return node | {"paths": leaf_boxes(trees), "_native": native}


def leaf_boxes(trees: list[Tree]) -> Node:
    """Every leaf of every tree as a box: the distinct features tested on its path and, for
    each, the interval ``lo < x <= hi`` a row must fall in to reach it (for TreeSHAP, see
    :mod:`.shapley_trees`). Padded with feature -1 (no condition); single-leaf trees are left
    out (they add a constant, which has no contribution)."""
    value: list[float] = []
    boxes: list[Box] = []
    for tree in trees:
        if tree["left"][0] == -1:
            continue
        stack: list[tuple[int, Box]] = [(0, {})]
        while stack:
            node, box = stack.pop()
            if tree["left"][node] == -1:
                value.append(float(tree["value"][node]))
                boxes.append(box)
                continue
            split, threshold = int(tree["feature"][node]), float(tree["threshold"][node])
            below, above = box.get(split, (-np.inf, np.inf))
            stack.append((int(tree["right"][node]), box | {split: (max(below, threshold), above)}))
            stack.append((int(tree["left"][node]), box | {split: (below, min(above, threshold))}))
    depth = max((len(box) for box in boxes), default=0)
    feature = np.full((len(boxes), depth), -1, dtype=np.intp)
    lo = np.full((len(boxes), depth), -np.inf)
    hi = np.full((len(boxes), depth), np.inf)
    for i, box in enumerate(boxes):
        for d, (f, (low, high)) in enumerate(sorted(box.items())):
            feature[i, d], lo[i, d], hi[i, d] = f, low, high
    return {"value": np.asarray(value), "feature": feature, "lo": lo, "hi": hi}


def forest_function(node: Node) -> Probability:
    """A forest step of a plan: mean of the trees (scikit-learn) or sigmoid of their sum."""
    forest = Forest.from_node(node["forest"], native=node.get("_native"))
    apply = steps_function(node["steps"])
    if node["link"] == "mean":
        count = int(node["count"])
        return lambda X: forest.total(apply(X)) / count
    scale = float(node["scale"])
    return lambda X: _expit(scale * forest.total(apply(X)))


def _trees(model: Estimator, prefix: Prefix) -> Node:
    _binary(model)
    prefix.check_names(model)
    estimators = getattr(model, "estimators_", [model])
    if type(model).__name__ not in {"DecisionTreeClassifier", "RandomForestClassifier"}:
        raise NotCompilable(type(model).__name__)
    trees = [e.tree_ for e in estimators]

    def native(X32: Array) -> Array:
        return np.column_stack([tree.apply(X32) for tree in trees])

    structures = [_sklearn_tree(tree) for tree in trees]
    forest = Forest(structures, float32=True, native=native)
    link = {"link": "mean", "count": len(estimators)}
    return _forest_node(forest, prefix, link, native, structures)


def _lightgbm_tree(structure: Mapping[str, Any]) -> Tree:
    """One tree of ``Booster.dump_model()`` as local node arrays (leaves: ``left == -1``)."""
    tree: Tree = {
        "feature": [],
        "threshold": [],
        "left": [],
        "right": [],
        "value": [],
        "native": [],
    }

    def add(node: Mapping[str, Any]) -> int:
        index = len(tree["feature"])
        for key in tree:
            tree[key].append(-1 if key in ("left", "right") else 0)
        if "split_feature" not in node:
            tree["value"][index] = float(node.get("leaf_value", 0.0))
            tree["native"][index] = int(node.get("leaf_index", 0))
            return index
        if node.get("decision_type", "<=") != "<=" or node.get("missing_type") == "Zero":
            raise NotCompilable("LightGBM categorical or zero-as-missing split")
        tree["feature"][index] = int(node["split_feature"])
        tree["threshold"][index] = float(node["threshold"])
        tree["left"][index] = add(node["left_child"])
        tree["right"][index] = add(node["right_child"])
        return index

    add(structure)
    return tree


def _lightgbm(model: Estimator, prefix: Prefix) -> Node:
    _binary(model)
    prefix.check_names(model)
    dump = model.booster_.dump_model()
    objective = str(dump.get("objective", ""))
    if not objective.startswith("binary") or dump.get("num_tree_per_iteration", 1) != 1:
        raise NotCompilable(f"LightGBM objective {objective!r}")
    scale = float(objective.split("sigmoid:")[1].split()[0]) if "sigmoid:" in objective else 1.0
    trees = dump["tree_info"]
    if getattr(model, "_best_iteration", None):
        trees = trees[: model.booster_.best_iteration]
    booster, count = model.booster_, len(trees)

    def native(X: Array) -> Array:
        leaves: Array = booster.predict(X, pred_leaf=True, num_iteration=count)
        return leaves

    structures = [_lightgbm_tree(t["tree_structure"]) for t in trees]
    forest = Forest(structures, float32=False, native=native)
    return _forest_node(forest, prefix, {"link": "expit", "scale": scale}, native, structures)
