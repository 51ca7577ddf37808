#pragma once

#include "domain/Result.h"
#include "pool/Tariffs.h"

#include <QHash>
#include <QJsonArray>
#include <QSqlQuery>
#include <QString>

#include <optional>

namespace PoolDesk {
class Database;
}

namespace PoolDesk::Twilio {

struct IngestStats {
    int added = 0;  // calls not seen before: a call record, and usage counted
    int priced = 0; // known calls whose Twilio price arrived now
    int unchanged = 0;
    int pending = 0;             // calls still under way: taken on a later sync
    qint64 newestFinalStart = 0; // epoch seconds, 0 when none
    qint64 oldestPendingStart = 0;
};

// Stores pages of Twilio's Calls.json into call_records, idempotent by call SID: a known call only
// gets Twilio's price when it arrives; a new one adds its record and counts its usage (the number's
// totals, and the month's usage of the company the number is dedicated to). Calls still under way
// are left for a later sync. Call ingest() inside a transaction; one CallIngest per connection.
class CallIngest final {
public:
    CallIngest(Database &db, QString environment);
    Status prepare();
    Result<IngestStats> ingest(const QJsonArray &calls);

private:
    struct NumberInfo {
        qint64 id = 0;
        qint64 companyId = 0; // the company it is dedicated to; 0 when shared
    };
    Database &m_db;
    QString m_environment;
    Tariff m_tariff;
    QHash<QString, NumberInfo> m_numbers;
    QSqlQuery m_insert;
    QSqlQuery m_price;
    QSqlQuery m_numberUsage;
    QSqlQuery m_companyUsage;
};

} // namespace PoolDesk::Twilio
