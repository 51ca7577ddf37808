#pragma once

#include "domain/Money.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace PoolDesk::Twilio {

struct AccountInfo {
    QString sid;
    QString friendlyName;
    QString status; // active, suspended, closed
    QString type;   // Trial, Full
};

struct IncomingNumber {
    QString sid; // PN...
    QString e164;
    QString friendlyName;
    QString voiceUrl;
    QString voiceMethod;
    QString statusCallback;
    QDateTime dateCreated;
};

struct AvailableNumber {
    QString e164;
    QString friendlyName;
    QString locality;
    QString region;
    QString postalCode;
    QString isoCountry;
};

struct CallInfo {
    QString sid;
    QString from;
    QString to;
    QString direction; // inbound, outbound-api, outbound-dial
    QString status;    // queued, ringing, in-progress, completed, busy, failed, no-answer, canceled
    QDateTime startTime;
    QDateTime endTime;
    qint64 durationSeconds = 0;
    std::optional<Micros> price; // positive micro-dollars; empty until Twilio has billed the call
    QString priceUnit;
    QString phoneNumberSid;

    bool isOutbound() const { return direction.startsWith(QLatin1String("outbound")); }
    // Completed, busy, failed, no-answer or canceled: nothing about the call will change.
    bool isFinal() const;
};

struct RecordingInfo {
    QString sid; // RE...
    QString callSid;
    QString status;
    qint64 durationSeconds = 0;
    int channels = 1;
    QString mediaUrl; // without extension: append .mp3 or .wav to download
    QDateTime dateCreated;
    std::optional<Micros> price;
    QString priceUnit;
};

// One entry of a Calls.json page as the call sync (CallIngest) stores it: only the fields it keeps,
// since a sync reads millions of them.
struct CallEntry {
    QString sid;
    QString status; // Twilio's: completed, busy, no-answer, failed, canceled, or still under way
    bool outbound = true;
    QString ours;        // our number: the caller of an outbound call, the called of an inbound one
    qint64 start = 0;    // UTC seconds
    qint64 end = 0;      // end_time, else start + duration
    qint64 duration = 0; // seconds, 0..MaxCallSeconds (0 when Twilio's figure is outside)
    std::optional<Micros> price;
};

// One entry of Usage/Records/Monthly.json: a category of the month's bill.
struct UsageRecord {
    QString category; // "calls-outbound", "calls-inbound", "phonenumbers-local", ...
    qint64 count = 0;
    Micros price = 0; // positive micro-dollars; 0 when Twilio gives none
};

// Each reads one entry of a page that Client::fetchPages fetched. They are pure functions of the
// JSON, safe on any input (tests/fuzz/fuzz_twilio_page.cpp runs them on hostile pages).
namespace Json {
// RFC 2822 ("Fri, 18 Oct 2019 17:02:00 +0000") to UTC; invalid when empty or malformed.
QDateTime parseDate(const QString &text);
// Prices arrive as strings ("-0.01300"), numbers or null: as positive micro-dollars.
std::optional<Micros> parsePrice(const QJsonValue &value);
// Twilio sends some integers as strings ("duration": "42").
qint64 parseInt(const QJsonValue &value);

AccountInfo account(const QJsonObject &o);
IncomingNumber incomingNumber(const QJsonObject &o);
AvailableNumber availableNumber(const QJsonObject &o);
CallInfo call(const QJsonObject &o);
RecordingInfo recording(const QJsonObject &o);
// nullopt without a SID or a readable start time: such an entry cannot be stored.
std::optional<CallEntry> callEntry(const QJsonObject &o);
UsageRecord usageRecord(const QJsonObject &o);
} // namespace Json

} // namespace PoolDesk::Twilio
