// The Usage view's answer rate by number: a line per number the model chose, labelled with its
// formatted number and health, the pool's line dashed, 0-100 %, days or weeks of the billing zone
// by the period, the environment followed, and an empty state without outcomes.
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "usage/UsageView.h"

#include "domain/PhoneNumber.h"
#include "pool/Reputation.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QToolTip>
#include <QValueAxis>

using namespace PoolDesk;

namespace {

// The legend's entries of the chart: one per line (a line split by gaps shows once). Read from the
// markers' labels rather than their visibility, which the legend's layout also sets, later and only
// for what fits.
QStringList legendNames(QChart *chart) {
    QStringList names;
    const auto markers = chart->legend()->markers();
    for (QLegendMarker *marker : markers) {
        if (!names.contains(marker->label()))
            names.append(marker->label());
    }
    return names;
}

} // namespace

class TestUsageView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { Test::initUiTests(); }

    void answerRateChartShowsTheNumbers_data() { Test::addEngineRows(); }
    void answerRateChartShowsTheNumbers() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openDemo(engine));
        Ui::MainWindow window(*workspace);
        window.resize(1280, 800);
        window.show();
        auto *view = window.findChild<Ui::UsageView *>(QStringLiteral("usageView"));
        QVERIFY(view);
        QSignalSpy loaded(view, &Ui::UsageView::loaded);
        window.showPage(Ui::MainWindow::Page::Usage);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 120000);

        auto *chartView = view->findChild<QChartView *>(QStringLiteral("answerRateChartView"));
        QVERIFY(chartView);
        QChart *chart = chartView->chart();
        const AnswerRates::Series &rates = view->data().answers;
        QVERIFY(rates.withOutcome > 0);
        QCOMPARE(rates.bucketing, AnswerRates::Bucketing::Day);
        QVERIFY(!rates.numbers.isEmpty());

        // One legend entry per number, then the whole pool, in the model's order.
        const QStringList names = legendNames(chart);
        QCOMPARE(names.size(), rates.numbers.size() + 1);
        for (qsizetype i = 0; i < rates.numbers.size(); ++i)
            QVERIFY2(names[i].startsWith(PhoneNumber::displayText(rates.numbers[i].e164)),
                     qPrintable(names[i]));
        QVERIFY(names.last().startsWith(QStringLiteral("All numbers")));
        // The demo's poorly answered number stands out with its health.
        bool flagged = false;
        for (qsizetype i = 0; i < rates.numbers.size(); ++i) {
            if (rates.numbers[i].state != NumberHealth::State::Good) {
                flagged = true;
                QVERIFY2(names[i].contains(Reputation::stateText(rates.numbers[i].state)),
                         qPrintable(names[i]));
            }
        }
        QVERIFY(flagged);

        // Points are percentages; the pool's line is dashed; thin buckets are left out.
        int poolSeries = 0;
        qsizetype points = 0;
        const auto series = chart->series();
        for (QAbstractSeries *s : series) {
            auto *line = qobject_cast<QLineSeries *>(s);
            QVERIFY(line);
            points += line->count();
            for (const QPointF &point : line->points())
                QVERIFY(point.y() >= 0 && point.y() <= 100);
            if (line->name().startsWith(QStringLiteral("All numbers"))) {
                ++poolSeries;
                QCOMPARE(line->pen().style(), Qt::DashLine);
            } else {
                QCOMPARE(line->pen().style(), Qt::SolidLine);
            }
        }
        QVERIFY(poolSeries >= 1);
        qsizetype rated = 0;
        for (const AnswerRates::Line *line : [&] {
                 QList<const AnswerRates::Line *> all;
                 for (const AnswerRates::Line &l : rates.numbers)
                     all.append(&l);
                 all.append(&rates.pool);
                 return all;
             }()) {
            for (const AnswerRates::Bucket &bucket : line->buckets)
                rated += bucket.rate ? 1 : 0;
        }
        QCOMPARE(points, rated);

        // Pointing at a point names the number, the day and the calls behind the rate.
        QLineSeries *first = nullptr;
        for (QAbstractSeries *s : series) {
            auto *line = qobject_cast<QLineSeries *>(s);
            if (line->count() > 0 && line->name() == names.first()) {
                first = line;
                break;
            }
        }
        QVERIFY(first);
        emit first->hovered(first->at(0), true);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().startsWith(names.first()), qPrintable(QToolTip::text()));
        QVERIFY2(QToolTip::text().contains(QStringLiteral(" answered (")), qPrintable(QToolTip::text()));
        emit first->hovered(first->at(0), false);
        QTRY_VERIFY(!QToolTip::isVisible());

        const auto vertical = chart->axes(Qt::Vertical);
        QCOMPARE(vertical.size(), 1);
        auto *y = qobject_cast<QValueAxis *>(vertical.first());
        QCOMPARE(y->min(), 0.0);
        QCOMPARE(y->max(), 100.0);
        const auto horizontal = chart->axes(Qt::Horizontal);
        QCOMPARE(horizontal.size(), 1);
        auto *x = qobject_cast<QDateTimeAxis *>(horizontal.first());
        QVERIFY(x);
        QVERIFY2(x->titleText().contains(rates.zoneId), qPrintable(x->titleText()));
        QVERIFY(x->titleText().startsWith(QStringLiteral("Days")));
        QVERIFY(chart->legend()->isVisible());
        QCOMPARE(chartView->accessibleName(), chart->title());
        QVERIFY(chartView->accessibleDescription().contains(names.first()));
        // Every chart of the view has a name a screen reader can say.
        for (QChartView *each : view->findChildren<QChartView *>())
            QVERIFY2(!each->accessibleName().isEmpty(), qPrintable(each->objectName()));
        QVERIFY(!view->findChild<QLabel *>(QStringLiteral("answerRateNoteLabel"))->text().isEmpty());

        // 90 days: counted in weeks.
        auto *period = view->findChild<QComboBox *>(QStringLiteral("usagePeriodComboBox"));
        period->setCurrentIndex(period->findData(90));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 120000);
        QCOMPARE(view->data().answers.bucketing, AnswerRates::Bucketing::Week);
        auto *scroll = view->findChild<QScrollArea *>(QStringLiteral("usageChartsScrollArea"));
        scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
        Test::keepScreenshot(&window, QStringLiteral("usage-answer-rate-weeks"));
        QVERIFY(qobject_cast<QDateTimeAxis *>(chart->axes(Qt::Horizontal).first())
                    ->titleText()
                    .startsWith(QStringLiteral("Weeks")));

        // The development environment has no calls: the empty state says why.
        workspace->setEnvironment(QStringLiteral("development"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 3, 120000);
        QCOMPARE(view->data().answers.withOutcome, 0);
        QVERIFY2(chart->title().contains(QStringLiteral("no call in this period has a reported outcome")),
                 qPrintable(chart->title()));
        QVERIFY(chart->series().isEmpty());
        QVERIFY(!chart->legend()->isVisible());
        Test::keepScreenshot(&window, QStringLiteral("usage-answer-rate-empty"));
        workspace->tasks().waitForAll();
    }
};

QTEST_MAIN(TestUsageView)
#include "tst_usageview.moc"
