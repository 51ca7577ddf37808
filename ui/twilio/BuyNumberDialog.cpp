#include "twilio/BuyNumberDialog.h"

#include "Workspace.h"
#include "common/InlineError.h"
#include "common/MessageBox.h"
#include "pool/Tariffs.h"
#include "storage/Settings.h"
#include "twilio/NumberOperations.h"
#include "twilio/TwilioActions.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

BuyNumberDialog::BuyNumberDialog(Workspace &workspace, TwilioActions &actions, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_actions(actions)
    , m_country(new QLineEdit(
          Settings::value(workspace.database(), SettingKeys::Country, QStringLiteral("US")), this))
    , m_areaCode(new QLineEdit(this))
    , m_contains(new QLineEdit(this))
    , m_tollFree(new QCheckBox(tr("&Toll-free"), this))
    , m_searchButton(new QPushButton(tr("&Search"), this))
    , m_results(new QListWidget(this))
    , m_buyButton(new QPushButton(tr("&Buy Selected…"), this))
    , m_message(new InlineError(this)) {
    setWindowTitle(tr("Buy a number (%1)").arg(workspace.environment()));
    setObjectName(QStringLiteral("buyNumberDialog"));
    m_country->setObjectName(QStringLiteral("countryEdit"));
    m_country->setMaxLength(2);
    m_areaCode->setObjectName(QStringLiteral("areaCodeEdit"));
    m_areaCode->setPlaceholderText(tr("e.g. 607"));
    m_contains->setObjectName(QStringLiteral("containsEdit"));
    m_tollFree->setObjectName(QStringLiteral("tollFreeCheckBox"));
    m_searchButton->setObjectName(QStringLiteral("searchNumbersButton"));
    m_searchButton->setDefault(true);
    m_results->setObjectName(QStringLiteral("availableNumbersList"));
    m_buyButton->setObjectName(QStringLiteral("buyNumberButton"));
    m_buyButton->setEnabled(false);
    auto form = new QFormLayout;
    form->addRow(tr("&Country:"), m_country);
    form->addRow(tr("&Area code:"), m_areaCode);
    form->addRow(tr("C&ontains:"), m_contains);
    form->addRow(QString(), m_tollFree);
    auto layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_searchButton);
    layout->addWidget(m_results, 1);
    layout->addWidget(m_message);
    auto buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_buyButton, QDialogButtonBox::ActionRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_searchButton, &QPushButton::clicked, this, &BuyNumberDialog::search);
    connect(m_buyButton, &QPushButton::clicked, this, &BuyNumberDialog::buySelected);
    connect(m_results, &QListWidget::itemSelectionChanged, this,
            [this] { m_buyButton->setEnabled(!m_results->selectedItems().isEmpty()); });
    connect(m_results, &QListWidget::itemActivated, this, &BuyNumberDialog::buySelected);
    resize(480, 480);
}

void BuyNumberDialog::search() {
    Twilio::SearchQuery query;
    query.country = m_country->text().trimmed().toUpper();
    query.areaCode = m_areaCode->text().trimmed();
    query.contains = m_contains->text().trimmed();
    query.tollFree = m_tollFree->isChecked();
    m_message->showHint(tr("Searching…"));
    m_searchButton->setEnabled(false);
    m_actions.withContext(
        m_workspace.environment(), this, [this, query](Result<Twilio::OperationContext> context) {
            if (!context) {
                m_searchButton->setEnabled(true);
                return m_message->showError(context.error().message);
            }
            auto op = new Twilio::SearchNumbersOperation(context.value(), query, this);
            connect(op, &Twilio::Operation::finished, this, [this, op, query](bool ok) {
                op->deleteLater();
                m_searchButton->setEnabled(true);
                m_results->clear();
                if (!ok)
                    return m_message->showError(op->error()->message);
                auto tariff = Tariffs::load(m_workspace.database(), query.country);
                const Micros monthly = tariff ? tariff->numberMonthly : 0;
                for (const auto &n : op->results()) {
                    auto item =
                        new QListWidgetItem(tr("%1   %2, %3   %4/month")
                                                .arg(n.e164, n.locality, n.region, Money::format(monthly)),
                                            m_results);
                    item->setData(Qt::UserRole, n.e164);
                }
                if (op->results().isEmpty())
                    m_message->showHint(tr("No numbers match; try another area code or clear \"contains\"."));
                else
                    m_message->clearMessage();
            });
            op->start();
        });
}

void BuyNumberDialog::buySelected() {
    auto items = m_results->selectedItems();
    if (items.isEmpty())
        return;
    QListWidgetItem *item = items.first();
    const QString e164 = item->data(Qt::UserRole).toString();
    auto tariff = Tariffs::load(m_workspace.database(), m_country->text().trimmed().toUpper());
    if (!MessageBox::confirm(
            this, tr("Buy %1?").arg(e164),
            tr("Buy %1 for the %2 environment? It costs %3 a month, charged on this day each month.")
                .arg(e164, m_workspace.environment(), Money::format(tariff ? tariff->numberMonthly : 0)),
            tr("Buy Number")))
        return;
    m_actions.runOperation(
        tr("Buy %1").arg(e164),
        [e164](Twilio::OperationContext c) {
            return new Twilio::BuyNumberOperation(std::move(c), e164, QStringLiteral("manual (console)"));
        },
        [](Twilio::Operation &op) {
            const PoolNumber &n = static_cast<Twilio::BuyNumberOperation &>(op).number();
            return tr("Bought %1 (%2); it is in the %3 pool.").arg(n.e164, n.twilioSid, n.environment);
        },
        [self = QPointer<BuyNumberDialog>(this), row = m_results->row(item)](bool ok, Twilio::Operation &op) {
            if (!self || ok || op.error()->reason != Twilio::Reason::NumberTaken)
                return;
            BuyNumberDialog *d = self.data();
            // Taken meanwhile: drop it and offer the next one.
            delete d->m_results->takeItem(row);
            if (d->m_results->count() > 0) {
                d->m_results->setCurrentRow(std::min(row, d->m_results->count() - 1));
                d->m_message->showError(
                    tr("That number was taken by someone else meanwhile; the next one is selected."));
            } else {
                d->m_message->showError(tr("That number was taken meanwhile; search again."));
            }
        });
}

} // namespace PoolDesk::Ui
