#include "credentials/Environments.h"

#include "domain/Clock.h"
#include "domain/Types.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QSqlQuery>

namespace PoolDesk {

namespace {

const QString Columns = QStringLiteral("name, account_sid, api_key_sid, api_base_url, webhook_base_url, "
                                       "voice_path, status_callback_path, updated_at");

EnvironmentProfile fromRow(const QSqlQuery &q) {
    EnvironmentProfile p;
    p.name = q.value(0).toString();
    p.accountSid = q.value(1).toString();
    p.apiKeySid = q.value(2).toString();
    p.apiBaseUrl = QUrl(q.value(3).toString());
    if (p.apiBaseUrl.isEmpty())
        p.apiBaseUrl = EnvironmentProfile::defaultApiBaseUrl();
    p.webhookBaseUrl = QUrl(q.value(4).toString());
    p.voicePath = q.value(5).toString();
    p.statusCallbackPath = q.value(6).toString();
    p.updatedAt = Clock::fromSecs(q.value(7).toLongLong());
    return p;
}

QJsonObject toJson(const EnvironmentProfile &p) {
    return {{QStringLiteral("account_sid"), p.accountSid},
            {QStringLiteral("api_key_sid"), p.apiKeySid},
            {QStringLiteral("api_base_url"), p.apiBaseUrl.toString()},
            {QStringLiteral("webhook_base_url"), p.webhookBaseUrl.toString()},
            {QStringLiteral("voice_path"), p.voicePath},
            {QStringLiteral("status_callback_path"), p.statusCallbackPath}};
}

} // namespace

Result<QList<EnvironmentProfile>> Environments::list() {
    auto query = Sql::exec(m_db.connection(), QStringLiteral("SELECT ") + Columns +
                                                  QStringLiteral(" FROM twilio_environments "
                                                                 "ORDER BY name"));
    if (!query)
        return query.error();
    QList<EnvironmentProfile> list;
    while (query.value().next())
        list.append(fromRow(query.value()));
    return list;
}

Result<EnvironmentProfile> Environments::find(const QString &name) {
    auto query = Sql::exec(m_db.connection(),
                           QStringLiteral("SELECT ") + Columns +
                               QStringLiteral(" FROM twilio_environments WHERE name = ?"),
                           {name});
    if (!query)
        return query.error();
    if (!query.value().next())
        return makeError(Error::Code::NotFound,
                         QCoreApplication::translate("Environments",
                                                     "There is no environment \"%1\". Create it with "
                                                     "`pooldeskctl env set %1 --account-sid AC...`.")
                             .arg(name));
    return fromRow(query.value());
}

Result<EnvironmentProfile> Environments::set(const Actor &actor, const QString &name,
                                             const EnvironmentChange &change) {
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    EnvironmentProfile before;
    bool exists = false;
    if (auto found = find(name); found) {
        before = found.value();
        exists = true;
    } else if (found.error().code != Error::Code::NotFound) {
        return found.error();
    } else {
        before.name = name;
    }
    EnvironmentProfile after = before;
    if (change.accountSid)
        after.accountSid = change.accountSid->trimmed();
    if (change.apiKeySid)
        after.apiKeySid = change.apiKeySid->trimmed();
    if (change.apiBaseUrl)
        after.apiBaseUrl = *change.apiBaseUrl;
    if (change.webhookBaseUrl)
        after.webhookBaseUrl = *change.webhookBaseUrl;
    if (change.voicePath)
        after.voicePath = *change.voicePath;
    if (change.statusCallbackPath)
        after.statusCallbackPath = *change.statusCallbackPath;
    // A trailing slash on the base URLs is noise; store them without.
    for (QUrl *url : {&after.apiBaseUrl, &after.webhookBaseUrl}) {
        QString path = url->path();
        while (path.endsWith(QLatin1Char('/')))
            path.chop(1);
        url->setPath(path);
    }
    if (auto valid = after.validate(); !valid)
        return valid.error();
    after.updatedAt = Clock::nowUtc();

    auto written = Sql::exec(
        m_db.connection(),
        QStringLiteral("INSERT INTO twilio_environments (") + Columns +
            QStringLiteral(
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "account_sid = excluded.account_sid, api_key_sid = excluded.api_key_sid, "
                "api_base_url = excluded.api_base_url, webhook_base_url = excluded.webhook_base_url, "
                "voice_path = excluded.voice_path, status_callback_path = excluded.status_callback_path, "
                "updated_at = excluded.updated_at"),
        {after.name, Sql::nullText(after.accountSid), Sql::nullText(after.apiKeySid),
         after.apiBaseUrl.toString(), Sql::nullText(after.webhookBaseUrl.toString()), after.voicePath,
         after.statusCallbackPath, after.updatedAt.toSecsSinceEpoch()});
    if (!written)
        return written.error();
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("environment.set"), name, std::nullopt,
                                       exists ? toJson(before) : QJsonObject{}, toJson(after));
        !audited)
        return audited.error();
    ChangeWatcher::notify(m_db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return after;
}

} // namespace PoolDesk
