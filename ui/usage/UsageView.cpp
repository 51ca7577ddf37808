#include "usage/UsageView.h"

#include "Workspace.h"
#include "charts/ChartHelpers.h"
#include "common/Format.h"
#include "common/Icons.h"
#include "common/Retranslate.h"
#include "common/TaskRunner.h"
#include "common/Theme.h"
#include "domain/BillingZone.h"
#include "domain/PhoneNumber.h"
#include "pool/AnswerRule.h"
#include "pool/CallerPolicy.h"
#include "pool/ErlangB.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QDateTimeAxis>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMap>
#include <QScrollArea>
#include <QStackedBarSeries>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

namespace PoolDesk::Ui {

UsageView::UsageView(Workspace &workspace, QWidget *parent)
    : View(workspace, parent) {
    setObjectName(QStringLiteral("usageView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    m_period = new QComboBox(this);
    m_period->setObjectName(QStringLiteral("usagePeriodComboBox"));
    for (int days : {1, 7, 30, 90})
        m_period->addItem(QString(), days);
    m_period->setCurrentIndex(1);
    auto *periodLabel = new QLabel(this);
    periodLabel->setBuddy(m_period);
    m_blocking = new QDoubleSpinBox(this);
    m_blocking->setObjectName(QStringLiteral("blockingTargetSpinBox"));
    m_blocking->setRange(0.1, 20.0);
    m_blocking->setDecimals(1);
    m_blocking->setSingleStep(0.5);
    m_blocking->setValue(1.0);
    m_blocking->setSuffix(QLocale().percent());
    auto *blockingLabel = new QLabel(this);
    blockingLabel->setBuddy(m_blocking);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("usageStatusLabel"));
    bar->addWidget(periodLabel);
    bar->addWidget(m_period);
    bar->addSpacing(16);
    bar->addWidget(blockingLabel);
    bar->addWidget(m_blocking);
    bar->addStretch(1);
    bar->addWidget(m_status);
    layout->addLayout(bar);

    m_sizing = new QLabel(this);
    m_sizing->setObjectName(QStringLiteral("erlangSizingLabel"));
    m_sizing->setWordWrap(true);
    m_sizing->setTextFormat(Qt::RichText);
    m_sizing->setMargin(6);
    m_sizing->setAutoFillBackground(true);
    layout->addWidget(m_sizing);

    // Five charts do not fit one screen at a size that can be read, so they scroll: the four of
    // the pool's load on the first screen, the answer rate across the whole width below them.
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("usageChartsScrollArea"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *charts = new QWidget(scroll);
    auto *grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(6);
    m_concurrency = Charts::makeView(QStringLiteral("concurrencyChartView"), QString(), charts);
    m_daily = Charts::makeView(QStringLiteral("dailyChartView"), QString(), charts);
    m_numbers = Charts::makeView(QStringLiteral("utilizationChartView"), QString(), charts);
    m_availability = Charts::makeView(QStringLiteral("availabilityChartView"), QString(), charts);
    for (QChartView *view : {m_concurrency, m_daily, m_numbers, m_availability})
        view->setMinimumHeight(280);
    auto *dailyBox = new QWidget(charts);
    auto *dailyLayout = new QVBoxLayout(dailyBox);
    dailyLayout->setContentsMargins(0, 0, 0, 0);
    m_dailyMeasure = new QComboBox(dailyBox);
    m_dailyMeasure->setObjectName(QStringLiteral("dailyMeasureComboBox"));
    m_dailyMeasure->addItem(QString());
    m_dailyMeasure->addItem(QString());
    auto *measureRow = new QHBoxLayout;
    measureRow->addStretch(1);
    measureRow->addWidget(m_dailyMeasure);
    dailyLayout->addLayout(measureRow);
    dailyLayout->addWidget(m_daily, 1);
    grid->addWidget(m_concurrency, 0, 0);
    grid->addWidget(dailyBox, 0, 1);
    grid->addWidget(m_availability, 1, 0);
    grid->addWidget(m_numbers, 1, 1);
    auto *answersBox = new QWidget(charts);
    auto *answersLayout = new QVBoxLayout(answersBox);
    answersLayout->setContentsMargins(0, 0, 0, 0);
    m_answers = Charts::makeView(QStringLiteral("answerRateChartView"), QString(), answersBox);
    m_answers->setMinimumHeight(360);
    m_answers->chart()->legend()->setAlignment(Qt::AlignRight);
    m_answers->chart()->legend()->setShowToolTips(true);
    m_answersNote = new QLabel(answersBox);
    m_answersNote->setObjectName(QStringLiteral("answerRateNoteLabel"));
    m_answersNote->setWordWrap(true);
    m_answersNote->setContentsMargins(8, 0, 8, 4);
    answersLayout->addWidget(m_answers, 1);
    answersLayout->addWidget(m_answersNote);
    grid->addWidget(answersBox, 2, 0, 1, 2);
    scroll->setWidget(charts);
    layout->addWidget(scroll, 1);

    retranslate(this, [this, periodLabel, blockingLabel] {
        setItemTexts(m_period, 0,
                     {tr("Last 24 hours"), tr("Last 7 days"), tr("Last 30 days"), tr("Last 90 days")});
        periodLabel->setText(tr("&Period:"));
        m_blocking->setToolTip(
            tr("The share of calls you accept to find no free number in the busiest hour"));
        blockingLabel->setText(tr("&Blocking target:"));
        m_concurrency->chart()->setTitle(tr("Concurrent calls (peak per hour)"));
        m_daily->chart()->setTitle(tr("Calls per day by company"));
        m_numbers->chart()->setTitle(tr("Utilization per number"));
        m_availability->chart()->setTitle(tr("Shared numbers free at the busiest moment"));
        m_answers->chart()->setTitle(tr("Answer rate by number"));
        m_answers->setAccessibleName(tr("Answer rate by number"));
        // Screen readers name each chart by what it shows; a loaded title may add its zone.
        for (QChartView *view : {m_concurrency, m_daily, m_numbers, m_availability})
            view->setAccessibleName(view->chart()->title());
        m_answersNote->setText(
            tr("Answered: completed and at least %n second(s) long, as in the Pool view's health.", nullptr,
               AnswerRule::AnsweredSeconds) +
            QLatin1Char(' ') +
            tr("A day or week with fewer than %n call(s) on a number is a gap in its line, not 0%.", nullptr,
               AnswerRates::MinCalls));
        setItemTexts(m_dailyMeasure, 0, {tr("Calls"), tr("Billed minutes")});
    });
    // The charts' series and axes are named when drawn: draw them again (from the database).
    onLanguageChange(this, [this] {
        if (m_loaded)
            refresh();
        else
            showSizing();
    });

    connect(m_period, &QComboBox::currentIndexChanged, this, &UsageView::refresh);
    connect(m_blocking, &QDoubleSpinBox::valueChanged, this, &UsageView::showSizing);
    connect(m_dailyMeasure, &QComboBox::currentIndexChanged, this, &UsageView::showDaily);
    connect(&workspace, &Workspace::environmentChanged, this, [this] {
        if (m_loaded)
            refresh();
    });
    showSizing();
}

QIcon UsageView::icon() const {
    return Icons::get(QStringLiteral("usage"), QStringLiteral("office-chart-line"));
}

void UsageView::activated() {
    m_active = true;
    if (!m_loaded)
        refresh();
}

void UsageView::refresh() {
    m_loaded = true;
    m_loading = true;
    m_status->setText(tr("Loading…"));
    const int days = m_period->currentData().toInt();
    const QString environment = m_workspace.environment();
    // Whole hours, ending with the current one.
    const qint64 to = (QDateTime::currentSecsSinceEpoch() / 3600 + 1) * 3600;
    const qint64 from = to - qint64(days) * 86400;
    m_workspace.tasks().run<Data>(
        this,
        [from, to, environment](Database &db, const TaskControl &control) -> Result<Data> {
            Data data;
            data.fromSecs = from;
            data.toSecs = to;
            auto all = UsageSeries::concurrency(db, from, to, environment, false);
            if (!all)
                return all.error();
            data.all = all.value();
            control.setProgress(30);
            auto shared = UsageSeries::concurrency(db, from, to, environment, true);
            if (!shared)
                return shared.error();
            data.shared = shared.value();
            control.setProgress(60);
            auto perDay = UsageSeries::perDayByCompany(db, from, to, environment);
            if (!perDay)
                return perDay.error();
            data.days = perDay.value();
            auto perNumber = UsageSeries::perNumber(db, from, to, environment);
            if (!perNumber)
                return perNumber.error();
            data.numbers = perNumber.value();
            auto areas = AreaSizing::demand(db, from, to, environment);
            if (!areas)
                return areas.error();
            data.areas = areas.value();
            data.dailyCap = CallerPolicy::load(db).dailyCap;
            control.setProgress(80);
            auto answers = AnswerRates::byNumber(db, from, to, environment);
            if (!answers)
                return answers.error();
            data.answers = answers.value();
            return data;
        },
        [this](Result<Data> result) {
            m_loading = false;
            if (!result) {
                m_status->clear();
                error(tr("The usage charts could not be loaded: %1").arg(result.error().message));
                emit loaded();
                return;
            }
            show(result.value());
            emit loaded();
        });
}

void UsageView::show(const Data &data) {
    m_data = data;
    const QString env = m_workspace.environment();
    m_status->setText(tr("%1 · %2 to %3")
                          .arg(env == QLatin1String("production")    ? tr("Production")
                               : env == QLatin1String("development") ? tr("Development")
                                                                     : env,
                               Format::dateTime(QDateTime::fromSecsSinceEpoch(data.fromSecs, Qt::UTC)),
                               Format::dateTime(QDateTime::fromSecsSinceEpoch(data.toSecs, Qt::UTC))));
    showConcurrency();
    showDaily();
    showNumbers();
    showAvailability();
    showSizing();
    showAnswerRates();
}

// Qt Charts labels a date-time axis in the system's zone; the points are moved by the difference so
// the labels read the billing zone's clock, which the axis title names.
static qreal chartMsecs(qint64 secs) {
    const BillingZone zone = DisplayZone::current();
    const qint64 shift = zone.at(secs).offsetFromUtc() - QDateTime::fromSecsSinceEpoch(secs).offsetFromUtc();
    return qreal(secs + shift) * 1000.0;
}

static QDateTimeAxis *timeAxis(const UsageView::Data &data, QChart *chart) {
    auto *axis = new QDateTimeAxis;
    axis->setRange(QDateTime::fromMSecsSinceEpoch(qint64(chartMsecs(data.fromSecs))),
                   QDateTime::fromMSecsSinceEpoch(qint64(chartMsecs(data.toSecs))));
    axis->setTitleText(DisplayZone::current().id());
    const qint64 span = data.toSecs - data.fromSecs;
    axis->setFormat(span <= 2 * 86400 ? QStringLiteral("HH:mm") : QStringLiteral("M/d"));
    axis->setTickCount(7);
    chart->addAxis(axis, Qt::AlignBottom);
    return axis;
}

void UsageView::showConcurrency() {
    QChart *chart = m_concurrency->chart();
    Charts::clear(chart);
    auto *peak = new QLineSeries(chart);
    peak->setName(tr("Peak in the hour"));
    auto *average = new QLineSeries(chart);
    average->setName(tr("Average (erlangs)"));
    for (const UsageSeries::HourPoint &hour : std::as_const(m_data.all.hours)) {
        const qreal x = chartMsecs(hour.hourStart);
        peak->append(x, hour.peakConcurrent);
        average->append(x, hour.averageConcurrent);
    }
    chart->addSeries(peak);
    chart->addSeries(average);
    QDateTimeAxis *x = timeAxis(m_data, chart);
    QValueAxis *y = Charts::valueAxis(m_data.all.peak, tr("Calls"), true, chart, Qt::AlignLeft);
    for (QLineSeries *series : {peak, average}) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
    Charts::style(chart);
    chart->setTitle(m_data.all.peak > 0 ? tr("Concurrent calls — peak %1 at %2")
                                              .arg(m_data.all.peak)
                                              .arg(Format::dateTime(
                                                  QDateTime::fromSecsSinceEpoch(m_data.all.peakAt, Qt::UTC)))
                                        : tr("Concurrent calls — no calls in this period"));
}

void UsageView::showDaily() {
    QChart *chart = m_daily->chart();
    Charts::clear(chart);
    const bool minutes = m_dailyMeasure->currentIndex() == 1;
    QList<qint64> days;
    QMap<QString, QMap<qint64, qint64>> byCompany; // company -> day -> value
    for (const UsageSeries::DayCompanyPoint &point : std::as_const(m_data.days)) {
        if (!days.contains(point.dayStart))
            days.append(point.dayStart);
        const QString name = point.companyName.isEmpty() ? tr("(deleted company)") : point.companyName;
        byCompany[name][point.dayStart] += minutes ? point.billedMinutes : point.calls;
    }
    std::sort(days.begin(), days.end());
    auto *series = new QStackedBarSeries(chart);
    QList<qint64> totals(days.size(), 0);
    for (auto it = byCompany.cbegin(); it != byCompany.cend(); ++it) {
        auto *set = new QBarSet(it.key(), series);
        for (int d = 0; d < days.size(); ++d) {
            const qint64 value = it.value().value(days.at(d));
            *set << value;
            totals[d] += value;
        }
        series->append(set);
    }
    chart->addSeries(series);
    QStringList categories;
    for (qint64 day : std::as_const(days))
        categories << QLocale().toString(DisplayZone::current().date(day), QStringLiteral("M/d"));
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    const qint64 max = totals.isEmpty() ? 0 : *std::max_element(totals.begin(), totals.end());
    QValueAxis *y =
        Charts::valueAxis(double(max), minutes ? tr("Minutes") : tr("Calls"), true, chart, Qt::AlignLeft);
    series->attachAxis(y);
    series->setBarWidth(0.8);
    chart->legend()->setVisible(byCompany.size() <= 10);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    chart->legend()->setFont(legendFont);
    chart->legend()->setShowToolTips(true);
    // The days are the billing zone's (UsageSeries::perDayByCompany), named like the time axes.
    const QString zone = DisplayZone::current().id();
    chart->setTitle(minutes ? tr("Billed minutes per day by company (days in %1)").arg(zone)
                            : tr("Calls per day by company (days in %1)").arg(zone));
    Charts::style(chart);
}

void UsageView::showNumbers() {
    QChart *chart = m_numbers->chart();
    Charts::clear(chart);
    // The busiest 12, busiest at the top.
    QList<UsageSeries::NumberUtilization> top = m_data.numbers.mid(0, 12);
    std::reverse(top.begin(), top.end());
    auto *series = new QHorizontalBarSeries(chart);
    auto *sharedSet = new QBarSet(tr("Shared"), series);
    auto *dedicatedSet = new QBarSet(tr("Dedicated"), series);
    QStringList labels;
    double max = 0;
    for (const auto &number : std::as_const(top)) {
        labels << number.e164;
        const double percent = number.utilization * 100.0;
        *sharedSet << (number.shared ? percent : 0.0);
        *dedicatedSet << (number.shared ? 0.0 : percent);
        max = std::max(max, percent);
    }
    series->append(sharedSet);
    series->append(dedicatedSet);
    series->setBarWidth(0.9);
    auto *stacked = series; // one of the two values is 0 per row
    chart->addSeries(stacked);
    auto *y = new QBarCategoryAxis;
    y->append(labels);
    y->setTruncateLabels(false);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    QValueAxis *x = Charts::valueAxis(std::min(100.0, max), tr("% of the period in calls"), false, chart,
                                      Qt::AlignBottom);
    series->attachAxis(x);
    chart->setTitle(top.isEmpty() ? tr("Utilization per number — no numbers")
                                  : tr("Utilization per number (busiest 12)"));
    Charts::style(chart);
}

void UsageView::showAvailability() {
    QChart *chart = m_availability->chart();
    Charts::clear(chart);
    auto *free = new QLineSeries(chart);
    free->setName(tr("Free shared numbers (lowest in the hour)"));
    auto *threshold = new QLineSeries(chart);
    threshold->setName(tr("Threshold (%1)").arg(m_data.shared.threshold));
    threshold->setProperty("pooldeskKeepColour", true);
    QPen pen(Theme::accent(Theme::Tone::Negative, palette()));
    pen.setStyle(Qt::DashLine);
    pen.setWidthF(2);
    threshold->setPen(pen);
    for (const UsageSeries::HourPoint &hour : std::as_const(m_data.shared.hours))
        free->append(chartMsecs(hour.hourStart), hour.minAvailable);
    threshold->append(chartMsecs(m_data.fromSecs), m_data.shared.threshold);
    threshold->append(chartMsecs(m_data.toSecs), m_data.shared.threshold);
    chart->addSeries(free);
    chart->addSeries(threshold);
    QDateTimeAxis *x = timeAxis(m_data, chart);
    QValueAxis *y = Charts::valueAxis(std::max(m_data.shared.sharedNumbers, m_data.shared.threshold),
                                      tr("Numbers"), true, chart, Qt::AlignLeft);
    for (QLineSeries *series : {free, threshold}) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
    chart->setTitle(tr("Shared pool availability (%1 shared numbers)").arg(m_data.shared.sharedNumbers));
    Charts::style(chart);
}

void UsageView::showSizing() {
    const double target = m_blocking->value() / 100.0;
    // Offered traffic of the busiest hour in erlangs: the call time within the hour / 1 hour.
    double erlangs = 0;
    qint64 at = 0;
    for (const UsageSeries::HourPoint &hour : std::as_const(m_data.shared.hours)) {
        if (hour.averageConcurrent > erlangs) {
            erlangs = hour.averageConcurrent;
            at = hour.hourStart;
        }
    }
    const int actual = m_data.shared.sharedNumbers;
    Theme::Tone tone = Theme::Tone::Information;
    QString text;
    if (at == 0) {
        text = tr("<b>Pool size:</b> no calls on shared numbers in this period, so there is no busiest hour "
                  "to size "
                  "the pool from. The pool has %1 shared numbers.")
                   .arg(actual);
    } else {
        const int recommended = ErlangB::linesFor(erlangs, target);
        QString verdict;
        if (actual < recommended) {
            verdict = tr("The pool is <b>too small</b> for this target: add %n number(s).", nullptr,
                         recommended - actual);
            tone = Theme::Tone::Warning;
        } else if (actual > recommended) {
            verdict = tr("The pool is larger than needed: %n number(s) could be released.", nullptr,
                         actual - recommended);
            tone = Theme::Tone::Information;
        } else {
            verdict = tr("The pool is exactly the recommended size.");
            tone = Theme::Tone::Positive;
        }
        text = tr("<b>Erlang B:</b> busiest hour %1 carried %2 erlangs. For at most %3 blocked calls, "
                  "<b>%4 shared numbers</b> are recommended; the pool has <b>%5</b>. %6")
                   .arg(Format::dateTime(QDateTime::fromSecsSinceEpoch(at, Qt::UTC)),
                        Format::decimal(erlangs, 2), Format::percent(target, 1))
                   .arg(recommended)
                   .arg(actual)
                   .arg(verdict);
    }
    // Local presence: the callees' busiest area codes, each sized on its own.
    QStringList areas;
    for (const AreaDemand &area : std::as_const(m_data.areas)) {
        if (areas.size() == 5)
            break;
        const AreaNeed need = AreaSizing::need(area, target, m_data.dailyCap);
        const QString code =
            area.areaCode.startsWith(QLatin1Char('1')) ? area.areaCode.mid(1) : area.areaCode;
        const int needed = need.numbers();
        QString has = tr("%1: %n number(s), has %2", nullptr, needed).arg(code).arg(area.sharedNumbers);
        if (need.capsDecide())
            has += tr(" (the daily cap, not traffic, sets this)");
        areas << (area.sharedNumbers < need.numbers() ? QStringLiteral("<b>%1</b>").arg(has) : has);
    }
    if (!areas.isEmpty())
        text += QStringLiteral("<br>") +
                tr("<b>Local presence</b> (shared numbers by the callees' area code): %1.")
                    .arg(areas.join(QStringLiteral("; ")));
    m_sizing->setText(text);
    QPalette pal = m_sizing->palette();
    pal.setColor(QPalette::Window, Theme::tint(tone, palette()));
    m_sizing->setPalette(pal);
}

void UsageView::showAnswerRates() {
    QChart *chart = m_answers->chart();
    Charts::clear(chart);
    const AnswerRates::Series &rates = m_data.answers;
    const BillingZone zone = DisplayZone::current();
    const bool weekly = rates.bucketing == AnswerRates::Bucketing::Week;
    QDateTimeAxis *x = timeAxis(m_data, chart);
    x->setTitleText(weekly ? tr("Weeks from Monday, %1").arg(zone.id()) : tr("Days, %1").arg(zone.id()));
    auto *y = new QValueAxis;
    y->setRange(0, 100);
    y->setTickCount(6);
    y->setLabelFormat(QStringLiteral("%d%%"));
    y->setTitleText(tr("Answered"));
    chart->addAxis(y, Qt::AlignLeft);

    QString title;
    QStringList summary; // what the legend says, for screen readers
    if (rates.withOutcome == 0) {
        title = tr("Answer rate by number — no call in this period has a reported outcome");
    } else {
        title = rates.numbersWithCalls > rates.numbers.size()
                    ? tr("Answer rate by number — the busiest %n and any on watch or resting", nullptr,
                         AnswerRates::TopNumbers)
                    : tr("Answer rate by number");
        const QList<QColor> colours = Theme::seriesColours(palette());
        QList<const AnswerRates::Line *> lines;
        for (const AnswerRates::Line &line : rates.numbers)
            lines.append(&line);
        lines.append(&rates.pool);
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const AnswerRates::Line &line = *lines.at(i);
            QString name = line.isPool() ? tr("All numbers") : PhoneNumber::displayText(line.e164);
            if (line.state != NumberHealth::State::Good)
                name = tr("%1 (%2)").arg(name, Reputation::stateText(line.state));
            const QString overall = line.calls > 0
                                        ? Format::percent(double(line.answered) / double(line.calls))
                                        : QStringLiteral("–");
            name = tr("%1: %2").arg(name, overall);
            summary.append(name);
            QPen pen(line.isPool() ? palette().color(QPalette::Text) : colours.at(i % colours.size()));
            pen.setWidthF(2.0);
            if (line.isPool())
                pen.setStyle(Qt::DashLine);
            // A gap splits the line: each run of buckets with enough calls is a series of its own,
            // in the same pen, and only the first stands in the legend.
            QList<QLineSeries *> runs;
            QLineSeries *run = nullptr;
            for (qsizetype b = 0; b < line.buckets.size(); ++b) {
                const AnswerRates::Bucket &bucket = line.buckets.at(b);
                if (!bucket.rate) {
                    run = nullptr;
                    continue;
                }
                if (!run) {
                    run = new QLineSeries(chart);
                    runs.append(run);
                }
                const AnswerRates::Span &span = rates.spans.at(b);
                run->append(chartMsecs((span.start + span.end) / 2), *bucket.rate * 100.0);
            }
            if (runs.isEmpty()) // every bucket too thin: still named in the legend
                runs.append(new QLineSeries(chart));
            for (QLineSeries *series : std::as_const(runs)) {
                series->setName(name);
                series->setPen(pen);
                series->setPointsVisible(true);
                series->setMarkerSize(4);
                series->setProperty("pooldeskKeepColour", true);
                chart->addSeries(series);
                series->attachAxis(x);
                series->attachAxis(y);
                if (series != runs.first()) {
                    const auto markers = chart->legend()->markers(series);
                    for (QLegendMarker *marker : markers)
                        marker->setVisible(false);
                }
                connect(series, &QLineSeries::hovered, this,
                        [this, line, name, weekly](const QPointF &point, bool entered) {
                            if (!entered) {
                                QToolTip::hideText();
                                return;
                            }
                            // The bucket whose point is nearest the pointer.
                            const AnswerRates::Series &shown = m_data.answers;
                            qsizetype nearest = -1;
                            qreal distance = 0;
                            for (qsizetype b = 0; b < shown.spans.size() && b < line.buckets.size(); ++b) {
                                if (!line.buckets.at(b).rate)
                                    continue;
                                const AnswerRates::Span &span = shown.spans.at(b);
                                const qreal d = qAbs(chartMsecs((span.start + span.end) / 2) - point.x());
                                if (nearest < 0 || d < distance) {
                                    nearest = b;
                                    distance = d;
                                }
                            }
                            if (nearest < 0)
                                return;
                            const AnswerRates::Bucket &bucket = line.buckets.at(nearest);
                            QDate day = DisplayZone::current().date(shown.spans.at(nearest).start);
                            const QString when =
                                weekly ? tr("Week of %1").arg(Format::date(day.addDays(1 - day.dayOfWeek())))
                                       : Format::date(day);
                            QToolTip::showText(
                                QCursor::pos(),
                                tr("%1\n%2: %3 answered (%4 of %n call(s))", nullptr, int(bucket.calls))
                                    .arg(name, when, Format::percent(*bucket.rate),
                                         Format::integer(bucket.answered)),
                                m_answers);
                        });
            }
        }
    }
    chart->legend()->setVisible(rates.withOutcome > 0);
    chart->setTitle(title);
    m_answers->setAccessibleName(title);
    m_answers->setAccessibleDescription(summary.join(QStringLiteral("; ")));
    Charts::style(chart);
}

} // namespace PoolDesk::Ui
