#include "calls/CallsView.h"

#include "Workspace.h"
#include "calls/RecordingsPanel.h"
#include "common/CompanyFilter.h"
#include "common/Format.h"
#include "common/Icons.h"
#include "common/InlineError.h"
#include "common/Retranslate.h"
#include "common/Tables.h"
#include "domain/BillingZone.h"
#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "export/ExportFlow.h"
#include "itemmodels/CallsTableModel.h"
#include "itemmodels/Retranslation.h"
#include "pool/Companies.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <climits>

namespace PoolDesk::Ui {

using Column = CallsTableModel::Column;

CallsView::CallsView(Workspace &workspace, QWidget *parent)
    : View(workspace, parent) {
    setObjectName(QStringLiteral("callsView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *row1 = new QHBoxLayout;
    m_company = new QComboBox(this);
    m_company->setObjectName(QStringLiteral("callsCompanyComboBox"));
    m_company->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    CompanyFilter::reload(m_company, m_workspace.database());
    m_number = new QLineEdit(this);
    m_number->setObjectName(QStringLiteral("callsNumberLineEdit"));
    m_number->setClearButtonEnabled(true);
    m_operator = new QLineEdit(this);
    m_operator->setObjectName(QStringLiteral("callsOperatorLineEdit"));
    m_operator->setClearButtonEnabled(true);
    m_direction = new QComboBox(this);
    m_direction->setObjectName(QStringLiteral("callsDirectionComboBox"));
    m_direction->addItem(QString(), QString());
    m_direction->addItem(QString(), toString(Direction::Outbound));
    m_direction->addItem(QString(), toString(Direction::Inbound));
    row1->addWidget(m_company);
    row1->addWidget(m_number, 1);
    row1->addWidget(m_operator, 1);
    row1->addWidget(m_direction);
    layout->addLayout(row1);

    auto *row2 = new QHBoxLayout;
    m_range = new QComboBox(this);
    m_range->setObjectName(QStringLiteral("callsRangeComboBox"));
    for (Range range : {Range::Today, Range::Last7Days, Range::ThisMonth, Range::LastMonth, Range::Last90Days,
                        Range::AllTime, Range::Custom})
        m_range->addItem(QString(), int(range));
    m_from = new QDateEdit(this);
    m_from->setObjectName(QStringLiteral("callsFromDateEdit"));
    m_from->setCalendarPopup(true);
    m_to = new QDateEdit(this);
    m_to->setObjectName(QStringLiteral("callsToDateEdit"));
    m_to->setCalendarPopup(true);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("callsCountLabel"));
    auto *rangeLabel = new QLabel(this);
    rangeLabel->setBuddy(m_range);
    row2->addWidget(rangeLabel);
    row2->addWidget(m_range);
    row2->addWidget(m_from);
    row2->addWidget(new QLabel(QStringLiteral("–"), this));
    row2->addWidget(m_to);
    // Days are the workspace's billing zone's, as in every report: name it.
    auto *zoneLabel = new QLabel(this);
    zoneLabel->setObjectName(QStringLiteral("callsZoneLabel"));
    zoneLabel->setForegroundRole(QPalette::PlaceholderText);
    row2->addWidget(zoneLabel);
    row2->addStretch(1);
    row2->addWidget(m_count);
    layout->addLayout(row2);
    m_error = new InlineError(this);
    m_error->setObjectName(QStringLiteral("callsFilterErrorLabel"));
    layout->addWidget(m_error);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("callsTableView"));
    Tables::configure(m_table, QStringLiteral("calls"));
    m_model = new CallsTableModel(workspace.database(), this);
    m_model->setObjectName(QStringLiteral("callsTableModel"));
    m_table->setModel(m_model);
    m_table->horizontalHeader()->setSortIndicator(int(Column::Started), Qt::DescendingOrder);
    // Recordings: counted and shown only to those who may listen (finance never reads them).
    if (workspace.allows(Permission::ListenToRecordings)) {
        m_model->setRecordingScope(workspace.principal().value());
        auto *splitter = new QSplitter(Qt::Vertical, this);
        splitter->setObjectName(QStringLiteral("callsSplitter"));
        splitter->setChildrenCollapsible(false);
        splitter->addWidget(m_table);
        m_recordings = new RecordingsPanel(workspace, splitter);
        splitter->addWidget(m_recordings);
        splitter->setStretchFactor(0, 1);
        layout->addWidget(splitter, 1);
        connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
                [this](const QModelIndex &current) {
                    const CallRow *row = m_model->rowAt(current.row());
                    m_recordings->showCall(row && row->recordings > 0 ? row->callSid : QString());
                });
        connect(m_recordings, &RecordingsPanel::recordingsChanged, m_model, &CallsTableModel::reload);
    } else {
        layout->addWidget(m_table, 1);
    }

    retranslate(this, [this, rangeLabel, zoneLabel] {
        m_company->setToolTip(tr("Company"));
        CompanyFilter::retranslate(m_company);
        m_number->setPlaceholderText(tr("Number (+1 607 695 6082)"));
        m_operator->setPlaceholderText(tr("Operator"));
        setItemTexts(
            m_direction, 0,
            {tr("Both directions"), displayName(Direction::Outbound), displayName(Direction::Inbound)});
        setItemTexts(m_range, 0,
                     {tr("Today"), tr("Last 7 days"), tr("This month"), tr("Last month"), tr("Last 90 days"),
                      tr("All time"), tr("Custom dates")});
        const QString zone = DisplayZone::current().id();
        zoneLabel->setText(tr("(%1)").arg(zone));
        m_from->setToolTip(tr("From (inclusive, days in %1, the workspace's billing time zone)").arg(zone));
        m_to->setToolTip(tr("To (inclusive, days in %1, the workspace's billing time zone)").arg(zone));
        rangeLabel->setText(tr("&Period:"));
    });
    connect(&workspace, &Workspace::billingZoneChanged, this, [this, zoneLabel] {
        zoneLabel->setText(tr("(%1)").arg(DisplayZone::current().id()));
        applyRange();
    });
    onLanguageChange(this, [this] {
        ItemModels::announceRetranslation(*m_model);
        if (m_model->isLoading())
            m_count->setText(tr("Loading…"));
        else
            updateCount();
    });

    connect(m_model, &CallsTableModel::loaded, this, [this] { Tables::fitColumnsOnce(m_table); });
    connect(m_model, &CallsTableModel::totalCountChanged, this, &CallsView::updateCount);
    connect(m_model, &CallsTableModel::loadingChanged, this, [this](bool loading) {
        if (loading)
            m_count->setText(tr("Loading…"));
        else
            updateCount();
    });
    connect(m_model, &CallsTableModel::loadFailed, this, [this](const QString &message) { error(message); });
    connect(&workspace, &Workspace::dataChanged, this, [this] {
        if (m_activated)
            m_model->refresh();
    });

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &CallsView::applyFilter);
    for (QLineEdit *edit : {m_number, m_operator}) {
        connect(edit, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
        connect(edit, &QLineEdit::returnPressed, this, &CallsView::applyFilter);
    }
    connect(m_company, &QComboBox::currentIndexChanged, this, &CallsView::applyFilter);
    connect(m_direction, &QComboBox::currentIndexChanged, this, &CallsView::applyFilter);
    connect(m_range, &QComboBox::currentIndexChanged, this, &CallsView::applyRange);
    for (QDateEdit *edit : {m_from, m_to})
        connect(edit, &QDateEdit::dateChanged, this, [this] {
            if (m_range->currentData().toInt() == int(Range::Custom))
                m_debounce.start();
        });
    m_range->setCurrentIndex(m_range->findData(int(Range::Last7Days)));
    applyRange();
}

QIcon CallsView::icon() const {
    return Icons::get(QStringLiteral("calls"), QStringLiteral("call-start"));
}

void CallsView::activated() {
    m_activated = true;
    m_table->setFocus();
}

void CallsView::refresh() {
    CompanyFilter::reload(m_company, m_workspace.database());
    m_model->reload();
}

void CallsView::focusFilter() {
    m_number->setFocus(Qt::ShortcutFocusReason);
    m_number->selectAll();
}

void CallsView::showCompany(qint64 companyId) {
    CompanyFilter::reload(m_company, m_workspace.database());
    const int index = m_company->findData(companyId);
    if (index >= 0)
        m_company->setCurrentIndex(index);
    if (m_range->currentData().toInt() == int(Range::Today) ||
        m_range->currentData().toInt() == int(Range::Last7Days))
        m_range->setCurrentIndex(m_range->findData(int(Range::Last90Days)));
    applyFilter();
}

void CallsView::applyRange() {
    const auto range = Range(m_range->currentData().toInt());
    const QDate today = DisplayZone::current().date(Clock::nowSecs());
    const bool custom = range == Range::Custom;
    m_from->setEnabled(custom);
    m_to->setEnabled(custom);
    const QSignalBlocker b1(m_from);
    const QSignalBlocker b2(m_to);
    switch (range) {
    case Range::Today:
        m_from->setDate(today);
        m_to->setDate(today);
        break;
    case Range::Last7Days:
        m_from->setDate(today.addDays(-6));
        m_to->setDate(today);
        break;
    case Range::ThisMonth:
        m_from->setDate(QDate(today.year(), today.month(), 1));
        m_to->setDate(today);
        break;
    case Range::LastMonth: {
        const QDate first = QDate(today.year(), today.month(), 1).addMonths(-1);
        m_from->setDate(first);
        m_to->setDate(first.addMonths(1).addDays(-1));
        break;
    }
    case Range::Last90Days:
        m_from->setDate(today.addDays(-89));
        m_to->setDate(today);
        break;
    case Range::AllTime:
    case Range::Custom:
        break;
    }
    applyFilter();
}

std::optional<CallFilter> CallsView::currentFilter() {
    CallFilter filter;
    if (m_company->currentData().isValid())
        filter.companyId = m_company->currentData().toLongLong();
    const QString number = m_number->text().trimmed();
    if (!number.isEmpty()) {
        const auto normalized = PhoneNumber::normalize(number);
        if (!normalized) {
            m_error->showError(
                tr("“%1” is not a complete number: type + then the country code and number.").arg(number));
            return std::nullopt;
        }
        filter.e164 = *normalized;
    }
    filter.operatorId = m_operator->text().trimmed();
    filter.direction = directionFromString(m_direction->currentData().toString());
    if (Range(m_range->currentData().toInt()) != Range::AllTime) {
        if (m_to->date() < m_from->date()) {
            m_error->showError(
                tr("The period ends before it starts: pick a “to” date on or after the “from” date."));
            return std::nullopt;
        }
        const BillingZone zone = DisplayZone::current();
        filter.fromSecs = zone.startOf(m_from->date());
        filter.toSecs = zone.startOf(m_to->date().addDays(1));
    }
    m_error->clearMessage();
    return filter;
}

void CallsView::applyFilter() {
    m_debounce.stop();
    if (const auto filter = currentFilter())
        m_model->setFilter(*filter);
}

void CallsView::updateCount() {
    const qint64 total = m_model->totalCount();
    m_count->setText(total < 0
                         ? tr("Counting…")
                         : tr("%Ln call(s)", nullptr, static_cast<int>(std::min<qint64>(total, INT_MAX))));
}

void CallsView::exportCsv() {
    const CallFilter filter = m_model->filter();
    CallHistory::ExportOptions base;
    base.sort = m_model->callSort();
    base.order = m_model->sortOrder();
    QString name = QStringLiteral("calls");
    if (filter.companyId)
        name += QStringLiteral("-") +
                m_company->currentText().simplified().replace(QLatin1Char(' '), QLatin1Char('_'));
    ExportFlow::exportWith(this, m_workspace, name,
                           [filter, base](Database &db, QIODevice &device, CsvWriter::Options options,
                                          const std::function<void(qint64, qint64)> &progress,
                                          const std::atomic<bool> *cancel) {
                               CallHistory::ExportOptions opts = base;
                               opts.csv = options;
                               return CallHistory::exportCsv(db, filter, device, opts, progress, cancel);
                           });
}

} // namespace PoolDesk::Ui
