"""The ONNX Runtime peer: the same fitted pipeline converted with skl2onnx (+ onnxmltools for
LightGBM), in double precision where the converters allow it, else float32."""

from __future__ import annotations

import warnings

import numpy as np


def _plain(estimator):
    """imbalanced-learn pipelines as scikit-learn ones (resamplers only act during fit)."""
    from sklearn.ensemble import VotingClassifier
    from sklearn.pipeline import Pipeline

    if type(estimator).__name__ == "Pipeline":
        steps = [(n, _plain(s)) for n, s in estimator.steps if not hasattr(s, "fit_resample")]
        return Pipeline(steps) if len(steps) > 1 else steps[0][1]
    if isinstance(estimator, VotingClassifier):
        names = [name for name, _ in estimator.estimators]
        members = [_plain(member) for member in estimator.estimators_]
        voting = VotingClassifier(
            list(zip(names, members, strict=True)),
            voting="soft",
            weights=estimator.weights,
            flatten_transform=False,
        )
        voting.estimators_, voting.le_, voting.classes_ = members, estimator.le_, estimator.classes_
        voting.named_estimators_ = dict(zip(names, members, strict=True))
        return voting
    return estimator


def session(pipeline, X: np.ndarray):
    """``(run, dtype, max_abs_difference)``; ``run(X)`` gives P(malignant) from ONNX Runtime."""
    import onnxruntime
    from lightgbm import LGBMClassifier
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm
    from skl2onnx import convert_sklearn, update_registered_converter
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
    from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes

    update_registered_converter(
        LGBMClassifier,
        "LightGbmLGBMClassifier",
        calculate_linear_classifier_output_shapes,
        convert_lightgbm,
        options={"nocl": [True, False], "zipmap": [True, False, "columns"]},
    )
    model = _plain(pipeline)
    import pandas as pd

    names = list(pipeline.feature_names_in_)
    reference = pipeline.predict_proba(pd.DataFrame(X, columns=names))[:, 1]
    failures = []
    for dtype, tensor in ((np.float64, DoubleTensorType), (np.float32, FloatTensorType)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                onx = convert_sklearn(
                    model,
                    initial_types=[("X", tensor([None, X.shape[1]]))],
                    options={"zipmap": False},
                    target_opset={"": 17, "ai.onnx.ml": 3},
                )
            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3
            options.intra_op_num_threads = 1
            runtime = onnxruntime.InferenceSession(
                onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
            )

            def run(rows, runtime=runtime, dtype=dtype):
                return runtime.run(None, {"X": rows.astype(dtype, copy=False)})[1][:, 1]

            gap = float(np.max(np.abs(run(X) - reference)))
            return run, np.dtype(dtype).name, gap
        except Exception as error:  # noqa: BLE001 - report why and try the next precision
            failures.append(f"{np.dtype(dtype).name}: {type(error).__name__}: {error}"[:300])
    raise RuntimeError("ONNX conversion failed: " + " | ".join(failures))
