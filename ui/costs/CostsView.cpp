#include "costs/CostsView.h"

#include "Workspace.h"
#include "billing/ClosedMonths.h"
#include "charts/ChartHelpers.h"
#include "common/Format.h"
#include "common/Icons.h"
#include "common/MessageBox.h"
#include "common/Retranslate.h"
#include "common/Tables.h"
#include "common/TaskRunner.h"
#include "common/Theme.h"
#include "costs/CompanyReportPdf.h"
#include "costs/ReconcilePanel.h"
#include "domain/BillingZone.h"
#include "domain/Clock.h"
#include "export/ExportFlow.h"
#include "itemmodels/CostReportModel.h"
#include "itemmodels/Retranslation.h"
#include "storage/AuditLog.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalStackedBarSeries>
#include <QLabel>
#include <QLegend>
#include <QListWidget>
#include <QPieSeries>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedBarSeries>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

namespace PoolDesk::Ui {

namespace {
// Sorts by the raw values and keeps the total row last in either order.
class CostSortProxy final : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override {
        const bool leftTotal = left.data(CostReportModel::IsTotalRole).toBool();
        const bool rightTotal = right.data(CostReportModel::IsTotalRole).toBool();
        if (leftTotal != rightTotal)
            return sortOrder() == Qt::AscendingOrder ? rightTotal : leftTotal;
        return QSortFilterProxyModel::lessThan(left, right);
    }
};

// Who reads the costs; with no identity, the narrowest role, so nothing more is asked of the database.
Principal readerOf(Workspace &workspace) {
    if (workspace.principal())
        return workspace.principal().value();
    Principal nobody;
    nobody.role = Role::Manager;
    return nobody;
}

// "November 2026" for "2026-11".
QString monthTitle(const QString &month) {
    return Format::month(QDate::fromString(month + QStringLiteral("-01"), QStringLiteral("yyyy-MM-dd")));
}

double dollars(Micros micros) {
    return double(micros) / double(MicrosPerDollar);
}
} // namespace

CostsView::CostsView(Workspace &workspace, QWidget *parent)
    : View(workspace, parent) {
    setObjectName(QStringLiteral("costsView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *bar = new QHBoxLayout;
    m_month = new QComboBox(this);
    m_month->setObjectName(QStringLiteral("costsMonthComboBox"));
    fillMonths();
    auto *monthLabel = new QLabel(this);
    monthLabel->setBuddy(m_month);
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("costsModeComboBox"));
    m_mode->addItem(QString());
    m_mode->addItem(QString());
    m_pdf = new QPushButton(Icons::get(QStringLiteral("print"), QStringLiteral("document-print")), QString(),
                            this);
    m_pdf->setObjectName(QStringLiteral("costsPdfButton"));
    m_pdf->setShortcut(QKeySequence::Print);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("costsStatusLabel"));
    // Whether the month is closed (its report stored, never to change) or still open.
    m_closing = new QLabel(this);
    m_closing->setObjectName(QStringLiteral("costsClosingLabel"));
    m_closing->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close = new QPushButton(this);
    m_close->setObjectName(QStringLiteral("costsCloseMonthButton"));
    m_close->setVisible(workspace.roleAllows(Permission::CloseMonths));
    m_reopen = new QPushButton(this);
    m_reopen->setObjectName(QStringLiteral("costsReopenMonthButton"));
    m_reopen->setVisible(false);
    bar->addWidget(monthLabel);
    bar->addWidget(m_month);
    bar->addWidget(m_mode);
    bar->addWidget(m_closing);
    bar->addStretch(1);
    bar->addWidget(m_status);
    bar->addWidget(m_close);
    bar->addWidget(m_reopen);
    bar->addWidget(m_pdf);
    layout->addLayout(bar);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("costsSummaryLabel"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_rule = new QLabel(this);
    m_rule->setObjectName(QStringLiteral("costsRuleLabel"));
    m_rule->setWordWrap(true);
    m_rule->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_rule);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    auto *left = new QSplitter(Qt::Vertical, splitter);
    m_table = new QTableView(left);
    m_table->setObjectName(QStringLiteral("costsTableView"));
    Tables::configure(m_table, QStringLiteral("costs"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_model = new CostReportModel(workspace.database(), readerOf(workspace), this);
    m_model->setObjectName(QStringLiteral("costReportModel"));
    m_proxy = new CostSortProxy(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(UnderlyingDataRole);
    m_table->setModel(m_proxy);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    auto *adviceBox = new QWidget(left);
    auto *adviceLayout = new QVBoxLayout(adviceBox);
    adviceLayout->setContentsMargins(0, 0, 0, 0);
    auto *adviceLabel = new QLabel(adviceBox);
    m_advice = new QListWidget(adviceBox);
    m_advice->setObjectName(QStringLiteral("costsAdviceListWidget"));
    m_advice->setWordWrap(true);
    m_advice->setAlternatingRowColors(true);
    m_advice->setIconSize(QSize(16, 16));
    adviceLayout->addWidget(adviceLabel);
    adviceLayout->addWidget(m_advice, 1);
    left->addWidget(m_table);
    left->addWidget(adviceBox);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 1);
    m_tabs = new QTabWidget(splitter);
    m_tabs->setObjectName(QStringLiteral("costsChartsTabWidget"));
    m_byCompany = Charts::makeView(QStringLiteral("costsByCompanyChartView"), QString(), m_tabs);
    m_byCategory = Charts::makeView(QStringLiteral("costsByCategoryChartView"), QString(), m_tabs);
    m_history = Charts::makeView(QStringLiteral("costsHistoryChartView"), QString(), m_tabs);
    m_tabs->addTab(m_byCompany, QString());
    m_tabs->addTab(m_byCategory, QString());
    m_tabs->addTab(m_history, QString());
    // Twilio's bill is the whole account's: for those who read every company (finance,
    // administrators), not a client company's manager.
    if (workspace.allows(Permission::ReadEveryCompany)) {
        m_reconcile = new ReconcilePanel(workspace, m_tabs);
        m_tabs->addTab(m_reconcile, QString());
    }
    splitter->addWidget(left);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    retranslate(this, [this, monthLabel, adviceLabel] {
        nameMonths();
        monthLabel->setText(tr("&Month (%1):").arg(DisplayZone::current().id()));
        monthLabel->setToolTip(tr("Months begin at midnight in the workspace's billing time zone, %1 "
                                  "(Settings ▸ Pool).")
                                   .arg(DisplayZone::current().id()));
        m_close->setText(tr("&Close Month…"));
        m_close->setToolTip(tr("Freeze this month's report for invoicing: later changes appear as "
                               "adjustments in the next open month."));
        m_reopen->setText(tr("Re-&open Month…"));
        m_reopen->setToolTip(tr("Work this closed month out again from the history (administrators)."));
        setItemTexts(m_mode, 0, {tr("Per company"), tr("Per number")});
        m_pdf->setText(tr("Company &Report (PDF)…"));
        m_pdf->setToolTip(
            tr("A printable monthly cost report, with charts, for the selected company (Ctrl+P)"));
        m_rule->setText(CostReport::sharingRule() + QLatin1Char(' ') + CostReport::pricingRule());
        adviceLabel->setText(tr("<b>Savings advice</b>"));
        // Titles until a report is drawn (showReport() and showHistory() name them with figures).
        if (!m_loaded) {
            m_byCompany->chart()->setTitle(tr("Cost by company"));
            m_byCategory->chart()->setTitle(tr("Cost by category"));
            m_history->chart()->setTitle(tr("Month over month"));
        }
        m_tabs->setTabText(0, tr("By company"));
        m_tabs->setTabText(1, tr("By category"));
        m_tabs->setTabText(2, tr("Month over month"));
        if (m_reconcile)
            m_tabs->setTabText(m_tabs->indexOf(m_reconcile), tr("Reconcile"));
    });
    // The report's advice, summary and charts are worded when built (the model builds the current
    // month's as soon as it exists, before the page is shown): build them again.
    onLanguageChange(this, [this] {
        ItemModels::announceRetranslation(*m_model);
        m_model->refresh();
        if (m_loaded)
            loadHistory();
    });

    connect(m_month, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setMonth(m_month->currentData().toString());
        if (m_reconcile)
            m_reconcile->setMonth(m_month->currentData().toString());
    });
    if (m_reconcile)
        m_reconcile->setMonth(m_month->currentData().toString());
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_model->setMode(index == 1 ? CostReportModel::Mode::Numbers : CostReportModel::Mode::Companies);
        m_pdf->setEnabled(index == 0);
        m_table->setProperty("pooldeskColumnsFitted", false);
    });
    connect(m_pdf, &QPushButton::clicked, this, &CostsView::printCompanyReport);
    connect(m_close, &QPushButton::clicked, this, &CostsView::closeMonth);
    connect(m_reopen, &QPushButton::clicked, this, &CostsView::reopenMonth);
    connect(&workspace, &Workspace::billingZoneChanged, this, [this, monthLabel] {
        monthLabel->setText(tr("&Month (%1):").arg(DisplayZone::current().id()));
        const QSignalBlocker blocker(m_month);
        fillMonths();
        nameMonths();
        m_model->setMonth(m_month->currentData().toString());
    });
    connect(m_model, &CostReportModel::loadingChanged, this, [this](bool loading) {
        m_status->setText(loading ? tr("Calculating…") : QString());
        // Closing acts on the report on screen: not while another month is on its way.
        if (loading) {
            m_close->setEnabled(false);
            m_reopen->setEnabled(false);
        }
    });
    connect(m_model, &CostReportModel::loaded, this, &CostsView::showReport);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { Tables::fitColumnsOnce(m_table); });
    connect(m_model, &CostReportModel::loadFailed, this, [this](const QString &message) {
        m_close->setEnabled(false);
        m_reopen->setEnabled(false);
        error(message);
    });
    connect(&workspace, &Workspace::dataChanged, this, [this] {
        if (m_loaded)
            m_model->refresh();
    });
    // Closing and re-opening write: greyed out while the database takes no writes.
    connect(&workspace, &Workspace::writableChanged, this, [this] {
        if (m_loaded)
            showClosing();
    });
}

QIcon CostsView::icon() const {
    return Icons::get(QStringLiteral("costs"), QStringLiteral("wallet-open"));
}

void CostsView::activated() {
    if (m_loaded)
        return;
    m_loaded = true;
    m_model->setMonth(m_month->currentData().toString());
    loadHistory();
}

void CostsView::refresh() {
    m_loaded = true;
    m_model->refresh();
    loadHistory();
}

void CostsView::showReport() {
    Tables::fitColumnsOnce(m_table);
    const CostReport &report = m_model->report();
    QString summary =
        tr("<b>Total %1</b> for %Ln call(s) — dedicated rental %2, shared rental %3, outbound %4, "
           "inbound %5.",
           nullptr, int(report.calls))
            .arg(Format::money(report.total), Format::money(report.dedicatedRental),
                 Format::money(report.sharedRental), Format::money(report.outbound),
                 Format::money(report.inbound));
    if (report.twilioPricedCalls > 0)
        summary += QLatin1Char(' ') +
                   tr("Twilio billed %1 for the %Ln call(s) it has priced; PoolDesk estimated %2 for them.",
                      nullptr, int(report.twilioPricedCalls))
                       .arg(Format::money(report.twilioBilled), Format::money(report.estimateOfTwilioPriced));
    else
        summary += QLatin1Char(' ') +
                   tr("All figures are estimates from the tariff: Twilio has not priced these calls "
                      "yet (sync the call history to compare).");
    if (report.adjustments != 0)
        summary +=
            QLatin1Char(' ') + tr("The total includes %1 of late corrections to closed months (see the "
                                  "Adjustments column).")
                                   .arg(Format::money(report.adjustments));
    m_summary->setText(summary);
    showClosing();

    m_advice->clear();
    for (const CostAdvice &advice : report.advice) {
        auto *item = new QListWidgetItem(advice.message, m_advice);
        if (advice.monthlyChange != 0)
            item->setToolTip(tr("%1 per month").arg(Format::money(advice.monthlyChange)));
        const bool saving = advice.kind == CostAdvice::Kind::ReleaseIdle ||
                            advice.kind == CostAdvice::Kind::UnderusedDedicated ||
                            advice.kind == CostAdvice::Kind::PoolTooLarge;
        item->setIcon(
            style()->standardIcon(saving ? QStyle::SP_DialogApplyButton : QStyle::SP_MessageBoxWarning));
    }
    if (report.closing)
        m_advice->addItem(tr("This month is closed: its figures are kept as they were, and savings advice "
                             "is given for open months."));
    else if (report.advice.isEmpty())
        m_advice->addItem(tr("No savings to suggest for this month: every number is pulling its weight."));

    // By company: stacked categories.
    QChart *chart = m_byCompany->chart();
    Charts::clear(chart);
    auto *series = new QHorizontalStackedBarSeries(chart);
    auto *rental = new QBarSet(tr("Dedicated rental"), series);
    auto *share = new QBarSet(tr("Shared-pool share"), series);
    auto *outbound = new QBarSet(tr("Outbound"), series);
    auto *inbound = new QBarSet(tr("Inbound"), series);
    QStringList names;
    double max = 0;
    // First company at the top.
    for (auto it = report.companies.crbegin(); it != report.companies.crend(); ++it) {
        const CompanyCost &company = *it;
        names << company.name;
        *rental << dollars(company.dedicatedRental);
        *share << dollars(company.sharedRentalShare);
        *outbound << dollars(company.outbound);
        *inbound << dollars(company.inbound);
        max = std::max(max, dollars(company.total));
    }
    for (QBarSet *set : {rental, share, outbound, inbound})
        series->append(set);
    chart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append(names);
    x->setTruncateLabels(false);
    chart->addAxis(x, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(Charts::valueAxis(max, QStringLiteral("USD"), false, chart, Qt::AlignBottom));
    chart->setTitle(tr("Cost by company (USD)"));
    Charts::style(chart);

    // By category.
    QChart *pieChart = m_byCategory->chart();
    Charts::clear(pieChart);
    auto *pie = new QPieSeries(pieChart);
    const QList<QPair<QString, Micros>> parts{{tr("Dedicated rental"), report.dedicatedRental},
                                              {tr("Shared rental"), report.sharedRental},
                                              {tr("Outbound"), report.outbound},
                                              {tr("Inbound"), report.inbound}};
    for (const auto &[label, amount] : parts)
        if (amount > 0)
            pie->append(QStringLiteral("%1: %2").arg(label, Format::money(amount)), dollars(amount));
    pie->setLabelsVisible(true);
    pie->setPieSize(0.6);
    pieChart->addSeries(pie);
    pieChart->legend()->hide();
    pieChart->setTitle(tr("Cost by category — %1").arg(Format::money(report.total)));
    Charts::style(pieChart);
}

void CostsView::loadHistory() {
    const QString current = m_month->itemData(0).toString();
    const Principal reader = readerOf(m_workspace);
    m_workspace.tasks().run<QList<MonthTotals>>(
        this,
        [current, reader](Database &db, const TaskControl &control) -> Result<QList<MonthTotals>> {
            QList<MonthTotals> months;
            const QDate first =
                QDate::fromString(current + QStringLiteral("-01"), QStringLiteral("yyyy-MM-dd"));
            for (int i = 5; i >= 0 && !control.isCancelled(); --i) {
                const QString month = first.addMonths(-i).toString(QStringLiteral("yyyy-MM"));
                auto report = ClosedMonths(db, reader).report(month);
                if (!report)
                    return report.error();
                MonthTotals totals;
                totals.month = month;
                totals.rental = report.value().dedicatedRental + report.value().sharedRental;
                totals.calls = report.value().outbound + report.value().inbound;
                for (const CompanyCost &company : report.value().companies)
                    totals.companyTotals.insert(company.companyId, company.total);
                months.append(totals);
                control.setProgress((6 - i) * 100 / 6);
            }
            return months;
        },
        [this](Result<QList<MonthTotals>> result) {
            if (result) {
                m_months = result.value();
                showHistory();
            } else {
                error(result.error().message);
            }
            emit historyLoaded();
        });
}

void CostsView::fillMonths() {
    const QDate now = DisplayZone::current().date(Clock::nowSecs());
    const QDate first(now.year(), now.month(), 1);
    const QString selected = m_month->currentData().toString();
    m_month->clear();
    for (int i = 0; i < 13; ++i)
        m_month->addItem(QString(), first.addMonths(-i).toString(QStringLiteral("yyyy-MM")));
    if (const int index = m_month->findData(selected); index >= 0)
        m_month->setCurrentIndex(index);
}

void CostsView::nameMonths() {
    for (int i = 0; i < m_month->count(); ++i) {
        const QString month = monthTitle(m_month->itemData(i).toString());
        m_month->setItemText(i, i == 0 ? tr("%1 (so far)").arg(month) : month);
    }
}

void CostsView::showClosing() {
    const CostReport &report = m_model->report();
    const bool over = report.toSecs <= Clock::nowSecs();
    if (report.closing) {
        const MonthClosing &c = *report.closing;
        QString text =
            tr("Closed on %1 by %2").arg(Format::dateTime(Clock::fromSecs(c.closedAt)), c.closedBy);
        if (c.verified == std::optional<bool>(true))
            text += QStringLiteral(" · ") + tr("verified");
        else if (c.verified == std::optional<bool>(false))
            text += QStringLiteral(" · ") + tr("the stored report no longer matches its hash");
        m_closing->setText(text);
        m_closing->setToolTip(tr("SHA-256 of the stored report: %1 (also in the audit log).").arg(c.sha256));
    } else {
        m_closing->setText(over ? tr("Open: figures may still change") : tr("Open: the month is not over"));
        m_closing->setToolTip(tr("A closed month's report is stored and never changes."));
    }
    m_close->setEnabled(m_workspace.allows(Permission::CloseMonths) && !report.closing && over &&
                        !report.month.isEmpty());
    m_reopen->setVisible(report.closing.has_value() && m_workspace.roleAllows(Permission::ReopenMonths));
    m_reopen->setEnabled(m_workspace.allows(Permission::ReopenMonths));
}

void CostsView::closeMonth() {
    const QString month = m_model->report().month;
    const QString name = monthTitle(month);
    if (!MessageBox::confirm(this, tr("Close Month"),
                             tr("Close %1? Its report (total %2) is stored as it stands and will not change; "
                                "later corrections appear as adjustments in the next open month.")
                                 .arg(name, Format::money(m_model->report().total)),
                             tr("Close %1").arg(name)))
        return;
    // Storing the month means working it out once more: say so while it runs.
    m_close->setEnabled(false);
    m_status->setText(tr("Closing %1…").arg(name));
    const Principal reader = readerOf(m_workspace);
    m_workspace.tasks().run<CostReport>(
        this,
        [month, reader](Database &db, const TaskControl &) -> Result<CostReport> {
            return ClosedMonths(db, reader).close(month);
        },
        [this, name](Result<CostReport> result) {
            m_status->clear();
            if (!result) {
                showClosing();
                error(result.error().message);
                return;
            }
            positive(tr("%1 is closed. SHA-256 %2 is in the audit log.").arg(name, result->closing->sha256));
            m_model->refresh();
        });
}

void CostsView::reopenMonth() {
    const QString month = m_model->report().month;
    const QString name = monthTitle(month);
    if (!MessageBox::confirm(this, tr("Re-open Month"),
                             tr("Re-open %1? Its report will be worked out again from the history and may no "
                                "longer match what was invoiced.")
                                 .arg(name),
                             tr("Re-open %1").arg(name), true))
        return;
    const Principal reader = readerOf(m_workspace);
    m_workspace.tasks().run<bool>(
        this,
        [month, reader](Database &db, const TaskControl &) -> Result<bool> {
            if (auto done = ClosedMonths(db, reader).reopen(month); !done)
                return done.error();
            return true;
        },
        [this, name](Result<bool> result) {
            if (!result) {
                error(result.error().message);
                return;
            }
            info(tr("%1 is open again.").arg(name));
            m_model->refresh();
        });
}

void CostsView::showHistory() {
    QChart *chart = m_history->chart();
    Charts::clear(chart);
    auto *series = new QStackedBarSeries(chart);
    auto *rental = new QBarSet(tr("Number rental"), series);
    auto *calls = new QBarSet(tr("Calls"), series);
    QStringList labels;
    double max = 0;
    for (const MonthTotals &month : std::as_const(m_months)) {
        labels << monthTitle(month.month);
        *rental << dollars(month.rental);
        *calls << dollars(month.calls);
        max = std::max(max, dollars(month.rental + month.calls));
    }
    series->append(rental);
    series->append(calls);
    chart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append(labels);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    series->attachAxis(Charts::valueAxis(max, QStringLiteral("USD"), false, chart, Qt::AlignLeft));
    chart->setTitle(tr("Month over month (USD)"));
    Charts::style(chart);
}

qint64 CostsView::selectedCompanyId() const {
    if (m_model->mode() != CostReportModel::Mode::Companies)
        return 0;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (!rows.isEmpty()) {
        const int source = m_proxy->mapToSource(rows.first()).row();
        if (source >= 0 && source < m_model->report().companies.size())
            return m_model->report().companies.at(source).companyId;
    }
    return m_model->report().companies.isEmpty() ? 0 : m_model->report().companies.first().companyId;
}

void CostsView::printCompanyReport() {
    const qint64 id = selectedCompanyId();
    const CompanyCost *company = nullptr;
    for (const CompanyCost &c : m_model->report().companies)
        if (c.companyId == id)
            company = &c;
    if (!company) {
        info(tr("Select a company in the table first."));
        return;
    }
    QSettings settings;
    QString folder = settings.value(QStringLiteral("export/folder")).toString();
    if (folder.isEmpty())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString suggested =
        QDir(folder).filePath(QStringLiteral("%1-%2.pdf")
                                  .arg(company->name.simplified().replace(QLatin1Char(' '), QLatin1Char('_')),
                                       m_model->report().month));
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save Company Report"), suggested, tr("PDF documents (*.pdf)"));
    if (path.isEmpty())
        return;
    writeCompanyPdf(id, path);
}

bool CostsView::writeCompanyPdf(qint64 companyId, const QString &path) {
    const CostReport &report = m_model->report();
    for (const CompanyCost &company : report.companies) {
        if (company.companyId != companyId)
            continue;
        QList<QPair<QString, Micros>> history;
        for (const MonthTotals &month : std::as_const(m_months))
            history.append({month.month, month.companyTotals.value(companyId)});
        // A report that leaves PoolDesk is a sensitive read: recorded before it is written.
        if (auto audited = AuditLog::recordRead(m_workspace.database(), m_workspace.actor(),
                                                QStringLiteral("export.pdf"), company.name, companyId,
                                                {{QStringLiteral("file"), QDir::toNativeSeparators(path)},
                                                 {QStringLiteral("month"), report.month}});
            !audited) {
            error(audited.error().message);
            return false;
        }
        if (auto written = CompanyReportPdf::write(path, report, company, history); !written) {
            error(written.error().message);
            return false;
        }
        positive(tr("Report for %1 saved to <a href=\"%2\">%3</a>.")
                     .arg(company.name.toHtmlEscaped(), QUrl::fromLocalFile(path).toString(),
                          QDir::toNativeSeparators(path).toHtmlEscaped()));
        return true;
    }
    error(tr("That company has no figures for %1.").arg(report.month));
    return false;
}

void CostsView::exportCsv() {
    // The table as shown (per company or per number), sorted as shown.
    const QString name = QStringLiteral("costs-%1-%2")
                             .arg(m_model->report().month, m_model->mode() == CostReportModel::Mode::Companies
                                                               ? QStringLiteral("companies")
                                                               : QStringLiteral("numbers"));
    ExportFlow::exportModel(this, m_workspace, m_proxy, name);
}

} // namespace PoolDesk::Ui
