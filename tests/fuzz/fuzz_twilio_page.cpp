// A page of Twilio's REST API as the pool reads it: the body is JSON (Client, QJsonDocument), the
// entries are under the list's key (Client::fetchPages), and each entry goes through the reader of
// its list: incoming numbers (Api::listIncomingNumbers), calls (CallIngest, the call sync),
// recordings (SyncCallsOperation) and usage records (ReconcileOperation).
#include "FuzzCheck.h"

#include "domain/Types.h"
#include "twilio/TwilioTypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

using namespace PoolDesk;
using namespace PoolDesk::Twilio;

namespace {

QJsonArray entries(const QJsonObject &page, QLatin1String key) {
    const QJsonValue list = page.value(key);
    return list.isArray() ? list.toArray() : QJsonArray();
}

bool utcOrInvalid(const QDateTime &time) {
    return !time.isValid() || time.timeSpec() == Qt::UTC;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return 0;
    const QJsonObject page = document.object();
    (void)page.value(QLatin1String("next_page_uri")).toString();

    for (const QJsonValue &item : entries(page, QLatin1String("incoming_phone_numbers"))) {
        const IncomingNumber number = Json::incomingNumber(item.toObject());
        FUZZ_CHECK(utcOrInvalid(number.dateCreated));
    }
    for (const QJsonValue &item : entries(page, QLatin1String("calls"))) {
        const QJsonObject o = item.toObject();
        const auto entry = Json::callEntry(o);
        if (!entry)
            continue;
        FUZZ_CHECK(!entry->sid.isEmpty());
        FUZZ_CHECK(entry->duration >= 0 && entry->duration <= MaxCallSeconds);
        FUZZ_CHECK(!entry->price || *entry->price >= 0);
        // The general reader (the contract tests', the benchmark's) agrees with the sync's.
        const CallInfo call = Json::call(o);
        FUZZ_CHECK(call.sid == entry->sid && call.status == entry->status &&
                   call.isOutbound() == entry->outbound && call.price == entry->price);
        FUZZ_CHECK(
            entry->duration == call.durationSeconds ||
            (entry->duration == 0 && (call.durationSeconds < 0 || call.durationSeconds > MaxCallSeconds)));
        FUZZ_CHECK(call.startTime.toSecsSinceEpoch() == entry->start);
        FUZZ_CHECK(entry->ours == (entry->outbound ? call.from : call.to));
    }
    for (const QJsonValue &item : entries(page, QLatin1String("recordings"))) {
        const RecordingInfo recording = Json::recording(item.toObject());
        FUZZ_CHECK(utcOrInvalid(recording.dateCreated));
        FUZZ_CHECK(!recording.price || *recording.price >= 0);
    }
    for (const QJsonValue &item : entries(page, QLatin1String("usage_records"))) {
        const UsageRecord record = Json::usageRecord(item.toObject());
        FUZZ_CHECK(record.price >= 0);
    }
    return 0;
}
