#pragma once

#include "common/View.h"

#include <QMap>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QVBoxLayout;

namespace PoolDesk::Ui {

class InlineError;

// Pool-wide settings stored in the database (thresholds, concurrency, lease, scaling policy,
// tariffs: every console and pooldeskctl agrees on them, and each change is audited), the user's
// own language, and the sections other modules register (Twilio environments).
class AuditLogSection;
class CallerIdSection;

class SettingsView final : public View {
    Q_OBJECT
public:
    explicit SettingsView(Workspace &workspace, QWidget *parent = nullptr);

    QString title() const override { return tr("Settings"); }
    QIcon icon() const override;
    void refresh() override;
    void activated() override;

    // Saves what changed; returns false (with the reason shown inline) when something is invalid.
    bool save();
    // Shows the Twilio environments page (ui/twilio) in place of the pointer to pooldeskctl.
    void setEnvironmentsPage(QWidget *page);

private:
    QWidget *buildPoolSection();
    CallerIdSection *m_callerId = nullptr; // saved and reverted with the rest
    AuditLogSection *m_auditLog = nullptr; // likewise
    // Greyed out, saying why, for a role that may not change them or a database taking no writes.
    QList<QWidget *> m_editable;
    void updateEditable();
    QWidget *buildPolicySection();
    QWidget *buildTariffSection();
    QWidget *buildLanguageSection();
    QWidget *buildAccessSection(); // who has access, and what file access means on SQLite
    QWidget *buildEnvironmentsSection();
    void markDirty();
    void showTariffSource();

    bool m_loaded = false;
    bool m_loading = false;
    QVBoxLayout *m_sections = nullptr;
    QWidget *m_environmentsBox = nullptr;
    QSpinBox *m_threshold = nullptr;
    QSpinBox *m_concurrency = nullptr;
    QSpinBox *m_lease = nullptr;
    QCheckBox *m_buyWhenExhausted = nullptr;
    QCheckBox *m_buyLocal = nullptr;
    QSpinBox *m_maxPoolSize = nullptr;
    QSpinBox *m_idleDays = nullptr;
    QLineEdit *m_budgetCap = nullptr;
    QLineEdit *m_country = nullptr;
    QLineEdit *m_serviceUrl = nullptr;
    QComboBox *m_billingZone = nullptr;
    QLineEdit *m_numberMonthly = nullptr;
    QLineEdit *m_outbound = nullptr;
    QLineEdit *m_inbound = nullptr;
    QLabel *m_tariffSource = nullptr;
    QString m_tariffSourceKey; // "twilio", "manual" or the defaults
    QComboBox *m_language = nullptr;
    InlineError *m_error = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
    QMap<QString, QString> m_stored; // setting key -> value as loaded
};

} // namespace PoolDesk::Ui
