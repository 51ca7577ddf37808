#pragma once

#include "domain/Result.h"

#include <QGroupBox>

class QCheckBox;
class QSpinBox;
class QTimeEdit;

namespace PoolDesk::Ui {

class Workspace;

// Settings ▸ Caller ID: the caller policy (CallerPolicy), the same keys `pooldeskctl policy` sets.
// The Settings view loads and saves it with its other sections.
class CallerIdSection final : public QGroupBox {
    Q_OBJECT
public:
    explicit CallerIdSection(Workspace &workspace, QWidget *parent = nullptr);

    void load();
    // Stores the keys that changed, each audited; the number stored, or the first refusal.
    Result<int> save();

signals:
    void edited();

private:
    void updateHours();

    Workspace &m_workspace;
    QSpinBox *m_sticky = nullptr;
    QCheckBox *m_local = nullptr;
    QCheckBox *m_hoursOn = nullptr;
    QTimeEdit *m_hoursFrom = nullptr;
    QTimeEdit *m_hoursTo = nullptr;
    QSpinBox *m_dailyCap = nullptr;
    QSpinBox *m_hourlyCap = nullptr;
    QSpinBox *m_gap = nullptr;
    QSpinBox *m_warmup = nullptr;
    QSpinBox *m_rest = nullptr;
    QSpinBox *m_cooldown = nullptr;
    QHash<QString, QString> m_stored;
};

} // namespace PoolDesk::Ui
