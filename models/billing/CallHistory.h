#pragma once

#include "billing/CsvWriter.h"
#include "domain/Result.h"
#include "domain/Types.h"

#include <QIODevice>
#include <QList>
#include <QVariant>

#include <atomic>
#include <functional>
#include <optional>

namespace PoolDesk {

class Database;

// What part of the call history to show or export. Every condition is applied in SQL.
struct CallFilter {
    std::optional<qint64> companyId;
    QString e164;       // exact E.164 number (normalised by the caller); empty: all
    QString operatorId; // exact operator key; empty: all
    std::optional<Direction> direction;
    std::optional<qint64> fromSecs; // started at or after (UTC seconds)
    std::optional<qint64> toSecs;   // started before (UTC seconds)
    QString environment;            // empty: all

    bool operator==(const CallFilter &other) const = default;
};

// The orders the call history can be read in. Each one is an index range scan (migration 004),
// read in pages by keyset (the last row's sort key), so page N costs what page 1 costs.
enum class CallSort {
    StartedAt,   // (started_at, id)
    Company,     // company name, then started_at: walks companies in name order
    Number,      // (e164, started_at, id)
    Operator,    // (operator, started_at, id)
    Direction,   // (direction, started_at, id)
    Duration,    // (duration_seconds, id); billed minutes follow the same order
    Cost,        // (estimated_cost_micros, id)
    TwilioPrice, // (COALESCE(twilio_price_micros, -1), id): not yet priced first
    Environment, // (environment, started_at, id)
};

struct CallRow {
    qint64 id = 0;
    qint64 startedAt = 0; // UTC seconds
    qint64 endedAt = 0;
    std::optional<qint64> companyId;
    QString companyName;
    std::optional<qint64> numberId;
    QString e164;
    QString operatorId;
    Direction direction = Direction::Outbound;
    qint64 durationSeconds = 0;
    qint64 billedMinutes = 0;
    Micros estimatedCost = 0;
    std::optional<Micros> twilioPrice;
    QString environment;
    QString session;
    QString callSid;
    int recordings = 0; // filled in only for those who may listen (CallsTableModel)
};

// How a page was read (CallHistory.cpp explains the costs). A filtered page whose order's index does
// not narrow the filter has three ways on SQLite; everything else is one query the planner reads.
enum class PageRead {
    Planner,   // one query (PostgreSQL, or the order's index narrows the filter, or the company order)
    Sort,      // the filter's index, then every matching row sorted
    Walk,      // the order's index, each row checked against the filter, for a bounded number of rows
    Intersect, // the matching ids from the filter's index, then the order's index (index only) kept to them
};

// Where the next page starts: the sort key of the last row read, and for the company order the
// position in the list of companies. The way the first page chose to read a filtered order is kept
// for the next ones: it depends only on how many calls match, which the first page counted.
struct CallCursor {
    bool atStart = true;
    QVariantList key; // the last row's sort key values, then its id
    int companyIndex = 0;
    std::optional<PageRead> chosenRead;
    qint64 chosenWalkBudget = 0;
};

struct CallPage {
    QList<CallRow> rows;
    qint64 lastId = 0; // for live refresh: the newest record's id, read before the rows
    CallCursor next;
    bool atEnd = false;
    PageRead readBy = PageRead::Planner;
};

// Leave the default to page(): it chooses per page. Tests force a way (a walk that runs out of
// rows continues by Intersect) and a small walk budget so that every way returns the same pages.
struct PagePlan {
    std::optional<PageRead> force;
    qint64 walkBudget = 0; // rows of the order's index a walk may pass; 0: chosen from the filter
    // Intersect through SQLite's C API where it is available (CallHistory.cpp); false: in SQL.
    bool native = true;
};

namespace CallHistory {

// Reads up to `limit` rows after `cursor` in the given order.
Result<CallPage> page(Database &db, const CallFilter &filter, CallSort sort, Qt::SortOrder order,
                      const CallCursor &cursor, int limit, const PagePlan &plan = {});
// The newest call record's id (0 when none): where a live refresh starts.
Result<qint64> lastId(Database &db);
// Calls recorded after `afterId`, whatever their start, in id order (live refresh): a long call is
// recorded when it ends, after shorter ones that started later, and a sync adds calls of any age.
Result<QList<CallRow>> addedAfter(Database &db, const CallFilter &filter, qint64 afterId, int limit);
Result<qint64> count(Database &db, const CallFilter &filter);

struct CallSummary {
    qint64 calls = 0;
    qint64 billedMinutes = 0;
    qint64 durationSeconds = 0;
    Micros cost = 0; // Twilio's price where reported, the estimate otherwise
    Micros estimated = 0;
    qint64 twilioPricedCalls = 0;
};
Result<CallSummary> summary(Database &db, const CallFilter &filter);

// The CSV columns, translated, in the order export() writes them.
QStringList csvHeader();

struct ExportOptions {
    CsvWriter::Options csv;
    CallSort sort = CallSort::StartedAt;
    Qt::SortOrder order = Qt::DescendingOrder;
    int pageSize = 20000; // rows per page (Qt path) and between progress reports
    // Automatic reads SQLite through its C API (several times faster) and other engines through
    // Qt's SQL layer; Qt forces the latter (tests compare the two).
    enum class Reader { Automatic, Qt };
    Reader reader = Reader::Automatic;
};
// Writes the filtered history as CSV straight from SQL (never through a view's pages).
// progress(rowsWritten, totalRows) is called after each page (totalRows -1 when unknown);
// `cancel` is polled between pages: a cancelled export returns Error::Code::Cancelled.
Result<qint64> exportCsv(Database &db, const CallFilter &filter, QIODevice &device,
                         const ExportOptions &options,
                         const std::function<void(qint64, qint64)> &progress = {},
                         const std::atomic<bool> *cancel = nullptr);

} // namespace CallHistory
} // namespace PoolDesk
