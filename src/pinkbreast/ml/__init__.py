"""The machine-learning core: pure Python, scikit-learn, imbalanced-learn, MLflow and SHAP.

Nothing in this package imports Flask.
"""
