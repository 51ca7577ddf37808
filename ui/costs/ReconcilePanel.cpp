#include "costs/ReconcilePanel.h"

#include "Workspace.h"
#include "common/Format.h"
#include "common/Retranslate.h"
#include "twilio/ReconcileOperation.h"
#include "twilio/TwilioActions.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

ReconcilePanel::ReconcilePanel(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace) {
    setObjectName(QStringLiteral("reconcilePanel"));
    auto *layout = new QVBoxLayout(this);
    m_compare = new QPushButton(this);
    m_compare->setObjectName(QStringLiteral("reconcileCompareButton"));
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("reconcileNoteLabel"));
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_table = new QTableWidget(0, 7, this);
    m_table->setObjectName(QStringLiteral("reconcileTableWidget"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(true);
    auto *top = new QHBoxLayout;
    top->addWidget(m_compare);
    top->addStretch(1);
    layout->addLayout(top);
    layout->addWidget(m_note);
    layout->addWidget(m_table, 1);
    connect(m_compare, &QPushButton::clicked, this, &ReconcilePanel::compare);
    retranslate(this, [this] {
        m_compare->setText(tr("Compare with &Twilio's Bill"));
        m_compare->setToolTip(tr("Reads Twilio's usage records for the month (needs the environment's "
                                 "credentials) and compares them with PoolDesk's figures."));
        m_note->setText(tr("Twilio counts its months in UTC, so this comparison does too, whatever the "
                           "workspace's billing time zone."));
        m_table->setHorizontalHeaderLabels({tr("Category"), tr("PoolDesk count"), tr("PoolDesk amount"),
                                            tr("Twilio count"), tr("Twilio amount"), tr("Difference"),
                                            tr("Why")});
    });
}

void ReconcilePanel::setMonth(const QString &month) {
    if (month == m_month)
        return;
    m_month = month;
    m_table->setRowCount(0);
}

void ReconcilePanel::compare() {
    auto *actions = window()->findChild<TwilioActions *>();
    if (!actions || m_month.isEmpty())
        return;
    const QString month = m_month;
    actions->runOperation(
        tr("Reconcile %1 with Twilio (%2)").arg(month, m_workspace.environment()),
        [month](Twilio::OperationContext context) {
            return new Twilio::ReconcileOperation(std::move(context), month);
        },
        [](Twilio::Operation &op) {
            const auto &lines = static_cast<Twilio::ReconcileOperation &>(op).lines();
            Micros difference = 0;
            for (const Twilio::ReconcileLine &line : lines)
                difference += line.difference();
            return tr("Twilio's records differ from PoolDesk's by %1 in all.")
                .arg(Format::money(difference, 4));
        },
        [this](bool ok, Twilio::Operation &op) {
            if (ok) {
                const auto &lines = static_cast<Twilio::ReconcileOperation &>(op).lines();
                m_table->setRowCount(int(lines.size()));
                for (int r = 0; r < lines.size(); ++r) {
                    const Twilio::ReconcileLine &line = lines.at(r);
                    const QStringList cells{
                        line.twilioCategory,
                        Format::integer(line.poolCount),
                        Format::money(line.poolAmount, 4),
                        line.twilioReported ? Format::integer(line.twilioCount) : QString(),
                        line.twilioReported ? Format::money(line.twilioAmount, 4) : QString(),
                        Format::money(line.difference(), 4),
                        line.explanation()};
                    for (int c = 0; c < cells.size(); ++c) {
                        auto *item = new QTableWidgetItem(cells.at(c));
                        if (c > 0 && c < 6)
                            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                        m_table->setItem(r, c, item);
                    }
                }
                m_table->resizeColumnsToContents();
                m_table->resizeRowsToContents();
            }
            emit compared(ok);
        });
}

} // namespace PoolDesk::Ui
