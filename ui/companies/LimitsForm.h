#pragma once

#include "domain/Result.h"
#include "domain/Types.h"

#include <QWidget>

class QLineEdit;
class QFormLayout;

namespace PoolDesk::Ui {

// The company limits as text fields; empty means "no limit". Reading checks only the
// syntax (a whole number, an amount); the rules themselves are Companies::validateLimits'.
class LimitsForm final : public QWidget {
    Q_OBJECT
public:
    explicit LimitsForm(QWidget *parent = nullptr);

    void setLimits(const CompanyLimits &limits);
    // Shown, not edited (a role that may read limits but not change them).
    void setReadOnly(bool readOnly);
    // The limits as typed, or an error naming the field and what to type.
    Result<CompanyLimits> limits() const;
    QFormLayout *formLayout() const { return m_layout; }
    QLineEdit *maxConcurrentEdit() const { return m_maxConcurrent; }

signals:
    void edited();

private:
    QFormLayout *m_layout = nullptr;
    QLineEdit *m_maxConcurrent = nullptr;
    QLineEdit *m_monthlyMinutes = nullptr;
    QLineEdit *m_monthlyBudget = nullptr;
    QLineEdit *m_allocationsPerSecond = nullptr;
    QLineEdit *m_allocationBurst = nullptr;
};

// Plan names for combo boxes, in a fixed order.
QList<Plan> allPlans();

} // namespace PoolDesk::Ui
