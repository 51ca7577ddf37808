#include "pool/Numbers.h"

#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "pool/NumberHistory.h"
#include "pool/Tariffs.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace PoolDesk {

namespace {

const QString SelectColumns = QStringLiteral(
    "SELECT n.id, n.e164, n.environment, n.twilio_sid, n.dedicated_company_id, c.name, n.status, "
    "n.active_calls, "
    "n.total_calls, n.total_minutes, n.last_used_at, n.bought_at, n.monthly_price_micros, "
    "n.missing_from_twilio, "
    "n.voice_url FROM phone_numbers n LEFT JOIN companies c ON c.id = n.dedicated_company_id ");

PoolNumber numberFrom(const QSqlQuery &query) {
    PoolNumber number;
    number.id = query.value(0).toLongLong();
    number.e164 = query.value(1).toString();
    number.environment = query.value(2).toString();
    number.twilioSid = query.value(3).toString();
    number.dedicatedCompanyId = Sql::optionalInt(query.value(4));
    number.dedicatedCompanyName = query.value(5).toString();
    number.status = numberStatusFromString(query.value(6).toString()).value_or(NumberStatus::Available);
    number.activeCalls = query.value(7).toInt();
    number.totalCalls = query.value(8).toLongLong();
    number.totalMinutes = query.value(9).toLongLong();
    if (!query.value(10).isNull())
        number.lastUsedAt = Clock::fromSecs(query.value(10).toLongLong());
    if (!query.value(11).isNull())
        number.boughtAt = Clock::fromSecs(query.value(11).toLongLong());
    number.monthlyPrice = query.value(12).toLongLong();
    // 1: Twilio no longer lists it; 2: a release to Twilio is under way (see models/twilio).
    number.missingFromTwilio = query.value(13).toInt() == 1;
    number.releasing = query.value(13).toInt() == 2;
    number.voiceUrl = query.value(14).toString();
    return number;
}

QJsonObject toJson(const PoolNumber &number) {
    return {{QStringLiteral("number"), number.e164},
            {QStringLiteral("environment"), number.environment},
            {QStringLiteral("sid"), number.twilioSid},
            {QStringLiteral("dedicated_to"),
             number.dedicatedCompanyName.isEmpty() ? QJsonValue() : QJsonValue(number.dedicatedCompanyName)},
            {QStringLiteral("monthly_price"), Money::toPlainString(number.monthlyPrice)},
            {QStringLiteral("missing_from_twilio"), number.missingFromTwilio},
            {QStringLiteral("releasing"), number.releasing}};
}

Error unknownNumber(const QString &e164, const QString &environment) {
    return makeError(
        Error::Code::NotFound,
        QCoreApplication::translate("Numbers", "The number %1 is not in the %2 pool.").arg(e164, environment),
        QStringLiteral("unknown_number"));
}

Result<QString> validated(const QString &e164) {
    return NumberInput::e164(e164);
}

// A number on a call keeps its holder and its row until the call ends. The check and the change are
// one statement: on PostgreSQL an allocation may commit between our read of the row and our write,
// and the write then re-reads only the row it waited for, not a condition checked earlier.
const QString WhileIdle = QStringLiteral(" AND active_calls = 0");

Error busyNumber(const QString &e164, const QString &what) {
    return makeError(Error::Code::Conflict, what.arg(e164), QStringLiteral("number_busy"));
}

} // namespace

Result<PoolNumber> Numbers::add(const Actor &actor, const NewNumber &input) {
    auto e164 = validated(input.e164);
    if (!e164)
        return e164.error();
    if (auto checked = NumberInput::environment(input.environment); !checked)
        return checked.error();
    if (auto checked = NumberInput::twilioSid(input.twilioSid); !checked)
        return checked.error();
    if (input.monthlyPrice && *input.monthlyPrice < 0)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Numbers", "The monthly price cannot be negative."));

    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    Micros price = 0;
    if (input.monthlyPrice) {
        price = *input.monthlyPrice;
    } else {
        auto tariff = Tariffs::load(m_db);
        if (!tariff)
            return tariff.error();
        price = tariff->numberMonthly;
    }
    const qint64 now = Clock::nowSecs();
    QSqlQuery query(m_db.connection());
    query.prepare(QStringLiteral(
        "INSERT INTO phone_numbers (e164, environment, twilio_sid, friendly_name, dedicated_company_id, "
        "monthly_price_micros, bought_at, voice_url, status_callback_url, created_at, area_code, region) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const PhoneNumber::Geography where = PhoneNumber::geography(e164.value());
    for (const QVariant &value :
         {QVariant(e164.value()), QVariant(input.environment), Sql::nullText(input.twilioSid),
          Sql::nullText(input.friendlyName), Sql::nullable(input.dedicatedTo), QVariant(price),
          QVariant(input.boughtAt.isValid() ? input.boughtAt.toSecsSinceEpoch() : now),
          Sql::nullText(input.voiceUrl), Sql::nullText(input.statusCallbackUrl), QVariant(now),
          Sql::nullText(where.areaCode), Sql::nullText(where.region)})
        query.addBindValue(value);
    if (!query.exec()) {
        // Roll back while the statement still exists: PostgreSQL refuses to free it in an aborted
        // transaction, and Qt would print that on stderr.
        transaction.rollback();
        if (Sql::isUniqueViolation(query))
            return makeError(
                Error::Code::Conflict,
                QCoreApplication::translate("Numbers", "The number %1 is already in the %2 pool.")
                    .arg(e164.value(), input.environment),
                QStringLiteral("duplicate_number"));
        return Sql::storageError(query);
    }
    auto added = find(e164.value(), input.environment);
    if (!added)
        return added.error();
    if (auto recorded = recordChange(NumberHistory::Event::Added, added.value(),
                                     added->boughtAt.isValid() ? added->boughtAt.toSecsSinceEpoch() : now);
        !recorded)
        return recorded.error();
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("number.add"), added->e164,
                                       added->dedicatedCompanyId, {}, toJson(added.value()));
        !audited)
        return audited.error();
    ChangeWatcher::notify(m_db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return added;
}

Result<QList<PoolNumber>> Numbers::list(const NumberFilter &filter) {
    QString where = QStringLiteral("WHERE 1 = 1");
    QVariantList bindings;
    if (!filter.environment.isEmpty()) {
        where += QStringLiteral(" AND n.environment = ?");
        bindings.append(filter.environment);
    }
    if (filter.status) {
        where += QStringLiteral(" AND n.status = ?");
        bindings.append(toString(*filter.status));
    }
    if (filter.held)
        where += QStringLiteral(" AND n.status IN ('reserved', 'in_use')");
    if (filter.companyId) {
        where += QStringLiteral(" AND n.dedicated_company_id = ?");
        bindings.append(*filter.companyId);
    }
    if (!filter.text.isEmpty()) {
        where += QStringLiteral(" AND (n.e164 LIKE ? OR c.name LIKE ?)");
        const QString pattern = QLatin1Char('%') + filter.text + QLatin1Char('%');
        bindings.append(pattern);
        bindings.append(pattern);
    }
    auto query =
        Sql::exec(m_db.connection(),
                  SelectColumns + where + QStringLiteral(" ORDER BY n.environment, n.e164"), bindings);
    if (!query)
        return query.error();
    QList<PoolNumber> numbers;
    while (query.value().next())
        numbers.append(numberFrom(query.value()));
    return numbers;
}

Result<PoolNumber> Numbers::find(const QString &e164, const QString &environment) {
    auto normalized = validated(e164);
    if (!normalized)
        return normalized.error();
    auto query =
        Sql::exec(m_db.connection(), SelectColumns + QStringLiteral("WHERE n.e164 = ? AND n.environment = ?"),
                  {normalized.value(), environment});
    if (!query)
        return query.error();
    if (!query.value().next())
        return unknownNumber(normalized.value(), environment);
    return numberFrom(query.value());
}

Status Numbers::remove(const Actor &actor, const QString &e164, const QString &environment) {
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    auto number = find(e164, environment);
    if (!number)
        return number.error();
    const QString busy =
        QCoreApplication::translate("Numbers", "%1 is holding a call. Remove it after the call ends.");
    if (number->activeCalls > 0)
        return busyNumber(number->e164, busy);
    // Call history keeps the number's text; the row itself goes, and its history says when.
    auto done = Sql::exec(m_db.connection(),
                          QStringLiteral("DELETE FROM phone_numbers WHERE id = ?") + WhileIdle, {number->id});
    if (!done)
        return done.error();
    if (done.value().numRowsAffected() < 1)
        return busyNumber(number->e164, busy);
    if (auto recorded = recordChange(NumberHistory::Event::Removed, number.value(), Clock::nowSecs());
        !recorded)
        return recorded;
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("number.remove"), number->e164,
                                       number->dedicatedCompanyId, toJson(number.value()), {});
        !audited)
        return audited;
    ChangeWatcher::notify(m_db);
    return transaction.commit();
}

Result<PoolNumber> Numbers::assign(const Actor &actor, const QString &e164, const QString &environment,
                                   const QString &companyName) {
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto number = find(e164, environment);
    if (!number)
        return number.error();
    auto company =
        Sql::exec(m_db.connection(), QStringLiteral("SELECT id, name FROM companies WHERE name = ?"),
                  {companyName.trimmed()});
    if (!company)
        return company.error();
    if (!company.value().next())
        return makeError(Error::Code::NotFound,
                         QCoreApplication::translate("Numbers", "There is no company named \"%1\".")
                             .arg(companyName.trimmed()),
                         QStringLiteral("unknown_company"));
    const qint64 companyId = company.value().value(0).toLongLong();
    const QString busy = QCoreApplication::translate(
        "Numbers", "%1 is holding a call. Change its assignment after the call ends.");
    if (number->activeCalls > 0)
        return busyNumber(number->e164, busy);
    auto done = Sql::exec(m_db.connection(),
                          QStringLiteral("UPDATE phone_numbers SET dedicated_company_id = ? WHERE id = ?") +
                              WhileIdle,
                          {companyId, number->id});
    if (!done)
        return done.error();
    if (done.value().numRowsAffected() < 1)
        return busyNumber(number->e164, busy);
    auto after = find(e164, environment);
    if (!after)
        return after.error();
    if (number->dedicatedCompanyId != after->dedicatedCompanyId)
        if (auto recorded = recordChange(NumberHistory::Event::Dedicated, after.value(), Clock::nowSecs());
            !recorded)
            return recorded.error();
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("number.assign"), after->e164, companyId,
                                       toJson(number.value()), toJson(after.value()));
        !audited)
        return audited.error();
    ChangeWatcher::notify(m_db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return after;
}

Result<PoolNumber> Numbers::unassign(const Actor &actor, const QString &e164, const QString &environment) {
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto number = find(e164, environment);
    if (!number)
        return number.error();
    const QString busy = QCoreApplication::translate(
        "Numbers", "%1 is holding a call. Change its assignment after the call ends.");
    if (number->activeCalls > 0)
        return busyNumber(number->e164, busy);
    auto done = Sql::exec(
        m_db.connection(),
        QStringLiteral("UPDATE phone_numbers SET dedicated_company_id = NULL WHERE id = ?") + WhileIdle,
        {number->id});
    if (!done)
        return done.error();
    if (done.value().numRowsAffected() < 1)
        return busyNumber(number->e164, busy);
    auto after = find(e164, environment);
    if (!after)
        return after.error();
    if (number->dedicatedCompanyId)
        if (auto recorded = recordChange(NumberHistory::Event::Shared, after.value(), Clock::nowSecs());
            !recorded)
            return recorded.error();
    if (auto audited =
            AuditLog::write(m_db, actor, QStringLiteral("number.unassign"), after->e164,
                            number->dedicatedCompanyId, toJson(number.value()), toJson(after.value()));
        !audited)
        return audited.error();
    ChangeWatcher::notify(m_db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return after;
}

Status Numbers::rest(const Actor &actor, const QString &e164, const QString &environment,
                     const QDateTime &until, const QString &reason, const QJsonObject &figures) {
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    auto number = find(e164, environment);
    if (!number)
        return number.error();
    auto before = Sql::exec(
        m_db.connection(),
        QStringLiteral("SELECT resting_until, rest_reason FROM phone_numbers WHERE id = ?"), {number->id});
    if (!before)
        return before.error();
    before.value().next();
    const QJsonObject was{{QStringLiteral("resting_until"), before.value().value(0).toLongLong()},
                          {QStringLiteral("reason"), before.value().value(1).toString()}};
    const qint64 untilSecs = until.isValid() ? until.toSecsSinceEpoch() : 0;
    if (auto done =
            Sql::exec(m_db.connection(),
                      QStringLiteral("UPDATE phone_numbers SET resting_until = ?, rest_reason = ? "
                                     "WHERE id = ?"),
                      {until.isValid() ? QVariant(untilSecs) : QVariant(QMetaType(QMetaType::LongLong)),
                       Sql::nullText(reason), number->id});
        !done)
        return done.error();
    QJsonObject now{{QStringLiteral("resting_until"), untilSecs}, {QStringLiteral("reason"), reason}};
    if (!figures.isEmpty())
        now.insert(QStringLiteral("figures"), figures);
    if (auto audited = AuditLog::write(m_db, actor,
                                       until > Clock::nowUtc() ? QStringLiteral("number.rest")
                                                               : QStringLiteral("number.unrest"),
                                       number->e164, number->dedicatedCompanyId, was, now);
        !audited)
        return audited;
    ChangeWatcher::notify(m_db);
    return transaction.commit();
}

// The rest ends now rather than being forgotten: the health review counts calls after it.
Status Numbers::unrest(const Actor &actor, const QString &e164, const QString &environment) {
    return rest(actor, e164, environment, Clock::nowUtc(), QString());
}

Result<PoolNumber> Numbers::updateTwilioFacts(const Actor &actor, const QString &e164,
                                              const QString &environment, const QString &twilioSid,
                                              const QString &friendlyName, const QString &voiceUrl,
                                              const QString &statusCallbackUrl, bool missingFromTwilio) {
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto number = find(e164, environment);
    if (!number)
        return number.error();
    if (auto done = Sql::exec(
            m_db.connection(),
            QStringLiteral("UPDATE phone_numbers SET twilio_sid = ?, friendly_name = ?, voice_url = ?, "
                           "status_callback_url = ?, "
                           // A release under way keeps its mark until it settles.
                           "missing_from_twilio = CASE WHEN missing_from_twilio = 2 THEN 2 ELSE ? END "
                           "WHERE id = ?"),
            {Sql::nullText(twilioSid), Sql::nullText(friendlyName), Sql::nullText(voiceUrl),
             Sql::nullText(statusCallbackUrl), missingFromTwilio ? 1 : 0, number->id});
        !done)
        return done.error();
    auto after = find(e164, environment);
    if (!after)
        return after.error();
    QJsonObject before = toJson(number.value());
    before.insert(QStringLiteral("voice_url"), number->voiceUrl);
    QJsonObject now = toJson(after.value());
    now.insert(QStringLiteral("voice_url"), after->voiceUrl);
    if (before != now) {
        if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("number.update_twilio"), after->e164,
                                           after->dedicatedCompanyId, before, now);
            !audited)
            return audited.error();
        ChangeWatcher::notify(m_db);
    }
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return after;
}

Status Numbers::recordChange(NumberHistory::Event event, const PoolNumber &number, qint64 at) {
    NumberHistory::Change change;
    change.event = event;
    change.numberId = number.id;
    change.e164 = number.e164;
    change.environment = number.environment;
    change.companyId = event == NumberHistory::Event::Shared ? std::nullopt : number.dedicatedCompanyId;
    change.monthlyPrice = number.monthlyPrice;
    change.addedAt = number.boughtAt.isValid() ? number.boughtAt.toSecsSinceEpoch() : at;
    change.at = at;
    return NumberHistory::record(m_db, change);
}

} // namespace PoolDesk
