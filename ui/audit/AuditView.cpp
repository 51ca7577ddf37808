#include "audit/AuditView.h"

#include "Workspace.h"
#include "common/CompanyFilter.h"
#include "common/Format.h"
#include "common/Icons.h"
#include "common/Retranslate.h"
#include "common/Tables.h"
#include "export/ExportFlow.h"
#include "itemmodels/AuditTableModel.h"
#include "itemmodels/QueryThread.h"
#include "itemmodels/Retranslation.h"
#include "pool/Companies.h"
#include "security/AuditVerification.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

using Column = AuditTableModel::Column;

AuditView::AuditView(Workspace &workspace, QWidget *parent)
    : View(workspace, parent) {
    setObjectName(QStringLiteral("auditView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *verification = new QHBoxLayout;
    m_verdict = new QLabel(this);
    m_verdict->setObjectName(QStringLiteral("auditVerdictLabel"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verify = new QPushButton(this);
    m_verify->setObjectName(QStringLiteral("auditVerifyButton"));
    m_verify->setEnabled(workspace.allows(Permission::ReadEveryCompany));
    connect(m_verify, &QPushButton::clicked, this, &AuditView::verify);
    auto *verifyShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V), this);
    verifyShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(verifyShortcut, &QShortcut::activated, this, [this] {
        if (m_verify->isEnabled())
            verify();
    });
    verification->addWidget(m_verdict, 1);
    verification->addWidget(m_verify);
    layout->addLayout(verification);

    auto *filters = new QHBoxLayout;
    m_actor = new QLineEdit(this);
    m_actor->setObjectName(QStringLiteral("auditActorLineEdit"));
    m_actor->setClearButtonEnabled(true);
    m_action = new QComboBox(this);
    m_action->setObjectName(QStringLiteral("auditActionComboBox"));
    for (const char *prefix :
         {"", "company.", "number.", "settings.", "tariffs.", "environment.", "twilio.", "allocation.",
          "service.", "recording.", "user.", "export.", "report.", "audit."})
        m_action->addItem(QString(), QString::fromLatin1(prefix));
    m_company = new QComboBox(this);
    m_company->setObjectName(QStringLiteral("auditCompanyComboBox"));
    m_company->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    CompanyFilter::reload(m_company, m_workspace.database());
    m_period = new QComboBox(this);
    m_period->setObjectName(QStringLiteral("auditPeriodComboBox"));
    for (int days : {1, 7, 30, 365, 0})
        m_period->addItem(QString(), days);
    m_period->setCurrentIndex(2);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("auditCountLabel"));
    filters->addWidget(m_actor, 1);
    filters->addWidget(m_action);
    filters->addWidget(m_company);
    filters->addWidget(m_period);
    filters->addWidget(m_count);
    layout->addLayout(filters);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("auditTableView"));
    Tables::configure(m_table, QStringLiteral("audit"));
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_model = new AuditTableModel(workspace.database(), this);
    m_model->setObjectName(QStringLiteral("auditTableModel"));
    m_table->setModel(m_model);
    m_table->horizontalHeader()->setSortIndicator(int(Column::Time), Qt::DescendingOrder);
    m_details = new QPlainTextEdit(splitter);
    m_details->setObjectName(QStringLiteral("auditDetailsTextEdit"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    splitter->addWidget(m_table);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    retranslate(this, [this] {
        m_actor->setPlaceholderText(tr("Who (user, service key or policy) (Ctrl+F)"));
        setItemTexts(m_action, 0,
                     {tr("All actions"), tr("Companies"), tr("Numbers"), tr("Settings"), tr("Tariffs"),
                      tr("Environments"), tr("Twilio purchases and releases"), tr("Expired leases"),
                      tr("Service keys"), tr("Call recordings"), tr("Users"), tr("Exports"),
                      tr("Reports run"), tr("Audit log keys")});
        CompanyFilter::retranslate(m_company);
        setItemTexts(m_period, 0,
                     {tr("Last 24 hours"), tr("Last 7 days"), tr("Last 30 days"), tr("Last 365 days"),
                      tr("All time")});
        m_details->setPlaceholderText(tr("Select an entry to see the values before and after the change."));
        m_verify->setText(tr("&Verify the Log"));
        m_verify->setToolTip(m_verify->isEnabled()
                                 ? tr("Check every entry's link and every signed checkpoint (Ctrl+Shift+V).")
                                 : neededRoleText(Permission::ReadEveryCompany));
        showVerdict();
    });
    onLanguageChange(this, [this] {
        ItemModels::announceRetranslation(*m_model);
        if (!m_count->text().isEmpty())
            updateCount();
        showDetails();
    });
    connect(m_model, &AuditTableModel::loaded, this, [this] {
        Tables::fitColumnsOnce(m_table);
        updateCount();
    });
    connect(m_model, &AuditTableModel::loadFailed, this, [this](const QString &message) { error(message); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AuditView::showDetails);
    connect(&workspace, &Workspace::dataChanged, this, [this] {
        if (m_activated)
            m_model->refresh();
    });
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &AuditView::applyFilter);
    connect(m_actor, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    for (QComboBox *combo : {m_action, m_company, m_period})
        connect(combo, &QComboBox::currentIndexChanged, this, &AuditView::applyFilter);
    applyFilter();
}

AuditView::~AuditView() = default;

void AuditView::verify() {
    if (m_verifying)
        return;
    if (!m_verifier)
        m_verifier = new QueryThread(m_workspace.url(), this);
    m_verifying = true;
    m_verify->setEnabled(false);
    showVerdict();
    m_verifier->run<AuditReport>([](Database &db) { return AuditVerification::run(db); },
                                 [this](Result<AuditReport> report) { verificationDone(std::move(report)); });
}

void AuditView::verificationDone(Result<AuditReport> report) {
    m_verifying = false;
    m_verify->setEnabled(true);
    m_verifiedAt = QDateTime::currentSecsSinceEpoch();
    if (report) {
        m_report = std::make_unique<AuditReport>(report.value());
        m_verifyError.reset();
    } else {
        m_report.reset();
        m_verifyError = std::make_unique<QString>(report.error().message);
    }
    showVerdict();
    if (m_report)
        emit verified(m_report->intact());
}

QString AuditView::verdictText() const {
    return m_verdict->text();
}

void AuditView::showVerdict() {
    QPalette palette = m_verdict->palette();
    palette.setColor(QPalette::WindowText, this->palette().color(QPalette::WindowText));
    if (m_verifying) {
        m_verdict->setText(tr("Verifying the audit log…"));
    } else if (m_verifyError) {
        m_verdict->setText(tr("The audit log could not be verified: %1").arg(*m_verifyError));
    } else if (!m_report) {
        m_verdict->setText(m_verify->isEnabled()
                               ? tr("Not verified in this session. Verify the Log checks that no entry was "
                                    "changed, removed or added since it was written.")
                               : tr("Verifying the whole log needs a role that reads every company's "
                                    "entries."));
    } else {
        const QString when = Format::dateTime(QDateTime::fromSecsSinceEpoch(m_verifiedAt, Qt::UTC));
        QStringList lines = m_report->describe();
        if (m_report->intact()) {
            palette.setColor(QPalette::WindowText, QColor(0x1b, 0x7f, 0x3b));
            m_verdict->setText(tr("✔ %1 Checked %2.").arg(lines.join(QLatin1Char(' ')), when));
        } else {
            palette.setColor(QPalette::WindowText, QColor(0xb0, 0x1c, 0x1c));
            constexpr int Shown = 5;
            const int more = int(lines.size()) - Shown;
            if (more > 0) {
                lines = lines.mid(0, Shown);
                lines << tr("…and %n more finding(s).", nullptr, more);
            }
            const int findings = int(m_report->verdict.findings.size());
            m_verdict->setText(
                tr("✖ The audit log was tampered with (%n finding(s), checked %1):", nullptr, findings)
                    .arg(when) +
                QLatin1Char('\n') + lines.join(QLatin1Char('\n')));
        }
    }
    m_verdict->setPalette(palette);
}

QIcon AuditView::iconImage() {
    return Icons::get(QStringLiteral("audit"), QStringLiteral("security-high"));
}

void AuditView::activated() {
    m_activated = true;
    m_model->refresh();
}

void AuditView::refresh() {
    CompanyFilter::reload(m_company, m_workspace.database());
    m_model->refresh();
}

void AuditView::focusFilter() {
    m_actor->setFocus(Qt::ShortcutFocusReason);
    m_actor->selectAll();
}

void AuditView::applyFilter() {
    m_debounce.stop();
    AuditFilter filter;
    filter.actor = m_actor->text().trimmed();
    filter.action = m_action->currentData().toString();
    if (m_company->currentData().isValid())
        filter.companyId = m_company->currentData().toLongLong();
    const int days = m_period->currentData().toInt();
    if (days > 0)
        filter.fromSecs = QDateTime::currentSecsSinceEpoch() - qint64(days) * 86400;
    m_model->setFilter(filter);
}

void AuditView::updateCount() {
    m_count->setText(m_model->canFetchMore({}) ? tr("%1+ entries").arg(Format::integer(m_model->rowCount()))
                                               : tr("%n entry(ies)", nullptr, m_model->rowCount()));
}

void AuditView::showDetails() {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const AuditRow *row = rows.isEmpty() ? nullptr : m_model->rowAt(rows.first().row());
    if (!row) {
        m_details->clear();
        return;
    }
    auto pretty = [](const QString &json) {
        if (json.isEmpty())
            return tr("(nothing)");
        const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
        return doc.isNull() ? json : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
    };
    m_details->setPlainText(tr("%1 — %2 — %3 %4\n\nBefore:\n%5\n\nAfter:\n%6")
                                .arg(Format::dateTime(QDateTime::fromSecsSinceEpoch(row->at, Qt::UTC)),
                                     row->actor, row->action, row->target, pretty(row->beforeJson),
                                     pretty(row->afterJson)));
}

void AuditView::exportCsv() {
    const AuditFilter filter = m_model->filter();
    const Qt::SortOrder order = m_model->sortOrder();
    ExportFlow::exportWith(this, m_workspace, QStringLiteral("audit"),
                           [filter, order](Database &db, QIODevice &device, CsvWriter::Options options,
                                           const std::function<void(qint64, qint64)> &progress,
                                           const std::atomic<bool> *cancel) {
                               return AuditTableModel::exportCsv(db, filter, order, device, options, progress,
                                                                 cancel);
                           });
}

} // namespace PoolDesk::Ui
