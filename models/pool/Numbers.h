#pragma once

#include "domain/Result.h"
#include "domain/Types.h"
#include "pool/NumberHistory.h"
#include "pool/NumberInput.h"
#include "storage/AuditLog.h"

#include <QList>

namespace PoolDesk {

class Database;

struct NewNumber {
    QString e164;                       // validated and normalised by add()
    QString environment;                // development / production / ...
    QString twilioSid;                  // PN + 32 hex, optional
    QString friendlyName;               // optional
    std::optional<qint64> dedicatedTo;  // company id, or shared when empty
    std::optional<Micros> monthlyPrice; // tariff's number_monthly when empty
    QDateTime boughtAt;                 // now when invalid
    QString voiceUrl;
    QString statusCallbackUrl;
};

struct NumberFilter {
    QString environment; // empty: all
    std::optional<NumberStatus> status;
    std::optional<qint64> companyId; // dedicated to this company
    QString text;                    // substring of the number or the holder
    bool held = false;               // only numbers a company holds: reserved or in use
};

// The pool's numbers: adding, listing, removing, dedicating to a company. Each change is audited
// in its own transaction; numbers that hold a call cannot be removed or reassigned.
class Numbers final {
public:
    explicit Numbers(Database &db)
        : m_db(db) {}

    Result<PoolNumber> add(const Actor &actor, const NewNumber &number);
    Result<QList<PoolNumber>> list(const NumberFilter &filter = {});
    Result<PoolNumber> find(const QString &e164, const QString &environment);
    Status remove(const Actor &actor, const QString &e164, const QString &environment);
    Result<PoolNumber> assign(const Actor &actor, const QString &e164, const QString &environment,
                              const QString &companyName);
    Result<PoolNumber> unassign(const Actor &actor, const QString &e164, const QString &environment);
    // Takes a number out of allocation until `until` (UTC), with the reason shown beside it; a
    // call it holds goes on. unrest returns it at once. Both audited (number.rest, number.unrest).
    // figures: what decided it (an automatic rest's statistics), kept in the audit entry.
    Status rest(const Actor &actor, const QString &e164, const QString &environment, const QDateTime &until,
                const QString &reason, const QJsonObject &figures = {});
    Status unrest(const Actor &actor, const QString &e164, const QString &environment);
    // For the Twilio import and webhook updates: changes recorded Twilio facts (sid, friendly
    // name, webhook URLs, missing flag) without touching allocation state.
    Result<PoolNumber> updateTwilioFacts(const Actor &actor, const QString &e164, const QString &environment,
                                         const QString &twilioSid, const QString &friendlyName,
                                         const QString &voiceUrl, const QString &statusCallbackUrl,
                                         bool missingFromTwilio);

private:
    // Every change of a number's life goes to its history, in the same transaction (billing reads it).
    Status recordChange(NumberHistory::Event event, const PoolNumber &number, qint64 at);
    Database &m_db;
};

} // namespace PoolDesk
