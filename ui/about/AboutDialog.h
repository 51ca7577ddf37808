#pragma once

#include <QDialog>

class QPlainTextEdit;

namespace PoolDesk::Ui {

// Help ▸ About PoolDesk: the version and revision, the licence, the third-party software and the
// system information a bug report needs, with a button that copies it.
class AboutDialog final : public QDialog {
    Q_OBJECT
public:
    // `database` is shown (without its password) among the system information.
    explicit AboutDialog(const QString &database, QWidget *parent = nullptr);

    QString systemInformation() const;

private:
    QPlainTextEdit *m_system;
};

} // namespace PoolDesk::Ui
