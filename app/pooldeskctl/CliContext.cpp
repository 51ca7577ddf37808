#include "CliContext.h"

#include "storage/Settings.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

namespace PoolDesk {

CliContext::CliContext(QString databaseUrl, QString environment, bool json)
    : m_databaseUrl(std::move(databaseUrl))
    , m_environment(std::move(environment))
    , m_json(json)
    , m_out(stdout)
    , m_err(stderr)
    , m_in(stdin) {}

Result<Database *> CliContext::database() {
    if (!m_db) {
        auto opened = Database::open(m_databaseUrl);
        if (!opened)
            return opened.error();
        m_db = std::move(opened).value();
        // Every time a command prints is in the workspace's billing zone, named.
        DisplayZone::set(Settings::billingZone(*m_db));
    }
    return m_db.get();
}

BillingZone CliContext::zone() {
    return database() ? DisplayZone::current() : BillingZone::utc();
}

Result<Principal> CliContext::principal() {
    if (!m_principal) {
        auto db = database();
        if (!db)
            return db.error();
        auto me = Identity::whoAmI(*db.value());
        if (!me)
            return me.error();
        m_principal = me.value();
    }
    return *m_principal;
}

static QString codeName(Error::Code code) {
    switch (code) {
    case Error::Code::InvalidInput:
        return QStringLiteral("invalid_input");
    case Error::Code::NotFound:
        return QStringLiteral("not_found");
    case Error::Code::Conflict:
        return QStringLiteral("conflict");
    case Error::Code::Refused:
        return QStringLiteral("refused");
    case Error::Code::Storage:
        return QStringLiteral("storage");
    case Error::Code::Network:
        return QStringLiteral("network");
    case Error::Code::Unavailable:
        return QStringLiteral("unavailable");
    case Error::Code::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("error");
}

int CliContext::fail(const Error &error) {
    int exitCode = ExitCode::Failure;
    switch (error.code) {
    case Error::Code::Refused:
        exitCode = ExitCode::Refused;
        break;
    case Error::Code::InvalidInput:
    case Error::Code::NotFound:
    case Error::Code::Conflict:
        exitCode = ExitCode::Usage;
        break;
    default:
        break;
    }
    // A refused allocation names its reason first, so scripts can match it.
    if (error.code == Error::Code::Refused && !error.reason.isEmpty())
        m_err
            << QCoreApplication::translate("pooldeskctl", "refused (%1): %2").arg(error.reason, error.message)
            << Qt::endl;
    else
        m_err << QCoreApplication::translate("pooldeskctl", "error: %1").arg(error.message) << Qt::endl;
    if (m_json) {
        QJsonObject detail{{QStringLiteral("code"), codeName(error.code)},
                           {QStringLiteral("message"), error.message}};
        if (!error.reason.isEmpty())
            detail.insert(QStringLiteral("reason"), error.reason);
        printJson(QJsonObject{{QStringLiteral("error"), detail}});
    }
    return exitCode;
}

int CliContext::usage(const QString &message) {
    m_err << QCoreApplication::translate("pooldeskctl", "usage error: %1").arg(message) << Qt::endl;
    if (m_json)
        printJson(QJsonObject{
            {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), QStringLiteral("usage")},
                                                  {QStringLiteral("message"), message}}}});
    return ExitCode::Usage;
}

void CliContext::printJson(const QJsonObject &object) {
    m_out << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
    m_out.flush();
}

void CliContext::printJson(const QJsonArray &array) {
    m_out << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
    m_out.flush();
}

bool CliContext::confirm(const QString &question) {
    m_err << question << QStringLiteral(" [y/N] ") << Qt::flush;
    const QString answer = m_in.readLine();
    if (answer.isNull())
        return false;
    const QString a = answer.trimmed().toLower();
    return a == QLatin1String("y") || a == QLatin1String("yes");
}

} // namespace PoolDesk
