#include "twilio/SyncCallsOperation.h"

#include "domain/Clock.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"
#include "twilio/TwilioApi.h"
#include "twilio/TwilioClient.h"

#include <QJsonObject>

namespace PoolDesk::Twilio {

namespace {
const QString Calls = QStringLiteral("calls");
const QString Recordings = QStringLiteral("recordings");
} // namespace

SyncCallsOperation::SyncCallsOperation(OperationContext context, std::optional<QDate> since, QObject *parent)
    : Operation(std::move(context), parent)
    , m_requestedSince(since) {}

SyncCallsOperation::~SyncCallsOperation() = default;

Result<SyncCallsOperation::SyncState> SyncCallsOperation::loadState(const QString &resource) {
    auto query =
        Sql::exec(db().connection(),
                  QStringLiteral("SELECT next_page_uri, since, high_water FROM twilio_sync_state WHERE "
                                 "environment = ? AND resource = ?"),
                  {m_context.profile.name, resource});
    if (!query)
        return query.error();
    SyncState state;
    if (query.value().next()) {
        state.nextPageUri = query.value().value(0).toString();
        state.since = Sql::optionalInt(query.value().value(1));
        state.highWater = Sql::optionalInt(query.value().value(2));
    }
    return state;
}

Status SyncCallsOperation::saveState(const QString &resource, const QString &nextPageUri,
                                     std::optional<qint64> since, std::optional<qint64> highWater,
                                     int items) {
    auto done = Sql::exec(
        db().connection(),
        QStringLiteral(
            "INSERT INTO twilio_sync_state (environment, resource, next_page_uri, since, high_water, "
            "synced_items, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (environment, resource) "
            "DO UPDATE SET next_page_uri = excluded.next_page_uri, since = excluded.since, "
            "high_water = COALESCE(excluded.high_water, twilio_sync_state.high_water), "
            "synced_items = twilio_sync_state.synced_items + excluded.synced_items, "
            "updated_at = excluded.updated_at"),
        {m_context.profile.name, resource, Sql::nullText(nextPageUri), Sql::nullable(since),
         Sql::nullable(highWater), items, Clock::nowSecs()});
    if (!done)
        return done.error();
    return success();
}

void SyncCallsOperation::run() {
    m_ingest = std::make_unique<CallIngest>(db(), m_context.profile.name);
    if (auto prepared = m_ingest->prepare(); !prepared)
        return finish(prepared);
    syncCalls();
}

void SyncCallsOperation::syncCalls() {
    auto state = loadState(Calls);
    if (!state)
        return finish(state.error());
    QUrl first;
    if (m_requestedSince)
        m_sinceSecs = QDateTime(*m_requestedSince, QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    else if (state->since)
        m_sinceSecs = *state->since;
    else if (state->highWater)
        m_sinceSecs = *state->highWater;
    // Resume an interrupted sync when it was for the same starting day.
    if (!state->nextPageUri.isEmpty() && (!m_requestedSince || state->since == m_sinceSecs)) {
        first = client().resolve(state->nextPageUri);
        m_summary.resumed = true;
    } else {
        const QDate since = m_sinceSecs ? Clock::fromSecs(m_sinceSecs).date() : QDate();
        first = Api::callsUrl(client(), since);
    }
    m_summary.since = m_sinceSecs ? Clock::fromSecs(m_sinceSecs).date() : QDate();
    report(0, 0,
           m_summary.resumed ? tr("Resuming the interrupted call sync…")
                             : tr("Fetching calls since %1…")
                                   .arg(m_summary.since.isValid() ? m_summary.since.toString(Qt::ISODate)
                                                                  : tr("the beginning")));
    client().fetchPages(
        first, QStringLiteral("calls"), this,
        [this](const QJsonArray &items, const QJsonObject &page) {
            if (isCancelled())
                return false;
            // Pages are stored in batches (one short transaction each, never held across a network
            // wait); the cursor commits with its batch, so an interruption resumes after it.
            m_buffer.append(items);
            m_bufferedCalls += int(items.size());
            m_bufferNext = page.value(QStringLiteral("next_page_uri")).toString();
            ++m_summary.pages;
            if (m_bufferedCalls >= BatchCalls) {
                if (auto flushed = flushCalls(); !flushed) {
                    m_pageError = flushed.error();
                    return false;
                }
            }
            return true;
        },
        [this](Status done) {
            // Whatever was read before a failure or a cancel is kept.
            if (auto flushed = flushCalls(); !flushed && !m_pageError)
                m_pageError = flushed.error();
            if (m_pageError)
                return finish(*m_pageError);
            if (stopIfCancelled())
                return;
            if (!done)
                return finish(done);
            // Next time start one day before the newest finished call, and never after a call that
            // was still under way (it is taken when it ends). Repeats are harmless: idempotent by SID.
            qint64 highWater =
                m_summary.calls.newestFinalStart ? m_summary.calls.newestFinalStart - 86400 : m_sinceSecs;
            if (m_summary.calls.oldestPendingStart)
                highWater = std::min(highWater, m_summary.calls.oldestPendingStart - 86400);
            highWater = std::max<qint64>(highWater, 0);
            if (auto saved = saveState(Calls, {}, std::nullopt,
                                       highWater ? std::optional(highWater) : std::nullopt, 0);
                !saved)
                return finish(saved);
            syncRecordings();
        });
}

Status SyncCallsOperation::flushCalls() {
    if (m_buffer.isEmpty())
        return success();
    Transaction transaction(db());
    if (auto begun = transaction.begin(); !begun)
        return begun;
    IngestStats &total = m_summary.calls;
    for (const QJsonArray &items : std::as_const(m_buffer)) {
        auto stats = m_ingest->ingest(items);
        if (!stats)
            return stats.error();
        total.added += stats->added;
        total.matched += stats->matched;
        total.priced += stats->priced;
        total.unchanged += stats->unchanged;
        total.pending += stats->pending;
        total.newestFinalStart = std::max(total.newestFinalStart, stats->newestFinalStart);
        if (stats->oldestPendingStart &&
            (!total.oldestPendingStart || stats->oldestPendingStart < total.oldestPendingStart))
            total.oldestPendingStart = stats->oldestPendingStart;
    }
    if (auto saved =
            saveState(Calls, m_bufferNext, m_sinceSecs ? std::optional<qint64>(m_sinceSecs) : std::nullopt,
                      std::nullopt, m_bufferedCalls);
        !saved)
        return saved;
    if (auto committed = transaction.commit(); !committed)
        return committed;
    m_buffer.clear();
    m_bufferedCalls = 0;
    const int read = total.added + total.matched + total.priced + total.unchanged + total.pending;
    report(read, 0, tr("%n call(s) read, %1 new", nullptr, read).arg(total.added));
    return success();
}

void SyncCallsOperation::syncRecordings() {
    auto state = loadState(Recordings);
    if (!state)
        return finish(state.error());
    QUrl first;
    if (!state->nextPageUri.isEmpty() && !m_requestedSince) {
        first = client().resolve(state->nextPageUri);
    } else {
        const qint64 since = m_requestedSince ? m_sinceSecs : state->highWater.value_or(m_sinceSecs);
        first = Api::recordingsUrl(client(), since ? Clock::fromSecs(since).date() : QDate());
    }
    report(0, 0, tr("Fetching recording metadata…"));
    auto newest = std::make_shared<qint64>(0);
    client().fetchPages(
        first, QStringLiteral("recordings"), this,
        [this, newest](const QJsonArray &items, const QJsonObject &page) {
            if (isCancelled())
                return false;
            for (const QJsonValue &item : items)
                *newest = std::max(
                    *newest, Json::parseDate(item.toObject().value(QStringLiteral("date_created")).toString())
                                 .toSecsSinceEpoch());
            if (auto stored = storeRecordings(items, page.value(QStringLiteral("next_page_uri")).toString());
                !stored) {
                m_pageError = stored.error();
                return false;
            }
            return true;
        },
        [this, newest](Status done) {
            if (m_pageError)
                return finish(*m_pageError);
            if (stopIfCancelled())
                return;
            if (!done)
                return finish(done);
            const std::optional<qint64> highWater =
                *newest > 86400 ? std::optional<qint64>(*newest - 86400) : std::nullopt;
            finish(saveState(Recordings, {}, std::nullopt, highWater, 0));
        });
}

Status SyncCallsOperation::storeRecordings(const QJsonArray &items, const QString &nextPageUri) {
    Transaction transaction(db());
    if (auto begun = transaction.begin(); !begun)
        return begun;
    QSqlQuery upsert(db().connection());
    if (!upsert.prepare(
            QStringLiteral("INSERT INTO call_recordings (sid, call_sid, environment, status, "
                           "duration_seconds, channels, media_url, "
                           "created_at, price_micros, price_unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
                           "CONFLICT (sid) DO UPDATE "
                           "SET status = excluded.status, duration_seconds = excluded.duration_seconds, "
                           "price_micros = COALESCE(excluded.price_micros, call_recordings.price_micros), "
                           "price_unit = excluded.price_unit")))
        return Sql::storageError(upsert);
    for (const QJsonValue &item : items) {
        const RecordingInfo r = Json::recording(item.toObject());
        if (r.sid.isEmpty())
            continue;
        if (auto ran = Sql::run(upsert, {r.sid, Sql::nullText(r.callSid), m_context.profile.name, r.status,
                                         r.durationSeconds, r.channels, r.mediaUrl,
                                         r.dateCreated.isValid() ? QVariant(r.dateCreated.toSecsSinceEpoch())
                                                                 : QVariant(QMetaType(QMetaType::LongLong)),
                                         Sql::nullable(r.price), r.priceUnit});
            !ran)
            return ran;
        ++m_summary.recordings;
    }
    if (auto saved = saveState(Recordings, nextPageUri, std::nullopt, std::nullopt, int(items.size()));
        !saved)
        return saved;
    return transaction.commit();
}

} // namespace PoolDesk::Twilio
