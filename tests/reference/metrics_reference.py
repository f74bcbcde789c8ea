"""scikit-learn reference values for the paradigms evaluation metrics (src/paradigms/eval).

Builds small, fixed, seeded inputs and prints them as C++ initialiser lists, followed by the
values scikit-learn computes for them, with full (round-trip) precision. The numbers are
pasted into tests/eval/test_metrics.cpp; rerun this script and compare when a definition
changes.

Inputs are chosen to reach the edge cases of the definitions:
  classification (K = 6): class 3 is never predicted, class 4 is predicted but never true,
    class 5 appears in neither (so it must not enter the macro averages).
  multilabel (K = 5): scores on a 1/16 grid so that many tie, some ties mixing a positive and
    a negative; a score of exactly 0.5 (the micro-F1 threshold); class 3 has no positive
    (left out of both macro averages), class 4 has only positives (left out of ROC-AUC only).
  regression: values on a 1/8 and 1/16 grid, so float32 and float64 hold them exactly; plus
    constant targets, where SS_tot = 0.

sklearn's roc_auc_score raises on a class with a single label value, and its
average_precision_score counts a class without positives as 0; paradigms leaves both out of
the macro average instead, so the macro values here are sklearn's on the remaining columns.

Run from the repository root: /usr/bin/python3 tests/reference/metrics_reference.py
"""
import warnings

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
    precision_recall_fscore_support,
    r2_score,
    roc_auc_score,
)

SEED = 20240611
NUM_CLASSES = 6
MULTILABEL_THRESHOLD = 0.5


def cpp_list(values):
    return "{" + ", ".join(repr(v) for v in values) + "}"


def show(name, value):
    print(f"{name} = {float(value)!r}")


def classification(rng):
    n = 30
    y_true = rng.integers(0, 4, size=n)  # classes 0..3
    y_pred = y_true.copy()
    flip = rng.random(n) < 0.4
    y_pred[flip] = rng.integers(0, 5, size=flip.sum())  # errors may land on 4
    y_pred[y_pred == 3] = 2  # class 3 is never predicted
    y_pred[[1, 7]] = 4  # make sure class 4 is predicted
    assert 3 in y_true and 3 not in y_pred
    assert 4 in y_pred and 4 not in y_true
    assert 5 not in y_true and 5 not in y_pred

    print("# classification")
    print("predictions", cpp_list(int(v) for v in y_pred))
    print("targets", cpp_list(int(v) for v in y_true))
    matrix = confusion_matrix(y_true, y_pred, labels=list(range(NUM_CLASSES)))
    print("confusion_matrix (rows true, columns predicted)")
    for row in matrix:
        print("  ", cpp_list(int(v) for v in row))
    show("accuracy", accuracy_score(y_true, y_pred))
    with warnings.catch_warnings():
        # "y_pred contains classes not in y_true": class 4, on purpose.
        warnings.simplefilter("ignore")
        show("balanced_accuracy", balanced_accuracy_score(y_true, y_pred))
    # sklearn's default labels: the sorted union of y_true and y_pred.
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, average="macro", zero_division=0
    )
    show("macro_precision", precision)
    show("macro_recall", recall)
    show("macro_f1", f1)
    per_class = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    print("per class over labels", sorted(set(y_true) | set(y_pred)))
    for name, values in zip(("precision", "recall", "f1"), per_class[:3]):
        print("  ", name, cpp_list(float(v) for v in values))


def multilabel(rng):
    n, k = 24, 5
    targets = np.zeros((n, k), dtype=np.int64)
    targets[:, :3] = rng.random((n, 3)) < 0.4
    targets[:, 3] = 0  # no positive
    targets[:, 4] = 1  # no negative
    noise = rng.normal(0.0, 0.3, size=(n, k))
    scores = np.clip(np.round((0.3 + 0.4 * targets + noise) * 16) / 16, 0.0, 1.0)
    scores[5, 0] = 0.5
    # A tie between a positive and a negative in class 0, so the grouping of ties matters.
    pos = np.flatnonzero(targets[:, 0] == 1)[0]
    neg = np.flatnonzero(targets[:, 0] == 0)[0]
    scores[neg, 0] = scores[pos, 0]
    assert (scores == 0.5).any()
    assert np.all(scores * 16 == np.round(scores * 16))

    print("# multilabel")
    print("scores (row-major [N, K])")
    for row in scores:
        print("  ", cpp_list(float(v) for v in row) + ",")
    print("targets (row-major [N, K])")
    for row in targets:
        print("  ", cpp_list(int(v) for v in row) + ",")

    roc_classes = [c for c in range(k) if 0 < targets[:, c].sum() < n]
    ap_classes = [c for c in range(k) if targets[:, c].sum() > 0]
    print("roc_auc classes kept", roc_classes, "average_precision classes kept", ap_classes)
    show(
        "macro_roc_auc",
        roc_auc_score(targets[:, roc_classes], scores[:, roc_classes], average="macro"),
    )
    show(
        "macro_average_precision",
        average_precision_score(targets[:, ap_classes], scores[:, ap_classes], average="macro"),
    )
    predicted = (scores >= MULTILABEL_THRESHOLD).astype(np.int64)
    show("micro_f1", f1_score(targets, predicted, average="micro", zero_division=0))
    print("roc_auc per class", cpp_list(float(roc_auc_score(targets[:, c], scores[:, c]))
                                        for c in roc_classes))
    print("average_precision per class",
          cpp_list(float(average_precision_score(targets[:, c], scores[:, c]))
                   for c in ap_classes))


def regression(rng):
    n = 25
    targets = rng.integers(-64, 64, size=n) / 8.0
    predictions = targets + rng.integers(-24, 25, size=n) / 16.0

    print("# regression")
    print("predictions", cpp_list(float(v) for v in predictions))
    print("targets", cpp_list(float(v) for v in targets))
    show("mae", mean_absolute_error(targets, predictions))
    show("rmse", np.sqrt(mean_squared_error(targets, predictions)))
    show("r2", r2_score(targets, predictions))
    constant = np.full(4, 2.5)
    show("r2 constant targets, perfect", r2_score(constant, constant))
    show("r2 constant targets, imperfect", r2_score(constant, [2.5, 2.5, 2.5, 3.0]))


def main():
    rng = np.random.default_rng(SEED)
    classification(rng)
    multilabel(rng)
    regression(rng)


if __name__ == "__main__":
    main()
