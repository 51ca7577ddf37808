#pragma once

#include "credentials/TwilioCredentials.h"
#include "domain/Result.h"
#include "twilio/TwilioErrors.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <memory>
#include <utility>

class QNetworkAccessManager;
class QNetworkReply;

namespace PoolDesk::Twilio {

using FormFields = QList<std::pair<QString, QString>>;

struct HttpRequest {
    enum class Method { Get, Post, Delete };
    Method method = Method::Get;
    QUrl url;
    FormFields form; // POST body, application/x-www-form-urlencoded
    // Safe to send again after an unclear failure (5xx, timeout, dropped connection). GET and
    // DELETE are; a POST that only sets fields may say so; a purchase must not.
    bool idempotent = true;
    // The answer is media, not JSON: its bytes go to HttpResponse::media. Redirects are followed
    // (Twilio answers a recording's media with one to its storage), and the credentials go only to
    // the host that was asked, never to where it redirects.
    bool media = false;
};

struct HttpResponse {
    int status = 0;
    QJsonObject body; // empty for 204
    QByteArray media; // for a media request
    QString contentType;
    int attempts = 1;
};

// Twilio's REST API over one shared QNetworkAccessManager, asynchronous only: HTTP Basic
// authentication, form-encoded POSTs ('+' as %2B), JSON answers, Twilio error bodies turned into
// typed errors, a cap on requests in flight, and retries with exponential backoff and jitter on
// 429 (honouring Retry-After), 5xx and timeouts for idempotent requests. A non-idempotent request
// that fails unclearly is never repeated: it ends with Reason::OutcomeUnknown so the caller can
// check what happened.
class Client final : public QObject {
    Q_OBJECT
public:
    struct Options {
        int maxInFlight = 4;
        int timeoutMs = 30000;
        int maxAttempts = 5;
        int backoffBaseMs = 500;
        int backoffCapMs = 30000;
        int retryAfterCapMs = 120000;
    };

    explicit Client(QNetworkAccessManager *network, QObject *parent = nullptr);
    ~Client() override;

    void setCredentials(const TwilioCredentials &credentials) { m_credentials = credentials; }
    const TwilioCredentials &credentials() const { return m_credentials; }
    void setOptions(const Options &options) { m_options = options; }
    const Options &options() const { return m_options; }

    // https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/{relative} with the query encoded
    // for Twilio ('+' as %2B, '<' and '>' in keys encoded).
    QUrl accountUrl(const QString &relative, const FormFields &query = {}) const;
    // Any path on the API host (or, for the Pricing API, on pricingBaseUrl()).
    QUrl apiUrl(const QString &path, const FormFields &query = {}) const;
    QUrl pricingUrl(const QString &path, const FormFields &query = {}) const;
    // The Pricing API's host: pricing.twilio.com for api.twilio.com; a mock server's own address.
    QUrl pricingBaseUrl() const;
    // A relative URI from a response (next_page_uri) resolved against the base URL, exactly as given.
    QUrl resolve(const QString &uri) const;
    // Whether `url` is on the API host or the pricing host: the only places credentials are sent.
    bool isTwilioOrigin(const QUrl &url) const;

    static QByteArray encodeForm(const FormFields &fields);

    // Calls `done` once, unless `context` is destroyed first.
    void send(const HttpRequest &request, QObject *context, std::function<void(Result<HttpResponse>)> done);
    // Follows next_page_uri from `first` until the last page, or until onPage returns false.
    // onPage gets the items under listKey and the whole page (for its next_page_uri).
    void fetchPages(const QUrl &first, const QString &listKey, QObject *context,
                    std::function<bool(const QJsonArray &items, const QJsonObject &page)> onPage,
                    std::function<void(Status)> done);
    // Ends every request made for `context`: their callbacks get Error::Code::Cancelled.
    void cancel(QObject *context);

    int inFlight() const { return m_activeCount; }
    int peakInFlight() const { return m_peakInFlight; }

signals:
    void retryScheduled(const QUrl &url, int attempt, int delayMs, const QString &why);

private:
    struct Pending;
    void enqueue(std::shared_ptr<Pending> pending);
    void pump();
    void start(const std::shared_ptr<Pending> &pending);
    void onFinished(const std::shared_ptr<Pending> &pending);
    void retryLater(const std::shared_ptr<Pending> &pending, int retryAfterMs, const QString &why,
                    const Error &lastError);
    void complete(const std::shared_ptr<Pending> &pending, Result<HttpResponse> result);
    int backoffMs(int attempt) const;

    QNetworkAccessManager *m_network;
    TwilioCredentials m_credentials;
    Options m_options;
    QList<std::shared_ptr<Pending>> m_queue;
    QList<std::shared_ptr<Pending>> m_active;
    QList<std::shared_ptr<Pending>> m_delayed;
    int m_activeCount = 0;
    int m_peakInFlight = 0;
};

} // namespace PoolDesk::Twilio
