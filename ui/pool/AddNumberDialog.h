#pragma once

#include "domain/Types.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

namespace PoolDesk::Ui {

class InlineError;
class Workspace;

// Adds a number the company already owns at Twilio to the pool: shared, or dedicated to a
// company. The number is checked and normalised to E.164 as it is typed.
class AddNumberDialog final : public QDialog {
    Q_OBJECT
public:
    explicit AddNumberDialog(Workspace &workspace, QWidget *parent = nullptr);
    PoolNumber number() const { return m_number; }
    void accept() override;

private:
    void updatePreview();

    Workspace &m_workspace;
    QLineEdit *m_e164 = nullptr;
    QLabel *m_preview = nullptr;
    QComboBox *m_environment = nullptr;
    QComboBox *m_company = nullptr;
    QLineEdit *m_sid = nullptr;
    QLineEdit *m_price = nullptr;
    InlineError *m_error = nullptr;
    PoolNumber m_number;
};

// Picks the company a number is dedicated to.
class AssignNumberDialog final : public QDialog {
    Q_OBJECT
public:
    AssignNumberDialog(Workspace &workspace, const QString &e164, const QString &environment,
                       QWidget *parent = nullptr);
    void accept() override;

private:
    Workspace &m_workspace;
    QString m_e164;
    QString m_environment;
    QComboBox *m_company = nullptr;
    InlineError *m_error = nullptr;
};

} // namespace PoolDesk::Ui
