#pragma once

#include "domain/BillingZone.h"
#include "domain/Result.h"
#include "pool/Tariffs.h"

#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <map>
#include <memory>
#include <optional>

struct sqlite3_stmt;

namespace PoolDesk {
class Database;
}

namespace PoolDesk::Twilio {

struct IngestStats {
    int added = 0;   // calls not seen before: a call record, and usage counted
    int matched = 0; // calls the pool recorded without their SID: given their SID (and price) instead
    int priced = 0;  // known calls whose Twilio price arrived now
    int unchanged = 0;
    int pending = 0;             // calls still under way: taken on a later sync
    qint64 newestFinalStart = 0; // epoch seconds, 0 when none
    qint64 oldestPendingStart = 0;
};

// Stores pages of Twilio's Calls.json into call_records, idempotent by call SID: a known call only
// gets Twilio's price when it arrives; a new one adds its record and counts its usage (the number's
// totals, and the month's usage of the company the number is dedicated to). A new SID that is a
// call the pool already recorded without its SID (released with no call_sid) is that record: same
// number and direction, a start within MatchStartSeconds and a duration within MatchDurationSeconds
// (the closest start wins); the record gets the SID and price and nothing is counted twice. When a
// price arrives, the month's usage that limits read follows it (Twilio's price replaces the
// estimate). Calls still under way are left for a later sync. Call ingest() inside a transaction;
// one CallIngest per connection.
//
// How rows go in: statements of up to RowsPerStatement calls, INSERT ... ON CONFLICT DO NOTHING
// RETURNING call_sid, prepared once per size; the SIDs returned are the calls that were new (the
// others were stored before, maybe by a concurrent sync). On SQLite the statements run through
// SQLite's C API on the connection's own handle, because QSqlQuery's binding of 1,200 values costs
// more than the insert itself; on PostgreSQL through QSqlQuery (one round trip per 100 calls).
class CallIngest final {
public:
    CallIngest(Database &db, QString environment);
    ~CallIngest();
    Status prepare();
    Result<IngestStats> ingest(const QJsonArray &calls);

    static constexpr int RowsPerStatement = 100;
    static constexpr qint64 MatchStartSeconds = 300;
    static constexpr qint64 MatchDurationSeconds = 5;
    static constexpr int AutoCheckpointPages = 16384; // SQLite, while a CallIngest lives

private:
    struct NumberInfo {
        qint64 id = 0;
        qint64 companyId = 0; // the company it is dedicated to; 0 when shared
    };
    struct Row {
        QString sid;
        QString ours; // our number: the caller of an outbound call, the called of an inbound one
        const NumberInfo *number = nullptr;
        bool outbound = true;
        qint64 start = 0, end = 0, duration = 0, minutes = 0;
        Micros estimate = 0;
        std::optional<Micros> price;
        QString outcome; // Twilio's final status: completed, busy, no-answer, failed, canceled
        int month = 0;   // yyyymm of the start, for the company's monthly usage
    };
    struct NumberTotals {
        qint64 calls = 0, seconds = 0, minutes = 0, lastUsed = 0;
    };
    struct CompanyTotals {
        qint64 calls = 0, minutes = 0, cost = 0;
    };
    struct StatementDeleter {
        void operator()(sqlite3_stmt *statement) const;
    };
    static QString insertSql(int rows);
    Result<QSqlQuery *> insertStatement(int rows);
    Result<sqlite3_stmt *> sqliteStatement(int rows);
    Status insertRows(const Row *rows, int count, QList<bool> &inserted);
    Status insertRowsSqlite(const Row *rows, int count, QList<bool> &inserted);
    // The pool's records without a SID that a call of these rows may be, keyed by number and direction.
    struct Unmatched {
        qint64 id = 0;
        qint64 start = 0;
        qint64 duration = 0;
        bool taken = false;
    };
    Result<QHash<QString, QList<Unmatched>>> unmatchedAround(const QList<Row> &rows);
    static Unmatched *bestMatch(QHash<QString, QList<Unmatched>> &unmatched, const Row &row);
    // Moves Twilio's SID and price onto the pool's record, dropping the row just inserted for it.
    Status adopt(const Row &row, qint64 recordId);
    // Twilio's price for the record `returned` names (if any: false when none): the month's usage
    // of its company follows it.
    Result<bool> chargePrice(QSqlQuery &returned, Micros price);

    Database &m_db;
    QString m_environment;
    // Usage is counted in the billing zone's months; a page's calls mostly share one.
    BillingZone m_zone;
    qint64 m_monthFrom = 0, m_monthTo = 0;
    int m_month = 0; // yyyy * 100 + mm
    int monthNumber(qint64 secs);
    Tariff m_tariff;
    QHash<QString, NumberInfo> m_numbers;
    std::map<int, std::unique_ptr<QSqlQuery>> m_inserts;                            // by rows per statement
    std::map<int, std::unique_ptr<sqlite3_stmt, StatementDeleter>> m_sqliteInserts; // by rows
    bool m_useSqliteApi = false;
    QByteArray m_environmentUtf8;
    int m_savedAutoCheckpoint = -1; // SQLite's setting before prepare(), restored at the end
    QSqlQuery m_price;
    QSqlQuery m_unmatched;
    QSqlQuery m_dropInserted;
    QSqlQuery m_adopt;
    QSqlQuery m_usageCost;
    QSqlQuery m_numberUsage;
    QSqlQuery m_companyUsage;
};

} // namespace PoolDesk::Twilio
