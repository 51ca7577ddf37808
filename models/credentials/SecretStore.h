#pragma once

#include "domain/Result.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace PoolDesk {

// The one owner of secrets: QtKeychain jobs (Secret Service / KWallet on Linux, Keychain on macOS,
// Credential Manager on Windows) under the service name "PoolDesk". Asynchronous: every call
// returns at once and calls back later, on the thread of the store. A keychain that does not
// answer (locked, its unlock prompt unseen) is given up on after timeout() with a clear message,
// so nothing ever hangs. Secrets are never logged.
class SecretStore final : public QObject {
    Q_OBJECT
public:
    explicit SecretStore(QObject *parent = nullptr);

    static QString serviceName() { return QStringLiteral("PoolDesk"); }
    // Which keychain this platform's QtKeychain talks to, for --debug-info and the About dialog.
    // On Linux it says whether libsecret can be loaded and whether a D-Bus session bus is there.
    static QString backendDescription();

    // How long to wait for the keychain; 20 s by default (a person may be typing an unlock password).
    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }
    int timeout() const { return m_timeoutMs; }

    // The callback runs unless `context` was destroyed first.
    void read(const QString &key, QObject *context, std::function<void(Result<QString>)> done);
    void write(const QString &key, const QString &secret, QObject *context, std::function<void(Status)> done);
    // Removing a key that does not exist succeeds.
    void remove(const QString &key, QObject *context, std::function<void(Status)> done);

private:
    int m_timeoutMs = 20000;
};

} // namespace PoolDesk
