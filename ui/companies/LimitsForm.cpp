#include "companies/LimitsForm.h"

#include "common/Format.h"
#include "common/Retranslate.h"

#include <QFormLayout>
#include <QLineEdit>
#include <QLocale>

namespace PoolDesk::Ui {

QList<Plan> allPlans() {
    return {Plan::Standard, Plan::Hybrid, Plan::Enterprise};
}

LimitsForm::LimitsForm(QWidget *parent)
    : QWidget(parent) {
    m_layout = new QFormLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    auto make = [this](const QString &objectName) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(objectName);
        edit->setClearButtonEnabled(true);
        connect(edit, &QLineEdit::textEdited, this, &LimitsForm::edited);
        return edit;
    };
    m_maxConcurrent = make(QStringLiteral("maxConcurrentLineEdit"));
    m_monthlyMinutes = make(QStringLiteral("monthlyMinutesLineEdit"));
    m_monthlyBudget = make(QStringLiteral("monthlyBudgetLineEdit"));
    m_allocationsPerSecond = make(QStringLiteral("allocationsPerSecondLineEdit"));
    m_allocationBurst = make(QStringLiteral("allocationBurstLineEdit"));
    retranslate(this, [this] {
        for (QLineEdit *edit : {m_maxConcurrent, m_monthlyMinutes, m_monthlyBudget, m_allocationsPerSecond})
            edit->setPlaceholderText(tr("No limit"));
        m_allocationBurst->setPlaceholderText(tr("Same as the rate"));
        m_allocationsPerSecond->setToolTip(
            tr("How many numbers the company may be given per second, by every backend and tool "
               "together; more are refused with \"rate limited\". Empty: no limit."));
        m_allocationBurst->setToolTip(
            tr("How many allocations may come at once before the rate applies. Empty: the rate."));
        m_maxConcurrent->setToolTip(
            tr("How many calls the company may have at the same time. Empty: no limit."));
        m_monthlyMinutes->setToolTip(tr("Billed minutes per calendar month (UTC). Empty: no limit."));
        m_monthlyBudget->setToolTip(
            tr("Call charges per calendar month, in US dollars (for example 250.00). Empty: no "
               "limit."));
    });
    addFormRow(
        m_layout, this, [] { return tr("Max concurrent &calls:"); }, m_maxConcurrent);
    addFormRow(
        m_layout, this, [] { return tr("Monthly &minutes:"); }, m_monthlyMinutes);
    addFormRow(
        m_layout, this, [] { return tr("Monthly &budget (USD):"); }, m_monthlyBudget);
    addFormRow(
        m_layout, this, [] { return tr("&Allocations per second:"); }, m_allocationsPerSecond);
    addFormRow(
        m_layout, this, [] { return tr("Allocation b&urst:"); }, m_allocationBurst);
}

void LimitsForm::setLimits(const CompanyLimits &limits) {
    const QLocale locale;
    m_maxConcurrent->setText(limits.maxConcurrentCalls ? QString::number(*limits.maxConcurrentCalls)
                                                       : QString());
    m_monthlyMinutes->setText(limits.monthlyMinutes ? QString::number(*limits.monthlyMinutes) : QString());
    m_monthlyBudget->setText(limits.monthlyBudget ? Money::toPlainString(*limits.monthlyBudget, 2)
                                                  : QString());
    m_allocationsPerSecond->setText(
        limits.allocationsPerSecond ? QString::number(*limits.allocationsPerSecond) : QString());
    m_allocationBurst->setText(limits.allocationBurst ? QString::number(*limits.allocationBurst) : QString());
}

void LimitsForm::setReadOnly(bool readOnly) {
    for (QLineEdit *edit :
         {m_maxConcurrent, m_monthlyMinutes, m_monthlyBudget, m_allocationsPerSecond, m_allocationBurst}) {
        edit->setReadOnly(readOnly);
        edit->setClearButtonEnabled(!readOnly);
    }
}

static std::optional<qint64> parseWhole(QString text, bool *ok) {
    text = text.trimmed();
    text.remove(QLocale().groupSeparator()); // "10,000" where ',' groups digits
    if (text.isEmpty()) {
        *ok = true;
        return std::nullopt;
    }
    const qint64 value = text.toLongLong(ok);
    return *ok ? std::optional<qint64>(value) : std::nullopt;
}

Result<CompanyLimits> LimitsForm::limits() const {
    CompanyLimits limits;
    bool ok = false;
    const auto concurrent = parseWhole(m_maxConcurrent->text(), &ok);
    if (!ok || (concurrent && (*concurrent > std::numeric_limits<int>::max() ||
                               *concurrent < std::numeric_limits<int>::min())))
        return makeError(
            Error::Code::InvalidInput,
            tr("Max concurrent calls must be a whole number (for example 5), or empty for no limit."));
    if (concurrent)
        limits.maxConcurrentCalls = static_cast<int>(*concurrent);
    limits.monthlyMinutes = parseWhole(m_monthlyMinutes->text(), &ok);
    if (!ok)
        return makeError(
            Error::Code::InvalidInput,
            tr("Monthly minutes must be a whole number (for example 10000), or empty for no limit."));
    QString budget = m_monthlyBudget->text().trimmed();
    if (!budget.isEmpty()) {
        // "250.00" always works; "1,250.00" where ',' groups digits; "250,00" where ',' is the
        // decimal point. Anything ambiguous is rejected by parseUsd rather than guessed.
        const QLocale locale;
        if (locale.decimalPoint() == QLatin1String("."))
            budget.remove(QLatin1Char(','));
        else if (!budget.contains(QLatin1Char('.')))
            budget.replace(locale.decimalPoint(), QStringLiteral("."));
        const auto amount = Money::parseUsd(budget);
        if (!amount)
            return makeError(
                Error::Code::InvalidInput,
                tr("Monthly budget must be an amount in US dollars (for example 250 or 250.00), or "
                   "empty for no limit."));
        limits.monthlyBudget = *amount;
    }
    const auto wholeInt = [](const QLineEdit *edit, std::optional<int> *into) {
        bool whole = false;
        const auto value = parseWhole(edit->text(), &whole);
        if (!whole || (value && (*value > std::numeric_limits<int>::max() || *value < 0)))
            return false;
        if (value)
            *into = static_cast<int>(*value);
        return true;
    };
    if (!wholeInt(m_allocationsPerSecond, &limits.allocationsPerSecond))
        return makeError(Error::Code::InvalidInput,
                         tr("Allocations per second must be a whole number (for example 20), or empty for no "
                            "limit."));
    if (!wholeInt(m_allocationBurst, &limits.allocationBurst))
        return makeError(Error::Code::InvalidInput,
                         tr("The allocation burst must be a whole number (for example 40), or empty to "
                            "equal the rate."));
    return limits;
}

} // namespace PoolDesk::Ui
