#pragma once

#include "twilio/CallIngest.h"
#include "twilio/Operation.h"

#include <QDate>
#include <QJsonArray>
#include <QList>

#include <memory>

namespace PoolDesk::Twilio {

struct SyncSummary {
    IngestStats calls;
    int pages = 0;
    int recordings = 0;
    bool resumed = false; // continued an interrupted sync from its saved page
    QDate since;          // the first day asked for
};

// Syncs the environment's call history (Calls.json) into call records and usage, then the
// recording metadata of those calls. Incremental: starts from the last sync's high-water mark
// (or `since`). Resumable: each page is stored in one transaction together with the address of
// the next page, so an interrupted sync continues where it stopped. Idempotent by call SID.
class SyncCallsOperation final : public Operation {
    Q_OBJECT
public:
    SyncCallsOperation(OperationContext context, std::optional<QDate> since, QObject *parent = nullptr);
    ~SyncCallsOperation() override;
    const SyncSummary &summary() const { return m_summary; }

protected:
    void run() override;

private:
    struct SyncState {
        QString nextPageUri;
        std::optional<qint64> since;
        std::optional<qint64> highWater;
    };
    Result<SyncState> loadState(const QString &resource);
    Status saveState(const QString &resource, const QString &nextPageUri, std::optional<qint64> since,
                     std::optional<qint64> highWater, int items);
    void syncCalls();
    void syncRecordings();
    Status flushCalls();
    Status storeRecordings(const QJsonArray &items, const QString &nextPageUri);

    std::optional<QDate> m_requestedSince;
    std::unique_ptr<CallIngest> m_ingest;
    SyncSummary m_summary;
    qint64 m_sinceSecs = 0;
    std::optional<Error> m_pageError;
    static constexpr int BatchCalls = 5000;
    QList<QJsonArray> m_buffer;
    int m_bufferedCalls = 0;
    QString m_bufferNext;
};

} // namespace PoolDesk::Twilio
