#pragma once

#include "domain/Result.h"

#include <QGroupBox>
#include <QHash>

class QLabel;
class QPushButton;
class QSpinBox;

namespace PoolDesk {
class SecretStore;
}

namespace PoolDesk::Ui {

class Workspace;

// Settings ▸ Audit Log: the workspace's checkpoint signing key as this computer's keychain holds it
// (its public key and fingerprint, the same `pooldeskctl audit key` prints; an administrator can
// make one), and how often the pool service signs a checkpoint. The Settings view loads and saves
// the two intervals with its other sections.
class AuditLogSection final : public QGroupBox {
    Q_OBJECT
public:
    explicit AuditLogSection(Workspace &workspace, QWidget *parent = nullptr);

    void load();
    Result<int> save();
    QString keyText() const;

signals:
    void edited();
    void keyShown(); // after the keychain answered (tests)

private:
    void readKey(bool create);
    void showKey();

    Workspace &m_workspace;
    SecretStore *m_store = nullptr;
    QLabel *m_key = nullptr;
    QPushButton *m_create = nullptr;
    QPushButton *m_copy = nullptr;
    QSpinBox *m_everyEntries = nullptr;
    QSpinBox *m_everyMinutes = nullptr;
    QString m_fingerprint;
    QString m_publicKey;
    QString m_keyError;
    bool m_noKey = false;
    bool m_reading = false;
    QHash<QString, QString> m_stored;
};

} // namespace PoolDesk::Ui
