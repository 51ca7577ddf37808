#include "credentials/SecretStore.h"

#include <QCoreApplication>
#include <QLibrary>
#include <QLoggingCategory>
#include <QTimer>

#include <memory>
#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcSecrets, "pooldesk.credentials.secrets", QtWarningMsg)

namespace PoolDesk {

namespace {

Error keychainError(QKeychain::Error code, const QString &detail, const QString &key) {
    switch (code) {
    case QKeychain::EntryNotFound:
        return makeError(Error::Code::NotFound,
                         QCoreApplication::translate(
                             "SecretStore",
                             "No secret is stored in the system keychain under \"%1\". Store it with "
                             "`pooldeskctl env set-secret ENV` or in the console's environment settings.")
                             .arg(key),
                         QStringLiteral("secret_not_found"));
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return makeError(
            Error::Code::Unavailable,
            QCoreApplication::translate(
                "SecretStore",
                "No system keychain is available (on Linux: a Secret Service such as GNOME Keyring "
                "or KWallet, reached over the D-Bus session bus). Start one and log in to it, or for "
                "automation set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and "
                "TWILIO_API_SECRET). Details: %1")
                .arg(detail),
            QStringLiteral("keychain_unavailable"));
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return makeError(Error::Code::Unavailable,
                         QCoreApplication::translate(
                             "SecretStore",
                             "The system keychain refused access (it may be locked, or the unlock was "
                             "cancelled). Unlock it and try again. Details: %1")
                             .arg(detail),
                         QStringLiteral("keychain_denied"));
    default:
        return makeError(
            Error::Code::Unavailable,
            QCoreApplication::translate(
                "SecretStore", "The system keychain failed: %1. Check that it is running and unlocked.")
                .arg(detail),
            QStringLiteral("keychain_failed"));
    }
}

// Runs one job with a deadline; `finish` is called exactly once (unless the context died).
void runJob(QKeychain::Job *job, int timeoutMs, QObject *context,
            std::function<void(QKeychain::Job *job, bool timedOut)> finish) {
    auto done = std::make_shared<bool>(false);
    QPointer<QObject> guard(context);
    auto timer = new QTimer(job);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, job, [=] {
        if (*done)
            return;
        *done = true;
        qCWarning(lcSecrets) << "keychain did not answer within" << timeoutMs << "ms";
        if (guard)
            finish(job, true);
    });
    QObject::connect(job, &QKeychain::Job::finished, job, [=](QKeychain::Job *finished) {
        timer->stop();
        if (*done)
            return;
        *done = true;
        if (guard)
            finish(finished, false);
    });
    timer->start(timeoutMs);
    job->start();
}

Error timeoutError(int timeoutMs) {
    return makeError(
        Error::Code::Unavailable,
        QCoreApplication::translate(
            "SecretStore",
            "The system keychain did not answer within %1 seconds. It is probably locked and waiting "
            "for its password: unlock it (for example by logging in to the desktop session) and try "
            "again.")
            .arg(timeoutMs / 1000.0, 0, 'f', 1),
        QStringLiteral("keychain_timeout"));
}

} // namespace

SecretStore::SecretStore(QObject *parent)
    : QObject(parent) {}

void SecretStore::read(const QString &key, QObject *context, std::function<void(Result<QString>)> done) {
    auto job = new QKeychain::ReadPasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    const int timeoutMs = m_timeoutMs;
    runJob(job, timeoutMs, context, [key, done, timeoutMs](QKeychain::Job *j, bool timedOut) {
        if (timedOut)
            return done(timeoutError(timeoutMs));
        if (j->error() != QKeychain::NoError)
            return done(keychainError(j->error(), j->errorString(), key));
        const QString secret = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
        if (secret.isEmpty())
            return done(keychainError(QKeychain::EntryNotFound, {}, key));
        done(secret);
    });
}

void SecretStore::write(const QString &key, const QString &secret, QObject *context,
                        std::function<void(Status)> done) {
    auto job = new QKeychain::WritePasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(secret);
    const int timeoutMs = m_timeoutMs;
    runJob(job, timeoutMs, context, [key, done, timeoutMs](QKeychain::Job *j, bool timedOut) {
        if (timedOut)
            return done(timeoutError(timeoutMs));
        if (j->error() != QKeychain::NoError)
            return done(keychainError(j->error(), j->errorString(), key));
        qCInfo(lcSecrets) << "stored a secret under" << key;
        done(success());
    });
}

void SecretStore::remove(const QString &key, QObject *context, std::function<void(Status)> done) {
    auto job = new QKeychain::DeletePasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    const int timeoutMs = m_timeoutMs;
    runJob(job, timeoutMs, context, [key, done, timeoutMs](QKeychain::Job *j, bool timedOut) {
        if (timedOut)
            return done(timeoutError(timeoutMs));
        if (j->error() != QKeychain::NoError && j->error() != QKeychain::EntryNotFound)
            return done(keychainError(j->error(), j->errorString(), key));
        done(success());
    });
}

QString SecretStore::backendDescription() {
#if defined(Q_OS_WIN)
    return QStringLiteral("Windows Credential Manager");
#elif defined(Q_OS_MACOS)
    return QStringLiteral("macOS Keychain");
#else
    QLibrary libsecret(QStringLiteral("secret-1"), 0);
    const bool haveLibsecret = libsecret.load();
    if (haveLibsecret)
        libsecret.unload();
    const bool haveBus = !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
    return QStringLiteral("%1, %2").arg(
        haveLibsecret ? QStringLiteral("Secret Service through libsecret")
                      : QStringLiteral("KWallet or GNOME Keyring over D-Bus (libsecret not found)"),
        haveBus ? QStringLiteral("D-Bus session bus present") : QStringLiteral("no D-Bus session bus"));
#endif
}

} // namespace PoolDesk
