//===- MetricsTest.cpp - metrics against hand-computed values -------------===//

#include "kiln/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace {

// Ten samples, three classes; the expected values below are worked out by
// hand from this table.
//   truth: 0 0 0 0 1 1 1 2 2 2
//   pred:  0 0 1 2 1 1 0 2 2 1
const int64_t kTruth[10] = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
const int64_t kPred[10] = {0, 0, 1, 2, 1, 1, 0, 2, 2, 1};

} // namespace

TEST(Metrics, ConfusionMatrixByHand) {
  // Row t counts the predictions for true class t:
  //   t=0: samples 0-3 predicted 0, 0, 1, 2   -> [2, 1, 1]
  //   t=1: samples 4-6 predicted 1, 1, 0      -> [1, 2, 0]
  //   t=2: samples 7-9 predicted 2, 2, 1      -> [0, 1, 2]
  int64_t cm[9];
  ASSERT_EQ(kiln_confusion_matrix(kTruth, kPred, 10, 3, cm), KILN_OK);
  EXPECT_EQ(std::vector<int64_t>(cm, cm + 9),
            (std::vector<int64_t>{2, 1, 1, 1, 2, 0, 0, 1, 2}));
}

TEST(Metrics, PrecisionRecallF1ByHand) {
  int64_t cm[9];
  ASSERT_EQ(kiln_confusion_matrix(kTruth, kPred, 10, 3, cm), KILN_OK);
  kiln_class_metrics per[3];
  kiln_classification_report r;
  ASSERT_EQ(kiln_classification_metrics(cm, 3, per, &r), KILN_OK);
  // Accuracy: the diagonal 2 + 2 + 2 = 6 of 10.
  EXPECT_DOUBLE_EQ(r.accuracy, 0.6);
  EXPECT_EQ(r.total, 10);
  // Class 0: tp 2; predicted as 0: column 2 + 1 + 0 = 3; true 0: row 4.
  //   P = 2/3, R = 2/4, F1 = 2 (2/3)(1/2) / (2/3 + 1/2) = (2/3)/(7/6) = 4/7.
  EXPECT_DOUBLE_EQ(per[0].precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(per[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(per[0].f1, 4.0 / 7.0);
  EXPECT_EQ(per[0].support, 4);
  // Class 1: tp 2; column 1 + 2 + 1 = 4; row 3. P = 1/2, R = 2/3, F1 = 4/7.
  EXPECT_DOUBLE_EQ(per[1].precision, 0.5);
  EXPECT_DOUBLE_EQ(per[1].recall, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(per[1].f1, 4.0 / 7.0);
  EXPECT_EQ(per[1].support, 3);
  // Class 2: tp 2; column 1 + 0 + 2 = 3; row 3. P = R = F1 = 2/3.
  EXPECT_DOUBLE_EQ(per[2].precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(per[2].recall, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(per[2].f1, 2.0 / 3.0);
  // Macro: P = (2/3 + 1/2 + 2/3) / 3 = (11/6) / 3 = 11/18 = 0.6111;
  // R = (1/2 + 2/3 + 2/3) / 3 = 11/18; F1 = (4/7 + 4/7 + 2/3) / 3 =
  // (24/21 + 14/21) / 3 = 38/63 = 0.6032.
  EXPECT_DOUBLE_EQ(r.macro.precision, 11.0 / 18.0);
  EXPECT_DOUBLE_EQ(r.macro.recall, 11.0 / 18.0);
  EXPECT_NEAR(r.macro.f1, 38.0 / 63.0, 1e-15);
  EXPECT_EQ(r.macro.support, 10);
}

TEST(Metrics, MacroSkipsClassesThatNeverOccur) {
  // The same data declared with 5 classes: classes 3 and 4 occur in
  // neither truth nor predictions, so the macro averages stay 11/18 and
  // 38/63 (they would drop to 3/5 of that if the empty classes counted 0).
  int64_t cm[25];
  ASSERT_EQ(kiln_confusion_matrix(kTruth, kPred, 10, 5, cm), KILN_OK);
  kiln_class_metrics per[5];
  kiln_classification_report r;
  ASSERT_EQ(kiln_classification_metrics(cm, 5, per, &r), KILN_OK);
  EXPECT_DOUBLE_EQ(r.macro.precision, 11.0 / 18.0);
  EXPECT_NEAR(r.macro.f1, 38.0 / 63.0, 1e-15);
  EXPECT_EQ(per[4].support, 0);
  EXPECT_EQ(per[4].precision, 0.0);

  // A class that is predicted but never true does count: truth 0 0,
  // pred 0 1. Class 0: P = 1/1, R = 1/2, F1 = 2/3. Class 1: P = 0/1 = 0,
  // R = 0 (no support), F1 = 0. Macro P = 1/2, R = 1/4, F1 = 1/3.
  const int64_t t[2] = {0, 0}, p[2] = {0, 1};
  int64_t cm2[4];
  ASSERT_EQ(kiln_confusion_matrix(t, p, 2, 2, cm2), KILN_OK);
  ASSERT_EQ(kiln_classification_metrics(cm2, 2, nullptr, &r), KILN_OK);
  EXPECT_DOUBLE_EQ(r.macro.precision, 0.5);
  EXPECT_DOUBLE_EQ(r.macro.recall, 0.25);
  EXPECT_DOUBLE_EQ(r.macro.f1, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.5);
}

TEST(Metrics, FromLogits) {
  // Row maxima by hand: row 0 -> 2, row 1 -> 0, row 2 has a tie between
  // classes 1 and 2 -> the first, 1; row 3 -> 0 (all negative).
  const float logits[12] = {0.1f, 0.2f, 0.9f, 5.0f, -1.0f, 4.9f,
                            1.0f, 3.0f, 3.0f, -1.f, -2.f,  -3.f};
  int64_t pred[4];
  ASSERT_EQ(kiln_argmax_rows(logits, 4, 3, pred), KILN_OK);
  EXPECT_EQ(std::vector<int64_t>(pred, pred + 4),
            (std::vector<int64_t>{2, 0, 1, 0}));
  // Truth 2, 0, 2, 1: rows 0 and 1 right -> accuracy 2/4.
  const int64_t truth[4] = {2, 0, 2, 1};
  double acc = -1;
  ASSERT_EQ(kiln_accuracy_from_logits(truth, logits, 4, 3, &acc), KILN_OK);
  EXPECT_DOUBLE_EQ(acc, 0.5);
  ASSERT_EQ(kiln_accuracy(truth, pred, 4, &acc), KILN_OK);
  EXPECT_DOUBLE_EQ(acc, 0.5);
  ASSERT_EQ(kiln_accuracy(truth, pred, 0, &acc), KILN_OK);
  EXPECT_EQ(acc, 0.0);
  float nan[3] = {0, NAN, 1};
  EXPECT_EQ(kiln_argmax_rows(nan, 1, 3, pred), KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "logits[0][1] is NaN"), nullptr);
}

TEST(Metrics, CrossEntropyByHand) {
  // Row 0: logits [0, 0], softmax [1/2, 1/2], truth 0 -> ln 2.
  // Row 1: logits [ln 2, 0], softmax [2/3, 1/3], truth 1 -> ln 3.
  // Mean (ln 2 + ln 3) / 2 = ln(6) / 2 = 0.8958797.
  const float logits[4] = {0, 0, (float)std::log(2.0), 0};
  const int64_t truth[2] = {0, 1};
  double loss = -1;
  ASSERT_EQ(kiln_cross_entropy(truth, logits, 2, 2, &loss), KILN_OK);
  EXPECT_NEAR(loss, std::log(6.0) / 2, 1e-7);
  // Large logits do not overflow: [1000, 0] with truth 0 costs e^-1000 ~ 0,
  // with truth 1 costs 1000.
  const float big[2] = {1000, 0};
  const int64_t t0 = 0, t1 = 1;
  ASSERT_EQ(kiln_cross_entropy(&t0, big, 1, 2, &loss), KILN_OK);
  EXPECT_NEAR(loss, 0.0, 1e-12);
  ASSERT_EQ(kiln_cross_entropy(&t1, big, 1, 2, &loss), KILN_OK);
  EXPECT_NEAR(loss, 1000.0, 1e-9);
}

TEST(Metrics, RejectsBadLabels) {
  const int64_t truth[2] = {0, 3}, pred[2] = {0, 1};
  int64_t cm[9];
  EXPECT_EQ(kiln_confusion_matrix(truth, pred, 2, 3, cm),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "truth[1] = 3 outside [0, 3)"),
            nullptr)
      << kiln_last_error();
  const int64_t neg[2] = {0, -1};
  EXPECT_EQ(kiln_confusion_matrix(pred, neg, 2, 3, cm),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kiln_last_error(), "pred[1] = -1"), nullptr);
  double loss;
  const float logits[6] = {};
  EXPECT_EQ(kiln_cross_entropy(truth, logits, 2, 3, &loss),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_confusion_matrix(nullptr, pred, 2, 3, cm),
            KILN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_argmax_rows(logits, 2, 0, cm), KILN_ERROR_INVALID_ARGUMENT);
}
