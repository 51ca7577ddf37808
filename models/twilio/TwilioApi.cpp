#include "twilio/TwilioApi.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QPointer>

#include <memory>

Q_LOGGING_CATEGORY(lcTwilioApi, "pooldesk.twilio.api", QtInfoMsg)

namespace PoolDesk::Twilio::Api {

namespace {

FormFields webhookFields(const QUrl &voiceUrl, const QUrl &statusCallback) {
    FormFields fields;
    if (!voiceUrl.isEmpty()) {
        fields.append({QStringLiteral("VoiceUrl"), voiceUrl.toString(QUrl::FullyEncoded)});
        fields.append({QStringLiteral("VoiceMethod"), QStringLiteral("POST")});
    }
    if (!statusCallback.isEmpty()) {
        fields.append({QStringLiteral("StatusCallback"), statusCallback.toString(QUrl::FullyEncoded)});
        fields.append({QStringLiteral("StatusCallbackMethod"), QStringLiteral("POST")});
    }
    return fields;
}

} // namespace

void fetchAccount(Client &client, QObject *context, std::function<void(Result<AccountInfo>)> done) {
    const QUrl url = client.apiUrl(QStringLiteral("/2010-04-01/Accounts/") + client.credentials().accountSid +
                                   QStringLiteral(".json"));
    client.send({HttpRequest::Method::Get, url, {}, true}, context, [done](Result<HttpResponse> response) {
        if (!response)
            return done(response.error());
        done(Json::account(response.value().body));
    });
}

void findIncomingNumber(Client &client, const QString &e164, QObject *context,
                        std::function<void(Result<std::optional<IncomingNumber>>)> done) {
    const QUrl url = client.accountUrl(QStringLiteral("IncomingPhoneNumbers.json"),
                                       {{QStringLiteral("PhoneNumber"), e164}});
    client.send({HttpRequest::Method::Get, url, {}, true}, context,
                [e164, done](Result<HttpResponse> response) {
                    if (!response)
                        return done(response.error());
                    const QJsonArray list =
                        response.value().body.value(QStringLiteral("incoming_phone_numbers")).toArray();
                    for (const QJsonValue &item : list) {
                        IncomingNumber number = Json::incomingNumber(item.toObject());
                        if (number.e164 == e164)
                            return done(std::optional<IncomingNumber>(number));
                    }
                    done(std::optional<IncomingNumber>());
                });
}

void listIncomingNumbers(Client &client, QObject *context,
                         std::function<bool(const QList<IncomingNumber> &)> onPage,
                         std::function<void(Status)> done) {
    client.fetchPages(
        client.accountUrl(QStringLiteral("IncomingPhoneNumbers.json"),
                          {{QStringLiteral("PageSize"), QStringLiteral("1000")}}),
        QStringLiteral("incoming_phone_numbers"), context,
        [onPage](const QJsonArray &items, const QJsonObject &) {
            QList<IncomingNumber> page;
            page.reserve(items.size());
            for (const QJsonValue &item : items)
                page.append(Json::incomingNumber(item.toObject()));
            return onPage(page);
        },
        std::move(done));
}

void searchAvailable(Client &client, const SearchQuery &query, QObject *context,
                     std::function<void(Result<QList<AvailableNumber>>)> done) {
    FormFields fields;
    if (!query.areaCode.isEmpty())
        fields.append({QStringLiteral("AreaCode"), query.areaCode});
    if (!query.contains.isEmpty())
        fields.append({QStringLiteral("Contains"), query.contains});
    fields.append({QStringLiteral("VoiceEnabled"), QStringLiteral("true")});
    fields.append({QStringLiteral("PageSize"), QString::number(query.limit)});
    const QString kind = query.tollFree ? QStringLiteral("TollFree") : QStringLiteral("Local");
    const QUrl url = client.accountUrl(
        QStringLiteral("AvailablePhoneNumbers/%1/%2.json").arg(query.country.toUpper(), kind), fields);
    client.send({HttpRequest::Method::Get, url, {}, true}, context, [done](Result<HttpResponse> response) {
        if (!response)
            return done(response.error());
        QList<AvailableNumber> list;
        for (const QJsonValue &item :
             response.value().body.value(QStringLiteral("available_phone_numbers")).toArray())
            list.append(Json::availableNumber(item.toObject()));
        done(list);
    });
}

void buyNumber(Client &client, const QString &e164, const QUrl &voiceUrl, const QUrl &statusCallback,
               const QString &friendlyName, QObject *context, std::function<void(Result<Purchase>)> done) {
    FormFields fields{{QStringLiteral("PhoneNumber"), e164}};
    fields.append(webhookFields(voiceUrl, statusCallback));
    if (!friendlyName.isEmpty())
        fields.append({QStringLiteral("FriendlyName"), friendlyName});
    const HttpRequest request{HttpRequest::Method::Post,
                              client.accountUrl(QStringLiteral("IncomingPhoneNumbers.json")), fields, false};

    struct State {
        int sent = 0;
        std::function<void()> post;
        Error firstUnclear;
    };
    auto state = std::make_shared<State>();
    std::weak_ptr<State> weak = state;
    QPointer<Client> self(&client);
    // After an unclear failure: is the number on the account now?
    auto check = [self, e164, context, done](std::shared_ptr<State> s, const Error &why) {
        if (!self)
            return;
        qCInfo(lcTwilioApi) << "purchase outcome unclear; checking the account for the number";
        findIncomingNumber(
            *self, e164, context, [s, why, done, e164](Result<std::optional<IncomingNumber>> found) {
                if (!found)
                    return done(makeError(
                        Error::Code::Network,
                        QCoreApplication::translate(
                            "Twilio",
                            "The purchase of %1 may or may not have gone through (%2), and checking the "
                            "account failed too (%3). Check the Twilio console before trying again.")
                            .arg(e164, why.message, found.error().message),
                        Reason::OutcomeUnknown));
                if (found.value())
                    return done(Purchase{*found.value(), true});
                if (s->sent >= 2)
                    return done(makeError(
                        Error::Code::Network,
                        QCoreApplication::translate(
                            "Twilio",
                            "Buying %1 failed twice without a clear answer (%2); the number is not on "
                            "the account. Try again later.")
                            .arg(e164, why.message),
                        Reason::OutcomeUnknown));
                s->post(); // the number is not ours: one more attempt is safe
            });
    };
    state->post = [self, weak, request, context, done, check] {
        auto s = weak.lock();
        if (!self || !s)
            return;
        ++s->sent;
        self->send(request, context, [s, done, check](Result<HttpResponse> response) {
            if (response)
                return done(Purchase{Json::incomingNumber(response.value().body), false});
            const Error &error = response.error();
            if (error.reason == Reason::OutcomeUnknown)
                return check(s, error);
            // A repeated purchase told "not available" may have lost to our own first attempt.
            if (error.reason == Reason::NumberTaken && s->sent > 1)
                return check(s, error);
            done(error);
        });
    };
    state->post();
}

void updateWebhooks(Client &client, const QString &numberSid, const QUrl &voiceUrl,
                    const QUrl &statusCallback, QObject *context,
                    std::function<void(Result<IncomingNumber>)> done) {
    const HttpRequest request{
        HttpRequest::Method::Post,
        client.accountUrl(QStringLiteral("IncomingPhoneNumbers/%1.json").arg(numberSid)),
        webhookFields(voiceUrl, statusCallback), true};
    client.send(request, context, [done](Result<HttpResponse> response) {
        if (!response)
            return done(response.error());
        done(Json::incomingNumber(response.value().body));
    });
}

namespace {
// DELETE of a resource: true when Twilio no longer knew it (a repeated delete), false when deleted.
void deleteResource(Client &client, const QString &relative, QObject *context,
                    std::function<void(Result<bool>)> done) {
    const HttpRequest request{HttpRequest::Method::Delete, client.accountUrl(relative), {}, true};
    client.send(request, context, [done](Result<HttpResponse> response) {
        if (response)
            return done(false);
        if (response.error().reason == Reason::NotFound)
            return done(true);
        done(response.error());
    });
}
} // namespace

void releaseNumber(Client &client, const QString &numberSid, QObject *context,
                   std::function<void(Result<bool>)> done) {
    deleteResource(client, QStringLiteral("IncomingPhoneNumbers/%1.json").arg(numberSid), context,
                   std::move(done));
}

QUrl callsUrl(Client &client, const QDate &since, int pageSize) {
    FormFields query;
    if (since.isValid())
        query.append({QStringLiteral("StartTime>"), since.toString(Qt::ISODate)});
    query.append({QStringLiteral("PageSize"), QString::number(pageSize)});
    return client.accountUrl(QStringLiteral("Calls.json"), query);
}

QUrl recordingsUrl(Client &client, const QDate &since, int pageSize) {
    FormFields query;
    if (since.isValid())
        query.append({QStringLiteral("DateCreated>"), since.toString(Qt::ISODate)});
    query.append({QStringLiteral("PageSize"), QString::number(pageSize)});
    return client.accountUrl(QStringLiteral("Recordings.json"), query);
}

void fetchRecordingMedia(Client &client, const QString &recordingSid, QObject *context,
                         std::function<void(Result<QByteArray>)> done) {
    HttpRequest request{HttpRequest::Method::Get,
                        client.accountUrl(QStringLiteral("Recordings/%1.wav").arg(recordingSid)),
                        {},
                        true};
    request.media = true;
    client.send(request, context, [done](Result<HttpResponse> response) {
        if (!response)
            return done(response.error());
        if (response.value().media.isEmpty())
            return done(makeError(Error::Code::Network,
                                  QCoreApplication::translate(
                                      "Twilio::Api", "Twilio sent an empty recording. Try again later; "
                                                     "a recording still being processed has no audio yet."),
                                  Reason::BadResponse));
        done(response.value().media);
    });
}

void deleteRecording(Client &client, const QString &recordingSid, QObject *context,
                     std::function<void(Result<bool>)> done) {
    deleteResource(client, QStringLiteral("Recordings/%1.json").arg(recordingSid), context, std::move(done));
}

void fetchPrices(Client &client, const QString &country, QObject *context,
                 std::function<void(Result<VoicePrices>)> done) {
    const QString iso = country.toUpper();
    auto prices = std::make_shared<VoicePrices>();
    prices->country = iso;
    QPointer<Client> self(&client);
    const QUrl voiceUrl = client.pricingUrl(QStringLiteral("/v2/Voice/Countries/%1").arg(iso));
    client.send(
        {HttpRequest::Method::Get, voiceUrl, {}, true}, context,
        [self, iso, prices, context, done](Result<HttpResponse> voice) {
            if (!voice)
                return done(voice.error());
            const QJsonObject body = voice.value().body;
            prices->priceUnit = body.value(QStringLiteral("price_unit")).toString();
            for (const QJsonValue &entry : body.value(QStringLiteral("outbound_prefix_prices")).toArray()) {
                const auto price = Json::parsePrice(entry.toObject().value(QStringLiteral("current_price")));
                if (price && (!prices->outboundPerMinute || *price < *prices->outboundPerMinute))
                    prices->outboundPerMinute = price;
            }
            for (const QJsonValue &entry : body.value(QStringLiteral("inbound_call_prices")).toArray()) {
                const QJsonObject o = entry.toObject();
                if (o.value(QStringLiteral("number_type")).toString() == QLatin1String("local"))
                    prices->inboundLocalPerMinute =
                        Json::parsePrice(o.value(QStringLiteral("current_price")));
            }
            if (!self)
                return;
            const QUrl numbersUrl =
                self->pricingUrl(QStringLiteral("/v1/PhoneNumbers/Countries/%1").arg(iso));
            self->send({HttpRequest::Method::Get, numbersUrl, {}, true}, context,
                       [prices, done](Result<HttpResponse> numbers) {
                           if (!numbers)
                               return done(numbers.error());
                           for (const QJsonValue &entry :
                                numbers.value().body.value(QStringLiteral("phone_number_prices")).toArray()) {
                               const QJsonObject o = entry.toObject();
                               if (o.value(QStringLiteral("number_type")).toString() ==
                                   QLatin1String("local"))
                                   prices->numberMonthlyLocal =
                                       Json::parsePrice(o.value(QStringLiteral("current_price")));
                           }
                           done(*prices);
                       });
        });
}

} // namespace PoolDesk::Twilio::Api
