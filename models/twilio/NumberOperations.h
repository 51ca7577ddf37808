#pragma once

#include "domain/Types.h"
#include "twilio/Operation.h"
#include "twilio/TwilioApi.h"

namespace PoolDesk::Twilio {

// "Test connection": fetches the account with the environment's credentials.
class TestConnectionOperation final : public Operation {
    Q_OBJECT
public:
    using Operation::Operation;
    const AccountInfo &account() const { return m_account; }

protected:
    void run() override;

private:
    AccountInfo m_account;
};

// Searches Twilio's numbers available to buy.
class SearchNumbersOperation final : public Operation {
    Q_OBJECT
public:
    SearchNumbersOperation(OperationContext context, SearchQuery query, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_query(std::move(query)) {}
    const QList<AvailableNumber> &results() const { return m_results; }

protected:
    void run() override;

private:
    SearchQuery m_query;
    QList<AvailableNumber> m_results;
};

// Buys one number, points it at the environment's webhooks and adds it to the pool. The purchase
// is never sent twice blindly (see Api::buyNumber). When someone else took the number meanwhile
// the error's reason is Reason::NumberTaken: search again and offer the next candidate.
class BuyNumberOperation final : public Operation {
    Q_OBJECT
public:
    // `trigger` says why (recorded in the audit log): "manual", "autoscale: below threshold", ...
    BuyNumberOperation(OperationContext context, QString e164, QString trigger, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_e164(std::move(e164))
        , m_trigger(std::move(trigger)) {}
    const PoolNumber &number() const { return m_number; }
    bool confirmedAfterUnclearFailure() const { return m_confirmed; }

protected:
    void run() override;

private:
    Status record(const IncomingNumber &bought);

    QString m_e164;
    QString m_trigger;
    PoolNumber m_number;
    bool m_confirmed = false;
};

// Releases a number at Twilio (irreversible: Twilio does not give released numbers back) and
// removes it from the pool. Refuses while the number is reserved or in use.
class ReleaseNumberOperation final : public Operation {
    Q_OBJECT
public:
    ReleaseNumberOperation(OperationContext context, QString e164, QString trigger, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_e164(std::move(e164))
        , m_trigger(std::move(trigger)) {}
    bool wasAlreadyGone() const { return m_alreadyGone; }

    // The checks release applies before calling Twilio, for a console to grey out its button.
    static Result<PoolNumber> checkReleasable(Database &db, const QString &e164, const QString &environment);

protected:
    void run() override;

private:
    void release(const PoolNumber &number, const QString &sid);
    Status record(const PoolNumber &number, const QString &sid);

    QString m_e164;
    QString m_trigger;
    bool m_alreadyGone = false;
};

} // namespace PoolDesk::Twilio
