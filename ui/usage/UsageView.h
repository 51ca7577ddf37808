#pragma once

#include "billing/AnswerRates.h"
#include "billing/UsageSeries.h"
#include "common/View.h"
#include "pool/AreaSizing.h"

class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;

namespace PoolDesk::Ui {

// The pool's usage in charts: concurrent calls over time with the peak of each hour, calls and
// minutes per day stacked by company, utilization per number, shared-pool availability against
// the threshold, the Erlang B recommended pool size for a chosen blocking target beside the
// actual size, and the answer rate of the busiest numbers and those whose health is in question.
// Series are computed on a worker thread.
class UsageView final : public View {
    Q_OBJECT
public:
    explicit UsageView(Workspace &workspace, QWidget *parent = nullptr);

    QString title() const override { return tr("Usage"); }
    QIcon icon() const override;
    void refresh() override;
    void activated() override;

    struct Data {
        qint64 fromSecs = 0;
        qint64 toSecs = 0;
        UsageSeries::ConcurrencySeries all;
        UsageSeries::ConcurrencySeries shared;
        QList<UsageSeries::DayCompanyPoint> days;
        QList<UsageSeries::NumberUtilization> numbers;
        QList<AreaDemand> areas; // callees' area codes, busiest first (local presence)
        int dailyCap = 0;        // the caller policy's
        AnswerRates::Series answers;
    };
    const Data &data() const { return m_data; }
    bool isLoading() const { return m_loading; }

signals:
    void loaded();

private:
    void show(const Data &data);
    void showConcurrency();
    void showDaily();
    void showNumbers();
    void showAvailability();
    void showSizing();
    void showAnswerRates();

    QComboBox *m_period = nullptr;
    QComboBox *m_dailyMeasure = nullptr;
    QDoubleSpinBox *m_blocking = nullptr;
    QLabel *m_sizing = nullptr;
    QLabel *m_status = nullptr;
    QChartView *m_concurrency = nullptr;
    QChartView *m_daily = nullptr;
    QChartView *m_numbers = nullptr;
    QChartView *m_availability = nullptr;
    QChartView *m_answers = nullptr;
    QLabel *m_answersNote = nullptr;
    Data m_data;
    bool m_loaded = false;
    bool m_loading = false;
    bool m_active = false;
};

} // namespace PoolDesk::Ui
