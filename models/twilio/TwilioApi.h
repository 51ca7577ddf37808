#pragma once

#include "twilio/TwilioClient.h"
#include "twilio/TwilioTypes.h"

#include <QList>

#include <functional>
#include <optional>

namespace PoolDesk::Twilio {

struct SearchQuery {
    QString country = QStringLiteral("US"); // ISO 3166-1 alpha-2
    QString areaCode;
    QString contains;
    bool tollFree = false;
    int limit = 20;
};

struct Purchase {
    IncomingNumber number;
    // The POST failed unclearly and a check found the number on the account afterwards.
    bool confirmedAfterUnclearFailure = false;
};

struct VoicePrices {
    QString country;
    std::optional<Micros> outboundPerMinute; // the lowest "current_price" of the outbound prefix prices
    std::optional<Micros> inboundLocalPerMinute;
    std::optional<Micros> numberMonthlyLocal;
    QString priceUnit;
};

// Typed calls on Twilio's API. Each calls `done` once unless `context` is destroyed first.
namespace Api {

void fetchAccount(Client &client, QObject *context, std::function<void(Result<AccountInfo>)> done);

// The account's number with this E.164 value, if it owns it.
void findIncomingNumber(Client &client, const QString &e164, QObject *context,
                        std::function<void(Result<std::optional<IncomingNumber>>)> done);

// Every page of IncomingPhoneNumbers.json.
void listIncomingNumbers(Client &client, QObject *context,
                         std::function<bool(const QList<IncomingNumber> &page)> onPage,
                         std::function<void(Status)> done);

void searchAvailable(Client &client, const SearchQuery &query, QObject *context,
                     std::function<void(Result<QList<AvailableNumber>>)> done);

// Buys one specific number. Never sent twice blindly: when the POST fails unclearly (timeout,
// 5xx, dropped connection, cut-off answer) the account is checked for the number first, and the
// purchase is repeated at most once, only when the check shows the number is not on the account.
void buyNumber(Client &client, const QString &e164, const QUrl &voiceUrl, const QUrl &statusCallback,
               const QString &friendlyName, QObject *context, std::function<void(Result<Purchase>)> done);

// Points a number's voice URL and status callback at the given addresses (idempotent POST).
void updateWebhooks(Client &client, const QString &numberSid, const QUrl &voiceUrl,
                    const QUrl &statusCallback, QObject *context,
                    std::function<void(Result<IncomingNumber>)> done);

// Releases a number (DELETE). A number Twilio no longer knows counts as released (alreadyGone).
void releaseNumber(Client &client, const QString &numberSid, QObject *context,
                   std::function<void(Result<bool /*alreadyGone*/>)> done);

// Calls.json from `since` (StartTime>=, a date), or the stored cursor when resuming.
QUrl callsUrl(Client &client, const QDate &since, int pageSize = 1000);
QUrl recordingsUrl(Client &client, const QDate &since, int pageSize = 1000);

// A recording's audio as WAV, fetched with the account's credentials (Twilio's "HTTP auth on media
// URLs" may be on). The address is built from the recording's SID, never taken from stored data, so
// the credentials cannot be sent elsewhere.
void fetchRecordingMedia(Client &client, const QString &recordingSid, QObject *context,
                         std::function<void(Result<QByteArray>)> done);
// Deletes a recording at Twilio. One Twilio no longer knows counts as deleted (alreadyGone).
void deleteRecording(Client &client, const QString &recordingSid, QObject *context,
                     std::function<void(Result<bool /*alreadyGone*/>)> done);

// The Pricing API: voice per-minute prices and monthly number prices for a country.
void fetchPrices(Client &client, const QString &country, QObject *context,
                 std::function<void(Result<VoicePrices>)> done);

} // namespace Api
} // namespace PoolDesk::Twilio
