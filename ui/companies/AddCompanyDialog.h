#pragma once

#include "domain/Types.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLineEdit;

namespace PoolDesk::Ui {

class InlineError;
class LimitsForm;
class Workspace;

// New company: name, plan and limits. Saving goes through Companies::add; a refusal (duplicate
// name, invalid limit) is shown inside the dialog and nothing is saved.
class AddCompanyDialog final : public QDialog {
    Q_OBJECT
public:
    explicit AddCompanyDialog(Workspace &workspace, QWidget *parent = nullptr);
    Company company() const { return m_company; }

    void accept() override;

private:
    Workspace &m_workspace;
    QLineEdit *m_name = nullptr;
    QComboBox *m_plan = nullptr;
    LimitsForm *m_limits = nullptr;
    InlineError *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    Company m_company;
};

} // namespace PoolDesk::Ui
