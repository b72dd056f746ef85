"""The pipelines that compete: one imblearn ``Pipeline`` each, fed the 30 raw canonical columns.

Every step that learns from data (column choice, scaling, resampling, projection, classifier)
lives inside the pipeline, so cross-validation refits all of it on each training part and the
resampler only ever acts during ``fit``. Each candidate carries a deliberately small grid for the
inner (tuning) loop: the full comparison must run in minutes on two cores.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from imblearn.combine import SMOTEENN
from imblearn.pipeline import Pipeline
from lightgbm import LGBMClassifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

# The original report (section 2.2) kept these 11 features, chosen with a domain expert.
# Kaggle spellings there ("concave points_worst") map to the canonical names below.
ORIGINAL_FEATURES: tuple[str, ...] = (
    "concave_points_worst",
    "concave_points_mean",
    "radius_worst",
    "perimeter_worst",
    "compactness_worst",
    "symmetry_worst",
    "texture_worst",
    "area_se",
    "concavity_mean",
    "area_worst",
    "texture_mean",
)


@dataclass(frozen=True)
class Candidate:
    """A named pipeline and the hyper-parameter grid explored by the inner loop.

    ``simplicity`` orders candidates for the tie rule of :mod:`pinkbreast.ml.selection`
    (lower = simpler): linear models, then a single tree, a kernel machine, ensembles.
    """

    name: str
    description: str
    pipeline: Pipeline
    grid: dict[str, list[object]] = field(default_factory=dict)
    simplicity: int = 99


def _select(columns: tuple[str, ...]) -> ColumnTransformer:
    """Keep ``columns`` by name (input must be a DataFrame with canonical columns)."""
    return ColumnTransformer([("keep", "passthrough", list(columns))], remainder="drop")


def _logreg(seed: int) -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=5000, random_state=seed)


def _svm(seed: int) -> CalibratedClassifierCV:
    """RBF SVM with Platt probabilities from an internal 3-fold split (sklearn >= 1.9 idiom)."""
    svc = SVC(kernel="rbf", C=1.0, gamma="scale", random_state=seed)
    return CalibratedClassifierCV(svc, method="sigmoid", cv=3, ensemble=False)


def _forest(seed: int, trees: int) -> RandomForestClassifier:
    return RandomForestClassifier(n_estimators=trees, random_state=seed, n_jobs=1)


def _lightgbm(seed: int, trees: int) -> LGBMClassifier:
    return LGBMClassifier(
        n_estimators=trees,
        learning_rate=0.05,
        num_leaves=7,
        min_child_samples=10,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.5,
        random_state=seed,
        n_jobs=1,
        verbose=-1,
    )


def original_recipe(seed: int, trees: int = 100) -> Candidate:
    pipeline = Pipeline(
        [
            ("select", _select(ORIGINAL_FEATURES)),
            ("scale", MinMaxScaler()),
            ("resample", SMOTEENN(random_state=seed)),
            ("model", _forest(seed, trees)),
        ]
    )
    return Candidate(
        "original_recipe",
        "Original report: its 11 features, MinMax scaling, SMOTEENN, random forest "
        "(grid on depth, as in the report; inside the folds this time).",
        pipeline,
        {"model__max_depth": [4, 8]},
        simplicity=6,  # a forest, plus feature selection and resampling
    )


def build_candidates(seed: int = 42, *, quick: bool = False) -> list[Candidate]:
    """All competing candidates; ``quick`` keeps four cheap ones with one-point grids."""
    trees = 60 if quick else 150
    scaled = [("scale", StandardScaler())]
    candidates = [
        original_recipe(seed, trees=60 if quick else 100),
        Candidate(
            "logistic_regression",
            "Standardised 30 features, L2 logistic regression.",
            Pipeline([*scaled, ("model", _logreg(seed))]),
            {"model__C": [0.1, 0.3, 1.0]},
            simplicity=0,
        ),
        Candidate(
            "pca_logistic_regression",
            "Standardised 30 features, PCA, logistic regression.",
            Pipeline([*scaled, ("pca", PCA(random_state=seed)), ("model", _logreg(seed))]),
            {"pca__n_components": [5, 10], "model__C": [0.3]},
            simplicity=1,
        ),
        Candidate(
            "decision_tree",
            "A single decision tree (raw values; trees need no scaling).",
            Pipeline([("model", DecisionTreeClassifier(min_samples_leaf=5, random_state=seed))]),
            {"model__max_depth": [3, 5]},
            simplicity=2,
        ),
        Candidate(
            "random_forest",
            "Random forest on the 30 raw features.",
            Pipeline([("model", _forest(seed, trees))]),
            {"model__min_samples_leaf": [1, 3]},
            simplicity=4,
        ),
        Candidate(
            "lightgbm",
            "Gradient-boosted trees (LightGBM), small leaves, row and column subsampling.",
            Pipeline([("model", _lightgbm(seed, 2 * trees))]),
            {"model__reg_lambda": [0.0, 5.0]},
            simplicity=5,
        ),
        Candidate(
            "svm_rbf",
            "Standardised 30 features, RBF support-vector machine (Platt probabilities).",
            Pipeline([*scaled, ("model", _svm(seed))]),
            {"model__estimator__C": [1.0, 3.0]},
            simplicity=3,
        ),
        Candidate(
            "soft_voting",
            "Soft vote of logistic regression, RBF SVM (both standardised) and LightGBM.",
            Pipeline([("model", _voting(seed, trees))]),
            {"model__lr__model__C": [0.3]},
            simplicity=7,
        ),
    ]
    if quick:
        keep = {"original_recipe", "logistic_regression", "decision_tree", "svm_rbf"}
        return [_first_point(c) for c in candidates if c.name in keep]
    return candidates


def _voting(seed: int, trees: int) -> VotingClassifier:
    return VotingClassifier(
        [
            ("lr", Pipeline([("scale", StandardScaler()), ("model", _logreg(seed))])),
            ("svm", Pipeline([("scale", StandardScaler()), ("model", _svm(seed))])),
            ("gbm", _lightgbm(seed, 2 * trees)),
        ],
        voting="soft",
    )


def _first_point(candidate: Candidate) -> Candidate:
    grid = {key: values[-1:] for key, values in candidate.grid.items()}
    return replace(candidate, grid=grid)
